using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ShowcaseOps.Core;
using ShowcaseOps.Core.Cluster;
using ShowcaseOps.Core.Execution;
using ShowcaseOps.Sandbox;
using Xunit;

namespace ShowcaseOps.Tests.Cluster;

/// <summary>
/// A run stopped half-way (Ctrl+C, a crash) with tag filters lagging 1.5 s behind creates, then run again at once: the
/// re-run cannot rely on tag-filtered Describe calls to see what the first run made, and must still complete without a
/// second copy of anything (token-less creates are found by reads that do not use tag filters).
/// </summary>
public sealed class CrashRerunTests
{
    public static TheoryData<int> StopPoints() => new() { 1, 2, 3, 5, 8, 12, 17 };

    [Theory]
    [MemberData(nameof(StopPoints))]
    public async Task A_rerun_right_after_a_stop_completes_without_duplicates(int stopAfterWrites)
    {
        using var sandbox = new ClusterSandbox(new SandboxOptions
        {
            InstancePendingTime = TimeSpan.FromMilliseconds(30),
            InstanceShutdownTime = TimeSpan.FromMilliseconds(30),
            TagFilterDelay = TimeSpan.FromMilliseconds(1500),
        });

        // Every EC2 call takes 40 ms at the server; the stop comes 15 ms after the Nth change was sent, while the server
        // is carrying it out: it acts, and the run never sees the answer.
        sandbox.Host.Latency.Set("ec2", "*", TimeSpan.FromMilliseconds(40));
        using var stop = new CancellationTokenSource();
        var reporter = new StopAfterWrites(stopAfterWrites, stop);
        var spec = ClusterSandbox.Spec(agents: 2);
        var options = Options();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new ClusterBuilder(sandbox.Ec2, null, reporter, options).BuildAsync(spec, stop.Token));
        Assert.True(reporter.Writes >= stopAfterWrites);

        var rerun = await new ClusterBuilder(sandbox.Ec2, null, NullReporter.Instance, options).BuildAsync(spec, CancellationToken.None);

        Assert.Equal(ClusterState.Complete, rerun.Cluster.State);
        var own = sandbox.Host.Ec2.GetResources().Where(r => !r.AwsManaged && r.ResourceType is not ("volume" or "network-interface")).ToList();
        Assert.Single(own, r => r.ResourceType == "vpc");
        Assert.Single(own, r => r.ResourceType == "internet-gateway");
        Assert.Equal(2, own.Count(r => r.ResourceType == "elastic-ip"));
        foreach (var create in new[] { "CreateVpc", "CreateInternetGateway" })
        {
            Assert.True(sandbox.Host.Log.Entries.Count(e => e.Operation == create && e.Status == 200) <= 1, create + " carried out twice");
        }

        var duplicates = own.Where(r => r.Tags.ContainsKey(ClusterTags.Role))
            .GroupBy(r => (r.ResourceType, Role: r.Tags[ClusterTags.Role], Index: r.Tags.TryGetValue(ClusterTags.Index, out var i) ? i : null))
            .Where(g => g.Count() > 1 && g.Key.ResourceType != "instance")
            .Select(g => string.Join(", ", g.Select(r => r.ToString())))
            .ToList();
        Assert.True(duplicates.Count == 0, "duplicates: " + string.Join("; ", duplicates));
        Assert.Equal(4, sandbox.Host.Ec2.GetInstances().Count(i => i.State is "pending" or "running"));

        await new ClusterTeardown(sandbox.Ec2, NullReporter.Instance, options).RemoveAsync("demo", CancellationToken.None);
        Assert.DoesNotContain(sandbox.Host.Ec2.GetResources(), r => !r.AwsManaged);
    }

    /// <summary>Fast timings, with a verification budget longer than the tag lag.</summary>
    private static ClusterEngineOptions Options() =>
        ClusterSandbox.FastOptions() with { Retry = new RetryPolicy(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(8)) };

    /// <summary>Stops the run shortly after its Nth change is sent (the lock's own key pair not counted).</summary>
    private sealed class StopAfterWrites : IOperationReporter
    {
        private static readonly string[] Changes = { "EC2 Create", "EC2 Run", "EC2 Allocate", "EC2 Import", "EC2 Attach", "EC2 Associate", "EC2 Authorize" };
        private readonly int _n;
        private readonly CancellationTokenSource _stop;
        private int _writes;

        public StopAfterWrites(int n, CancellationTokenSource stop)
        {
            _n = n;
            _stop = stop;
        }

        public int Writes => Volatile.Read(ref _writes);

        public void Verbose(string message)
        {
            if (Changes.Any(c => message.StartsWith(c, StringComparison.Ordinal)) && !message.Contains("(cluster lock)", StringComparison.Ordinal) && !message.StartsWith("EC2 CreateTags", StringComparison.Ordinal)
                && Interlocked.Increment(ref _writes) == _n)
            {
                _stop.CancelAfter(TimeSpan.FromMilliseconds(15));
            }
        }

        public void Warning(string message)
        {
        }

        public void Progress(ProgressUpdate update)
        {
        }

        public void Output(object value)
        {
        }

        public void Failure(ShowcaseException failure)
        {
        }
    }
}
