using System;
using System.Linq;
using System.Threading.Tasks;
using ShowcaseOps.Core.Cluster;
using ShowcaseOps.Sandbox.Hosting;
using Xunit;

namespace ShowcaseOps.Tests.Cluster;

/// <summary>
/// The check after a build overlaps the run's end but reads nothing before its last change: each resource's read
/// starts after the answer of the last write to it, the lock is released once the last host is launched, and the
/// hosts still waiting to run are taken from the answers that saw them running.
/// </summary>
public sealed class ClusterCheckTests : IDisposable
{
    private readonly ClusterSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task The_check_reads_every_resource_after_its_last_write_while_the_hosts_wait_to_run()
    {
        _sandbox.Host.Options.InstancePendingTime = TimeSpan.FromMilliseconds(400);
        _sandbox.Host.Latency.Set("ec2", "*", TimeSpan.FromMilliseconds(20));
        var result = await _sandbox.BuildAsync(ClusterSandbox.Spec(agents: 2));
        Assert.Equal(ClusterState.Complete, result.Cluster.State);
        Assert.All(result.Cluster.Hosts, h => Assert.Equal("running", h.State));

        var log = _sandbox.Host.Log.Entries.Where(e => e.Service == "ec2").ToList();
        static DateTime End(RequestLogEntry e) => e.Time + TimeSpan.FromMilliseconds(e.DurationMs);
        var lastWrite = log.Where(e => RequestLog.IsWrite(e.Operation) && e.Operation is not ("RunInstances" or "DeleteKeyPair" or "CreateTags")).Max(End);
        var lastLaunch = log.Where(e => e.Operation == "RunInstances").Max(End);

        // The check's region-wide reads: the last DescribeVpcs and DescribeAddresses of the run.
        foreach (var operation in new[] { "DescribeVpcs", "DescribeAddresses", "DescribeInternetGateways", "DescribeSubnets", "DescribeRouteTables", "DescribeSecurityGroups", "DescribeNatGateways" })
        {
            var read = log.Last(e => e.Operation == operation);
            Assert.True(read.Time >= lastWrite, $"{operation} at {read.Time:HH:mm:ss.fff} before the last write ended at {lastWrite:HH:mm:ss.fff}");
        }

        // Released once the last host was launched, before the hosts ran.
        var release = log.Single(e => e.Operation == "DeleteKeyPair");
        Assert.True(release.Time >= lastLaunch);
        var lastWait = log.Last(e => e.Operation == "DescribeInstances");
        Assert.True(release.Time < End(lastWait), "the lock is released while the last hosts still wait to run");

        // The check ran while the agents were still pending; the output has them running, from the answers their waits read.
        Assert.True(log.Last(e => e.Operation == "DescribeVpcs").Time < lastWait.Time, "the check overlaps the waits");
    }

    [Fact]
    public async Task A_host_terminated_after_it_was_seen_running_is_caught_by_a_rerun_check()
    {
        await _sandbox.BuildAsync(ClusterSandbox.Spec(agents: 1));
        var agent = _sandbox.Host.Ec2.GetInstances().Single(i => i.Tags[ClusterTags.Role] == ClusterRoles.Agent);
        await _sandbox.Ec2.TerminateInstancesAsync(new Amazon.EC2.Model.TerminateInstancesRequest { InstanceIds = new() { agent.InstanceId } });
        await Task.Delay(100);

        var again = await _sandbox.BuildAsync(ClusterSandbox.Spec(agents: 1));
        Assert.Equal(ClusterState.Complete, again.Cluster.State);
        Assert.NotEqual(agent.InstanceId, Assert.Single(again.Cluster.Agents).InstanceId);
    }
}
