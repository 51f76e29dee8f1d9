using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ShowcaseOps.Core;
using ShowcaseOps.Core.Cluster;
using ShowcaseOps.Core.Execution;
using Xunit;

namespace ShowcaseOps.Tests.Cluster;

/// <summary>Two runs on one cluster at once: the second waits for the first (or fails clearly), never builds a second cluster.</summary>
public sealed class ClusterLockTests
{
    [Fact]
    public async Task Two_concurrent_creates_build_one_cluster_and_both_end_complete()
    {
        using var sandbox = new ClusterSandbox();
        sandbox.Host.Latency.Set("ec2", "*", TimeSpan.FromMilliseconds(5));
        var spec = ClusterSandbox.Spec(agents: 2);
        var runs = await Task.WhenAll(sandbox.BuildAsync(spec), sandbox.BuildAsync(ClusterSandbox.Spec(agents: 2)));

        Assert.All(runs, r => Assert.Equal(ClusterState.Complete, r.Cluster.State));
        Assert.Single(sandbox.Host.Ec2.GetResources(), r => r.ResourceType == "vpc");
        Assert.Equal(4, sandbox.Host.Ec2.GetInstances().Count(i => i.State == "running"));
        Assert.Equal(4, runs.Sum(r => r.AddedInstanceIds.Count));
        Assert.DoesNotContain(sandbox.Host.Ec2.GetResources(), r => r.ResourceType == "key-pair");

        await Task.WhenAll(sandbox.RemoveAsync("demo"), sandbox.RemoveAsync("demo"));
        Assert.DoesNotContain(sandbox.Host.Ec2.GetResources(), r => !r.AwsManaged);
    }

    [Fact]
    public async Task A_held_lock_makes_a_second_run_fail_clearly_after_its_wait_and_an_expired_one_is_taken_over()
    {
        using var sandbox = new ClusterSandbox();
        var calls = new Ec2Calls(NullReporter.Instance, ClusterSandbox.FastOptions());
        await using (await ClusterLock.AcquireAsync(sandbox.Ec2, calls, "demo", CancellationToken.None))
        {
            var options = new ClusterEngineOptions { Retry = calls.Options.Retry, PollInitial = calls.Options.PollInitial, PollMax = calls.Options.PollMax, LockWait = TimeSpan.FromMilliseconds(300) };
            var failure = await Assert.ThrowsAsync<ShowcaseException>(() => sandbox.BuildAsync(ClusterSandbox.Spec(agents: 0), options));
            Assert.Equal("ShowcaseClusterLocked", failure.ErrorId);
            Assert.Empty(sandbox.Tagged("demo"));
        }

        // A lease that nobody renews (a crashed run) expires and is taken over.
        var shortLease = new Ec2Calls(NullReporter.Instance, new ClusterEngineOptions { Retry = calls.Options.Retry, LockLease = TimeSpan.FromMilliseconds(1) });
        var crashed = await ClusterLock.AcquireAsync(sandbox.Ec2, shortLease, "demo", CancellationToken.None);
        await Task.Delay(1100);
        var built = await sandbox.BuildAsync(ClusterSandbox.Spec(agents: 0));
        Assert.Equal(ClusterState.Complete, built.Cluster.State);
        await crashed.DisposeAsync();
    }
}
