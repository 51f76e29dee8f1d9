using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ShowcaseOps.Core;
using ShowcaseOps.Core.Cluster;
using ShowcaseOps.Core.Execution;
using Xunit;

namespace ShowcaseOps.Tests.Cluster;

public sealed class ClusterSpecTests
{
    [Theory]
    [InlineData("Demo", "ShowcaseClusterNameInvalid")]
    [InlineData("-demo", "ShowcaseClusterNameInvalid")]
    [InlineData("demo_1", "ShowcaseClusterNameInvalid")]
    [InlineData("a23456789012345678901234567890123", "ShowcaseClusterNameInvalid")]
    public void Bad_names_are_refused(string name, string errorId)
    {
        var spec = new ClusterSpec(name) { InstanceProfileName = "p" };
        Assert.Equal(errorId, Assert.Throws<ShowcaseException>(spec.Validate).ErrorId);
    }

    [Theory]
    [InlineData("10.0.0.0/16", "10.1.5.0/24", "10.0.12.0/24", "ShowcaseClusterSubnetOutsideVpc")]
    [InlineData("10.0.0.0/16", "10.0.5.0/24", "10.0.5.128/25", "ShowcaseClusterSubnetsOverlap")]
    [InlineData("10.0.0.0/16", "10.0.0.0/20", "10.0.12.0/24", "ShowcaseClusterSubnetsOverlap")]
    [InlineData("10.0.0.1/16", "10.0.5.0/24", "10.0.12.0/24", "ShowcaseClusterCidrInvalid")]
    [InlineData("10.0.0.0/8", "10.0.5.0/24", "10.0.12.0/24", "ShowcaseClusterCidrInvalid")]
    [InlineData("10.0.0.0/16", "10.0.5.0/29", "10.0.12.0/24", "ShowcaseClusterCidrInvalid")]
    [InlineData("300.0.0.0/16", "10.0.5.0/24", "10.0.12.0/24", "ShowcaseClusterCidrInvalid")]
    public void Bad_networks_are_refused(string vpc, string publicSubnet, string privateSubnet, string errorId)
    {
        var spec = new ClusterSpec("demo") { InstanceProfileName = "p", VpcCidr = vpc, PublicSubnetCidr = publicSubnet, PrivateSubnetCidr = privateSubnet };
        var error = Assert.Throws<ShowcaseException>(spec.Validate);
        Assert.Equal(errorId, error.ErrorId);
        Assert.Equal(ShowcaseErrorCategory.InvalidArgument, error.Category);
        Assert.True(error.Terminating);
    }

    [Fact]
    public void Other_bad_input_is_refused()
    {
        Assert.Equal("ShowcaseClusterAgentCountInvalid", Assert.Throws<ShowcaseException>(new ClusterSpec("demo") { InstanceProfileName = "p", AgentCount = -1 }.Validate).ErrorId);
        Assert.Equal("ShowcaseInstanceProfileRequired", Assert.Throws<ShowcaseException>(new ClusterSpec("demo").Validate).ErrorId);
        Assert.Equal("ShowcaseInstanceProfileNameInvalid", Assert.Throws<ShowcaseException>(new ClusterSpec("demo") { InstanceProfileName = "bad name" }.Validate).ErrorId);
        Assert.Equal("ShowcaseClusterDomainInvalid", Assert.Throws<ShowcaseException>(new ClusterSpec("demo") { InstanceProfileName = "p", Domain = "Consul." }.Validate).ErrorId);
        Assert.Equal("ShowcaseClusterImageIdInvalid", Assert.Throws<ShowcaseException>(new ClusterSpec("demo") { InstanceProfileName = "p", ImageId = "ubuntu" }.Validate).ErrorId);
        Assert.Equal("ShowcaseClusterPublicKeyInvalid", Assert.Throws<ShowcaseException>(new ClusterSpec("demo") { InstanceProfileName = "p", PublicKey = "not a key" }.Validate).ErrorId);
        new ClusterSpec("demo") { InstanceProfileName = "showcase-ssm" }.Validate();
    }

    [Fact]
    public async Task Bad_input_makes_zero_aws_calls()
    {
        using var sandbox = new ClusterSandbox();
        var spec = ClusterSandbox.Spec();
        spec.PrivateSubnetCidr = "10.0.5.0/24";
        var builder = new ClusterBuilder(sandbox.Ec2, null, NullReporter.Instance, ClusterSandbox.FastOptions());
        await Assert.ThrowsAsync<ShowcaseException>(() => builder.PlanAsync(spec, CancellationToken.None));
        Assert.Empty(sandbox.Host.Log.Entries);
    }

    [Fact]
    public void Security_rules_never_open_ssh_and_only_the_proxy_is_public()
    {
        var spec = new ClusterSpec("demo");
        foreach (var role in new[] { ClusterRoles.GatewaySecurityGroup, ClusterRoles.MasterSecurityGroup, ClusterRoles.AgentSecurityGroup })
        {
            var rules = spec.IngressRules(role);
            Assert.DoesNotContain(rules, r => r.FromPort <= 22 && 22 <= r.ToPort);
            Assert.All(rules.Where(r => r.Cidr == "0.0.0.0/0"), r => Assert.Contains(r.FromPort, new[] { 80, 443 }));
        }
    }

    [Fact]
    public void The_critical_path_is_the_longest_chain_of_durations()
    {
        static StepTiming T(string id, int start, int end, params string[] deps) => new(id, deps, TimeSpan.FromMilliseconds(start), TimeSpan.FromMilliseconds(end));
        var report = new PlanRunReport(new[] { T("a", 0, 100), T("b", 0, 300), T("c", 100, 150, "a"), T("d", 300, 400, "b", "c") }, TimeSpan.FromMilliseconds(400), 4);
        Assert.Equal(TimeSpan.FromMilliseconds(400), report.CriticalPath);
        Assert.Equal(new[] { "b", "d" }, report.CriticalSteps);
        Assert.Equal(TimeSpan.FromMilliseconds(550), report.SerialTime);
    }

    [Fact]
    public async Task The_executor_respects_dependencies_concurrency_and_stops_on_failure()
    {
        var running = 0;
        var peak = 0;
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        PlanStep Step(string id, params string[] deps) => new(id, id, id, StepAction.Create, deps, async ct =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref peak, now);
            await Task.Delay(20, ct);
            log.Enqueue(id);
            Interlocked.Decrement(ref running);
        });
        var steps = new[] { Step("a"), Step("b"), Step("c"), Step("d"), Step("e", "a", "b"), Step("f", "e") };
        var report = await PlanExecutor.RunAsync(steps, 2, NullReporter.Instance, "test", CancellationToken.None);
        Assert.Equal(2, peak);
        Assert.Equal(6, report.Steps.Count);
        var order = log.ToList();
        Assert.True(order.IndexOf("e") > order.IndexOf("a") && order.IndexOf("e") > order.IndexOf("b") && order.IndexOf("f") > order.IndexOf("e"));

        var ran = new System.Collections.Concurrent.ConcurrentBag<string>();
        var failing = new[]
        {
            new PlanStep("x", "x", "x", StepAction.Create, Array.Empty<string>(), _ => throw new ShowcaseException(ShowcaseErrors.ShowcaseClusterInstanceFailed, null, "boom")),
            new PlanStep("y", "y", "y", StepAction.Create, new[] { "x" }, _ => { ran.Add("y"); return Task.CompletedTask; }),
        };
        var error = await Assert.ThrowsAsync<ShowcaseException>(() => PlanExecutor.RunAsync(failing, 4, NullReporter.Instance, "test", CancellationToken.None));
        Assert.Equal(ShowcaseErrors.ShowcaseClusterInstanceFailed.Id, error.ErrorId);
        Assert.Empty(ran);

        Assert.Throws<ArgumentException>(() => PlanExecutor.TopologicalOrder(new[] { Step("p", "q"), Step("q", "p") }));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
