using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.EC2.Model;
using ShowcaseOps.Core.Cluster;
using Xunit;

namespace ShowcaseOps.Tests.Cluster;

public sealed class ReachabilityTests : IDisposable
{
    private readonly ClusterSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public void The_flow_table_has_no_ssh_and_only_the_proxy_from_the_internet()
    {
        Assert.DoesNotContain(ClusterFlows.Required, f => f.FromPort <= 22 && 22 <= f.ToPort);
        var fromInternet = ClusterFlows.Required.Where(f => f.Source == FlowEndpoints.Internet).ToList();
        Assert.All(fromInternet, f => Assert.Equal(FlowEndpoints.Gateway, f.Destination));
        Assert.Equal(new[] { 80, 443 }, fromInternet.Select(f => f.FromPort).OrderBy(p => p));
        Assert.Contains(ClusterFlows.Required, f => f.Source == FlowEndpoints.Gateway && f.Destination == FlowEndpoints.Master && f.FromPort == ClusterFlows.ServicePortMin && f.ToPort == ClusterFlows.ServicePortMax);
        Assert.Contains(ClusterFlows.InternetDenied, f => f.Destination == FlowEndpoints.Master && f.FromPort == 22);

        // No admin port the internet must not reach is one the platform opens to it.
        foreach (var denied in ClusterFlows.InternetDenied)
        {
            Assert.DoesNotContain(fromInternet, f => f.Destination == denied.Destination && f.Protocol == denied.Protocol && f.FromPort <= denied.ToPort && denied.FromPort <= f.ToPort);
        }
    }

    [Fact]
    public void Rules_name_the_cluster_groups_never_the_vpc_and_stay_far_below_the_rule_quota()
    {
        var ids = new Dictionary<string, string>
        {
            [ClusterRoles.GatewaySecurityGroup] = "sg-0000000000000000a",
            [ClusterRoles.MasterSecurityGroup] = "sg-0000000000000000b",
            [ClusterRoles.AgentSecurityGroup] = "sg-0000000000000000c",
        };
        foreach (var role in ids.Keys)
        {
            var rules = ClusterFlows.IngressFor(role, ids);
            Assert.InRange(rules.Count, 1, 60);
            Assert.All(rules.Where(r => r.Cidr is not null), r => Assert.Equal("0.0.0.0/0", r.Cidr));
            Assert.All(rules.Where(r => r.GroupId is not null), r => Assert.Contains(r.GroupId, ids.Values));
            Assert.All(rules, r => Assert.Matches("\\A[a-zA-Z0-9. _\\-:/()#,@\\[\\]+=&;{}!$*]{1,255}\\z", r.Description));
            Assert.Equal(rules.Count, rules.Select(r => (r.Protocol, r.FromPort, r.ToPort, r.Source)).Distinct().Count());
        }

        Assert.Throws<InvalidOperationException>(() => ClusterFlows.IngressFor(ClusterRoles.MasterSecurityGroup, new Dictionary<string, string>()));
    }

    [Fact]
    public async Task A_new_cluster_passes_every_check()
    {
        var result = await _sandbox.BuildAsync(ClusterSandbox.Spec());
        var checks = ReachabilityEvaluator.Evaluate(result.Cluster);
        Assert.Equal(ClusterFlows.Required.Count + ClusterFlows.InternetDenied.Count + ClusterFlows.ClusterDenied.Count, checks.Count);
        Assert.All(checks, c => Assert.True(c.Passed, c.ToString()));
        var service = checks.Single(c => c.ExpectedAllowed && c.Flow.Source == FlowEndpoints.Gateway && c.Flow.FromPort == ClusterFlows.ServicePortMin);
        Assert.Contains(service.MatchingRules, r => r.Contains("demo-master-sg", StringComparison.Ordinal) && r.Contains("demo-gateway-sg", StringComparison.Ordinal));
        Assert.Contains("3 source/destination", checks.Single(c => c.ExpectedAllowed && c.Flow.Source == FlowEndpoints.Master && c.Flow.Destination == FlowEndpoints.Agent && c.Flow.FromPort == 5051).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_revoked_rule_fails_its_flow_and_a_rerun_puts_it_back()
    {
        var cluster = (await _sandbox.BuildAsync(ClusterSandbox.Spec())).Cluster;
        await RevokeAsync(cluster.MasterSecurityGroup!.Id, "tcp", ClusterFlows.ServicePortMin, ClusterFlows.ServicePortMax, cluster.GatewaySecurityGroup!.Id);

        var found = await ClusterDiscovery.FindAsync(_sandbox.Ec2, "demo", CancellationToken.None);
        var failed = Assert.Single(ReachabilityEvaluator.Evaluate(found!), c => !c.Passed);
        Assert.Equal(FlowEndpoints.Gateway, failed.Flow.Source);
        Assert.Equal(FlowEndpoints.Master, failed.Flow.Destination);
        Assert.False(failed.ActualAllowed);
        Assert.Contains("demo-master", failed.Reason, StringComparison.Ordinal);
        Assert.Contains("10000-20000", failed.Reason, StringComparison.Ordinal);

        var authorizeBefore = _sandbox.Host.Log.Count("ec2", "AuthorizeSecurityGroupIngress");
        var again = await _sandbox.BuildAsync(ClusterSandbox.Spec());
        Assert.Equal(authorizeBefore + 1, _sandbox.Host.Log.Count("ec2", "AuthorizeSecurityGroupIngress"));
        Assert.Equal(new[] { ClusterRoles.MasterSecurityGroup + "-ingress" }, again.ChangedSteps);
        Assert.All(ReachabilityEvaluator.Evaluate(again.Cluster), c => Assert.True(c.Passed, c.ToString()));
    }

    [Fact]
    public async Task Part_of_a_range_missing_is_reported_with_the_ports_left_out()
    {
        var cluster = (await _sandbox.BuildAsync(ClusterSandbox.Spec())).Cluster;
        var master = cluster.MasterSecurityGroup!.Id;
        var gateway = cluster.GatewaySecurityGroup!.Id;
        await RevokeAsync(master, "tcp", ClusterFlows.ServicePortMin, ClusterFlows.ServicePortMax, gateway);
        await _sandbox.Ec2.AuthorizeSecurityGroupIngressAsync(new AuthorizeSecurityGroupIngressRequest
        {
            GroupId = master,
            IpPermissions = new List<IpPermission>
            {
                new() { IpProtocol = "tcp", FromPort = 10000, ToPort = 12000, UserIdGroupPairs = new List<UserIdGroupPair> { new() { GroupId = gateway } } },
                new() { IpProtocol = "tcp", FromPort = 12001, ToPort = 15000, Ipv4Ranges = new List<IpRange> { new() { CidrIp = "10.0.5.0/24" } } },
                new() { IpProtocol = "tcp", FromPort = 18000, ToPort = 20000, UserIdGroupPairs = new List<UserIdGroupPair> { new() { GroupId = gateway } } },
            },
        });

        var found = await ClusterDiscovery.FindAsync(_sandbox.Ec2, "demo", CancellationToken.None);
        var failed = Assert.Single(ReachabilityEvaluator.Evaluate(found!), c => !c.Passed);
        Assert.Contains("tcp/15001-17999", failed.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_admin_port_opened_to_the_internet_fails_its_check()
    {
        var cluster = (await _sandbox.BuildAsync(ClusterSandbox.Spec())).Cluster;
        await _sandbox.Ec2.AuthorizeSecurityGroupIngressAsync(new AuthorizeSecurityGroupIngressRequest
        {
            GroupId = cluster.MasterSecurityGroup!.Id,
            IpPermissions = new List<IpPermission> { new() { IpProtocol = "tcp", FromPort = 8080, ToPort = 8080, Ipv4Ranges = new List<IpRange> { new() { CidrIp = "198.51.100.0/24" } } } },
        });

        var found = await ClusterDiscovery.FindAsync(_sandbox.Ec2, "demo", CancellationToken.None);
        var failed = Assert.Single(ReachabilityEvaluator.Evaluate(found!), c => !c.Passed);
        Assert.False(failed.ExpectedAllowed);
        Assert.True(failed.ActualAllowed);
        Assert.Equal(8080, failed.Flow.FromPort);
        Assert.Contains("198.51.100.0/24", Assert.Single(failed.MatchingRules), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Egress_is_checked_too()
    {
        var cluster = (await _sandbox.BuildAsync(ClusterSandbox.Spec())).Cluster;
        await _sandbox.Ec2.RevokeSecurityGroupEgressAsync(new RevokeSecurityGroupEgressRequest
        {
            GroupId = cluster.AgentSecurityGroup!.Id,
            IpPermissions = new List<IpPermission> { new() { IpProtocol = "-1", Ipv4Ranges = new List<IpRange> { new() { CidrIp = "0.0.0.0/0" } } } },
        });

        var found = await ClusterDiscovery.FindAsync(_sandbox.Ec2, "demo", CancellationToken.None);
        var failed = ReachabilityEvaluator.Evaluate(found!).Where(c => !c.Passed).ToList();
        Assert.NotEmpty(failed);
        Assert.All(failed, c => Assert.Equal(FlowEndpoints.Agent, c.Flow.Source));
        Assert.All(failed, c => Assert.Contains("(egress)", c.Reason, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_cluster_with_the_old_vpc_wide_rules_is_migrated_on_rerun()
    {
        var cluster = (await _sandbox.BuildAsync(ClusterSandbox.Spec())).Cluster;
        var spec = new ClusterSpec("demo");
        foreach (var group in new[] { cluster.GatewaySecurityGroup!, cluster.MasterSecurityGroup!, cluster.AgentSecurityGroup! })
        {
            // Turn the group into what the module made before the flow table: every cluster port from the VPC CIDR.
            var current = (await _sandbox.Ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { GroupIds = new List<string> { group.Id } })).SecurityGroups[0];
            await _sandbox.Ec2.RevokeSecurityGroupIngressAsync(new RevokeSecurityGroupIngressRequest { GroupId = group.Id, IpPermissions = current.IpPermissions });
            var role = group == cluster.GatewaySecurityGroup ? ClusterRoles.GatewaySecurityGroup : group == cluster.MasterSecurityGroup ? ClusterRoles.MasterSecurityGroup : ClusterRoles.AgentSecurityGroup;
            await _sandbox.Ec2.AuthorizeSecurityGroupIngressAsync(new AuthorizeSecurityGroupIngressRequest
            {
                GroupId = group.Id,
                IpPermissions = spec.IngressRules(role).Select(r => new IpPermission { IpProtocol = r.Protocol, FromPort = r.FromPort, ToPort = r.ToPort, Ipv4Ranges = new List<IpRange> { new() { CidrIp = r.Cidr, Description = r.Description } } }).ToList(),
            });
        }

        // The old rules never admitted the service ports: exactly that required flow fails. And they admitted the VPC
        // where a group would do: the admin ports open to every address of the VPC fail their checks.
        var legacy = await ClusterDiscovery.FindAsync(_sandbox.Ec2, "demo", CancellationToken.None);
        var legacyChecks = ReachabilityEvaluator.Evaluate(legacy!);
        var failed = Assert.Single(legacyChecks, c => !c.Passed && c.ExpectedAllowed);
        Assert.Equal(ClusterFlows.ServicePortMin, failed.Flow.FromPort);
        Assert.Contains(legacyChecks, c => !c.Passed && c.Flow.Source == FlowEndpoints.Vpc && c.Flow.Destination == FlowEndpoints.Master && c.Flow.FromPort == 8080);
        Assert.Contains(legacyChecks, c => !c.Passed && c.Flow.Source == FlowEndpoints.Agent && c.Flow.Destination == FlowEndpoints.Master && c.Flow.FromPort == 8182);

        var migrated = await _sandbox.BuildAsync(ClusterSandbox.Spec());
        Assert.All(ReachabilityEvaluator.Evaluate(migrated.Cluster), c => Assert.True(c.Passed, c.ToString()));
        var rules = _sandbox.Host.Ec2.GetSecurityRules().Where(r => r.Direction == "ingress" && r.GroupName != "default").ToList();
        Assert.DoesNotContain(rules, r => r.Source == "10.0.0.0/16");
        Assert.Equal(3, _sandbox.Host.Log.Count("ec2", "RevokeSecurityGroupIngress") - 3);

        var before = _sandbox.Host.Log.Writes("ec2").Count;
        var third = await _sandbox.BuildAsync(ClusterSandbox.Spec());
        Assert.Empty(third.ChangedSteps);
        Assert.Equal(before, _sandbox.Host.Log.Writes("ec2").Count);
    }

    [Fact]
    public void The_denied_table_covers_the_admin_apis_and_never_contradicts_a_required_flow()
    {
        foreach (var denied in ClusterFlows.ClusterDenied)
        {
            Assert.DoesNotContain(ClusterFlows.Required, f => f.Source == denied.Source && f.Destination == denied.Destination && f.Protocol == denied.Protocol && f.FromPort <= denied.ToPort && denied.FromPort <= f.ToPort);
        }

        // Kong's Admin API from nobody; the Vulcand API and Marathon from the gateway only; Mesos from the gateway and agents.
        Assert.DoesNotContain(ClusterFlows.Required, f => f.FromPort <= 8001 && 8001 <= f.ToPort);
        Assert.DoesNotContain(ClusterFlows.Required, f => f.FromPort <= 8500 && 8500 <= f.ToPort);
        Assert.Equal(new[] { FlowEndpoints.Agent, FlowEndpoints.Master, FlowEndpoints.Vpc }, Sources(FlowEndpoints.Gateway, 8001));
        Assert.Equal(new[] { FlowEndpoints.Agent, FlowEndpoints.Vpc }, Sources(FlowEndpoints.Master, 8182));
        Assert.Equal(new[] { FlowEndpoints.Agent, FlowEndpoints.Vpc }, Sources(FlowEndpoints.Master, 8080));
        Assert.Equal(new[] { FlowEndpoints.Vpc }, Sources(FlowEndpoints.Master, 5050));
        Assert.Equal(new[] { FlowEndpoints.Gateway, FlowEndpoints.Vpc }, Sources(FlowEndpoints.Master, 2181));
        Assert.Equal(new[] { FlowEndpoints.Agent, FlowEndpoints.Gateway, FlowEndpoints.Vpc }, Sources(FlowEndpoints.Agent, 5051));
        Assert.Equal(new[] { FlowEndpoints.Agent, FlowEndpoints.Gateway }, ClusterFlows.Required.Where(f => f.Destination == FlowEndpoints.Master && f.FromPort == 5050).Select(f => f.Source).OrderBy(x => x, StringComparer.Ordinal));

        static string[] Sources(string destination, int port) =>
            ClusterFlows.ClusterDenied.Where(f => f.Destination == destination && f.FromPort <= port && port <= f.ToPort).Select(f => f.Source).OrderBy(x => x, StringComparer.Ordinal).ToArray();
    }

    [Fact]
    public async Task Kong_admin_api_is_denied_from_the_vpc_and_the_agents_until_a_vpc_cidr_rule_opens_it()
    {
        var cluster = (await _sandbox.BuildAsync(ClusterSandbox.Spec())).Cluster;
        var gateway = cluster.Gateway!.PrivateIpAddress!;
        var agent = cluster.Agents[0].PrivateIpAddress!;
        var kong = ReachabilityEvaluator.Evaluate(cluster).Where(c => c.Flow.Destination == FlowEndpoints.Gateway && c.Flow.FromPort == 8001).ToList();
        Assert.Equal(new[] { FlowEndpoints.Agent, FlowEndpoints.Master, FlowEndpoints.Vpc }, kong.Select(c => c.Flow.Source).OrderBy(x => x, StringComparer.Ordinal));
        Assert.All(kong, c => Assert.True(c.Passed && !c.ActualAllowed, c.ToString()));
        Assert.False(_sandbox.Host.Ec2.CheckConnection(agent, gateway, "tcp", 8001).Allowed);
        Assert.False(_sandbox.Host.Ec2.CheckConnection(cluster.Master!.PrivateIpAddress!, gateway, "tcp", 8001).Allowed);
        Assert.True(_sandbox.Host.Ec2.CheckConnection(gateway, gateway, "tcp", 8001).Allowed);   // the channel, on the gateway itself

        // What the old table did (a cluster port from the VPC CIDR): every source of the VPC gets in, and each check says so.
        await _sandbox.Ec2.AuthorizeSecurityGroupIngressAsync(new AuthorizeSecurityGroupIngressRequest
        {
            GroupId = cluster.GatewaySecurityGroup!.Id,
            IpPermissions = new List<IpPermission> { new() { IpProtocol = "tcp", FromPort = 8001, ToPort = 8001, Ipv4Ranges = new List<IpRange> { new() { CidrIp = cluster.VpcCidr } } } },
        });
        var found = await ClusterDiscovery.FindAsync(_sandbox.Ec2, "demo", CancellationToken.None);
        var failed = ReachabilityEvaluator.Evaluate(found!).Where(c => !c.Passed).ToList();
        Assert.Equal(new[] { FlowEndpoints.Agent, FlowEndpoints.Master, FlowEndpoints.Vpc }, failed.Select(c => c.Flow.Source).OrderBy(x => x, StringComparer.Ordinal));
        Assert.All(failed, c => Assert.Equal(8001, c.Flow.FromPort));
        Assert.All(failed, c => Assert.Contains(cluster.VpcCidr!, Assert.Single(c.MatchingRules), StringComparison.Ordinal));
        Assert.True(_sandbox.Host.Ec2.CheckConnection(agent, gateway, "tcp", 8001).Allowed);
    }

    [Fact]
    public async Task The_vulcand_api_and_marathon_admit_the_gateway_only_and_an_agent_rule_fails_its_check()
    {
        var cluster = (await _sandbox.BuildAsync(ClusterSandbox.Spec())).Cluster;
        var master = cluster.Master!.PrivateIpAddress!;
        foreach (var port in new[] { 8182, 8080 })
        {
            Assert.True(_sandbox.Host.Ec2.CheckConnection(cluster.Gateway!.PrivateIpAddress!, master, "tcp", port).Allowed);
            Assert.All(cluster.Agents, a => Assert.False(_sandbox.Host.Ec2.CheckConnection(a.PrivateIpAddress!, master, "tcp", port).Allowed));
        }

        // Another host of the VPC, in a group of its own, reaches none of the admin APIs.
        var outsider = await OutsiderAsync(cluster);
        foreach (var (destination, port) in new[] { (master, 8182), (master, 8080), (master, 5050), (master, 2181), (cluster.Gateway!.PrivateIpAddress!, 8001), (cluster.Agents[0].PrivateIpAddress!, 5051) })
        {
            Assert.False(_sandbox.Host.Ec2.CheckConnection(outsider, destination, "tcp", port).Allowed, $"{outsider} -> {destination}:{port}");
        }

        await _sandbox.Ec2.AuthorizeSecurityGroupIngressAsync(new AuthorizeSecurityGroupIngressRequest
        {
            GroupId = cluster.MasterSecurityGroup!.Id,
            IpPermissions = new List<IpPermission> { new() { IpProtocol = "tcp", FromPort = 8182, ToPort = 8182, UserIdGroupPairs = new List<UserIdGroupPair> { new() { GroupId = cluster.AgentSecurityGroup!.Id } } } },
        });
        var found = await ClusterDiscovery.FindAsync(_sandbox.Ec2, "demo", CancellationToken.None);
        var failed = Assert.Single(ReachabilityEvaluator.Evaluate(found!), c => !c.Passed);
        Assert.Equal((FlowEndpoints.Agent, FlowEndpoints.Master, 8182), (failed.Flow.Source, failed.Flow.Destination, failed.Flow.FromPort));
        Assert.True(failed.ActualAllowed);
        Assert.True(_sandbox.Host.Ec2.CheckConnection(cluster.Agents[0].PrivateIpAddress!, master, "tcp", 8182).Allowed);
    }

    /// <summary>An instance in the cluster's private subnet with a group of its own (all egress, no ingress): "any address of the VPC".</summary>
    private async Task<string> OutsiderAsync(ClusterInfo cluster)
    {
        var group = await _sandbox.Ec2.CreateSecurityGroupAsync(new CreateSecurityGroupRequest { GroupName = "outsider", Description = "not the cluster's", VpcId = cluster.VpcId });
        var launched = await _sandbox.Ec2.RunInstancesAsync(new RunInstancesRequest
        {
            ImageId = "ami-0123456789abcdef0",
            InstanceType = Amazon.EC2.InstanceType.T3Micro,
            MinCount = 1,
            MaxCount = 1,
            SubnetId = cluster.PrivateSubnet!.Id,
            SecurityGroupIds = new List<string> { group.GroupId },
            IamInstanceProfile = new IamInstanceProfileSpecification { Name = "showcase-ssm" },
        });
        await Task.Delay(200);
        return launched.Reservation.Instances.Single().PrivateIpAddress;
    }

    private Task RevokeAsync(string groupId, string protocol, int from, int to, string sourceGroupId) =>
        _sandbox.Ec2.RevokeSecurityGroupIngressAsync(new RevokeSecurityGroupIngressRequest
        {
            GroupId = groupId,
            IpPermissions = new List<IpPermission> { new() { IpProtocol = protocol, FromPort = from, ToPort = to, UserIdGroupPairs = new List<UserIdGroupPair> { new() { GroupId = sourceGroupId } } } },
        });
}
