using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ShowcaseOps.Core;
using ShowcaseOps.Core.Aws;
using ShowcaseOps.Core.Cluster;
using ShowcaseOps.Core.Execution;
using ShowcaseOps.Core.Platform;
using ShowcaseOps.Core.Services;
using ShowcaseOps.Core.Ssm;
using ShowcaseOps.Sandbox;
using Xunit;

namespace ShowcaseOps.Tests.Cluster;

/// <summary>The sandbox enforces the EC2 stand-in's security groups on the traffic of platform scripts and of Kong's proxy.</summary>
public sealed class SecurityGroupEnforcementTests : IDisposable
{
    private readonly ClusterSandbox _sandbox = new(new SandboxOptions
    {
        InstancePendingTime = TimeSpan.FromMilliseconds(30),
        InstanceShutdownTime = TimeSpan.FromMilliseconds(30),
        SsmOnlineDelay = TimeSpan.FromMilliseconds(10),
        CommandDuration = TimeSpan.FromMilliseconds(10),
    });

    private readonly Amazon.SimpleSystemsManagement.IAmazonSimpleSystemsManagement _ssm;

    public SecurityGroupEnforcementTests()
    {
        _ssm = AwsClientFactory.CreateSsm(new AwsConnectionSettings { EndpointUrl = _sandbox.Host.Endpoint("ssm").ToString(), Region = "eu-west-1", AccessKey = "x", SecretKey = "y" });
    }

    public void Dispose()
    {
        _ssm.Dispose();
        _sandbox.Dispose();
    }

    [Fact]
    public async Task A_registered_service_is_reachable_through_kong_until_a_rule_is_removed_and_test_reports_it()
    {
        var (cluster, channel) = await ClusterWithChannelAsync();
        var agent = cluster.Agents[0];
        await ServiceRegistrar.RegisterAsync(channel, new PlatformServiceSpec("web", "service.consul", 10000), NullReporter.Instance, CancellationToken.None);
        await InstanceRegistrar.RegisterAsync(channel, new[] { new PlatformInstanceSpec("web", "web.task-1", agent.PrivateIpAddress!, 51234) }, NullReporter.Instance, CancellationToken.None);
        _sandbox.Host.TaskNetwork.Listen(agent.PrivateIpAddress!, 51234, "web.task-1"); // the data plane: something must answer there

        var ok = _sandbox.Host.Kong.Proxy("web.service.consul", "/");
        Assert.True(ok.Status == 200, string.Join(Environment.NewLine, ok.Hops));
        Assert.Contains("web.task-1", ok.Body, StringComparison.Ordinal);

        // Someone removes the gateway -> master service-port rule: the service is unreachable, and Test- says why.
        Assert.Equal(1, _sandbox.Host.Ec2.RemoveSecurityRules(cluster.MasterSecurityGroup!.Id, "ingress", "tcp", ClusterFlows.ServicePortMin, ClusterFlows.ServicePortMax, cluster.GatewaySecurityGroup!.Id));
        var dropped = _sandbox.Host.Kong.Proxy("web.service.consul", "/");
        Assert.Equal(504, dropped.Status);
        Assert.Contains(_sandbox.Host.Ec2.DeniedConnections, d => d.Contains("tcp/10000", StringComparison.Ordinal) && d.Contains(cluster.Master!.InstanceId, StringComparison.Ordinal));

        var found = await ClusterDiscovery.FindAsync(_sandbox.Ec2, "demo", CancellationToken.None);
        var failed = Assert.Single(ReachabilityEvaluator.Evaluate(found!), c => !c.Passed);
        Assert.Equal((FlowEndpoints.Gateway, FlowEndpoints.Master, ClusterFlows.ServicePortMin), (failed.Flow.Source, failed.Flow.Destination, failed.Flow.FromPort));

        // With enforcement off the same request gets through (the option is read at each connection).
        _sandbox.Host.Options.EnforceSecurityGroups = false;
        Assert.Equal(200, _sandbox.Host.Kong.Proxy("web.service.consul", "/").Status);
        _sandbox.Host.Options.EnforceSecurityGroups = true;

        // New-ShowcaseCluster puts the rule back, and the service answers again.
        await _sandbox.BuildAsync(Spec());
        Assert.Equal(200, _sandbox.Host.Kong.Proxy("web.service.consul", "/").Status);
    }

    [Fact]
    public async Task Vulcand_to_a_task_needs_the_master_to_agent_task_port_rule()
    {
        var (cluster, channel) = await ClusterWithChannelAsync();
        await ServiceRegistrar.RegisterAsync(channel, new PlatformServiceSpec("web", "service.consul", 10001), NullReporter.Instance, CancellationToken.None);
        await InstanceRegistrar.RegisterAsync(channel, new[] { new PlatformInstanceSpec("web", "web.task-1", cluster.Agents[0].PrivateIpAddress!, 55555) }, NullReporter.Instance, CancellationToken.None);
        Assert.Equal(1, _sandbox.Host.Ec2.RemoveSecurityRules(cluster.AgentSecurityGroup!.Id, "ingress", "tcp", ClusterFlows.TaskPortMin, ClusterFlows.TaskPortMax, cluster.MasterSecurityGroup!.Id));

        var response = _sandbox.Host.Kong.Proxy("web.service.consul", "/");
        Assert.Equal(504, response.Status);
        Assert.Contains(response.Hops, h => h.StartsWith("security groups: denied", StringComparison.Ordinal) && h.Contains("tcp/55555", StringComparison.Ordinal));
        Assert.Equal(404, _sandbox.Host.Kong.Proxy("nothing.service.consul", "/").Status);
    }

    [Fact]
    public async Task A_platform_script_on_the_gateway_is_refused_the_vulcand_api_without_its_rule()
    {
        var (cluster, channel) = await ClusterWithChannelAsync();
        var read = new[] { new PlatformRequest(PlatformTarget.Vulcand, "GET", "/v2/status"), new PlatformRequest(PlatformTarget.Consul, "GET", "/v1/agent/services") };
        Assert.All(await channel.SendAsync(read, NullReporter.Instance, CancellationToken.None), r => Assert.Equal(200, r.Status));

        Assert.Equal(1, _sandbox.Host.Ec2.RemoveSecurityRules(cluster.MasterSecurityGroup!.Id, "ingress", "tcp", 8182, 8182, cluster.GatewaySecurityGroup!.Id));
        var vulcandBefore = _sandbox.Host.Log.Count("vulcand");
        var responses = await channel.SendAsync(read, NullReporter.Instance, CancellationToken.None);

        // Vulcand on the master: connection refused (status 0); Consul on the gateway itself (loopback): still fine.
        Assert.Equal(0, responses[0].Status);
        Assert.Contains("127.0.0.1 port 9", responses[0].Body, StringComparison.Ordinal);
        Assert.Equal(200, responses[1].Status);
        Assert.Equal(vulcandBefore, _sandbox.Host.Log.Count("vulcand"));
        Assert.Contains(_sandbox.Host.Ec2.DeniedConnections, d => d.Contains(cluster.Gateway!.InstanceId, StringComparison.Ordinal) && d.Contains(cluster.Master!.PrivateIpAddress + ":8182", StringComparison.Ordinal));
        var ex = await Assert.ThrowsAsync<ShowcaseException>(() => ServiceRegistrar.RegisterAsync(channel, new PlatformServiceSpec("web", "service.consul", 10000), NullReporter.Instance, CancellationToken.None));
        Assert.Equal("PlatformReadFailed", ex.ErrorId);
    }

    private static ClusterSpec Spec() => ClusterSandbox.Spec(agents: 2);

    private async Task<(ClusterInfo Cluster, SsmPlatformChannel Channel)> ClusterWithChannelAsync()
    {
        var cluster = (await _sandbox.BuildAsync(Spec())).Cluster;
        var gateway = cluster.Gateway!;
        var channel = new SsmPlatformChannel(_ssm, new SsmTarget(gateway.InstanceId, gateway.Role, gateway.Name), PlatformEndpoints.ForCluster(cluster.Master!.PrivateIpAddress!));
        await Task.Delay(50);
        return (cluster, channel);
    }
}
