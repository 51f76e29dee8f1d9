using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ShowcaseOps.Core;
using ShowcaseOps.Core.Execution;
using ShowcaseOps.Core.Platform;
using Xunit;

namespace ShowcaseOps.Tests.Platform;

/// <summary>Records go to the cluster each one names: the pool connects each cluster once, the batcher sends one batch per cluster.</summary>
public sealed class PlatformClusterBatchesTests
{
    private const string Current = "a";

    [Fact]
    public async Task Interleaved_records_make_one_batch_per_cluster_in_first_seen_order()
    {
        var world = new FakeClusters();
        using var pool = world.Pool();
        var batches = new PlatformClusterBatches<int>();
        var choices = new[] { "b", "a", "b", "c", "a", "b" };
        for (var i = 0; i < choices.Length; i++)
        {
            batches.Add(PlatformClusterChoice.Named(choices[i]), i);
        }

        var sent = await batches.SendAsync(pool, (connection, items, _) => Task.FromResult(items.ToArray()), NullReporter.Instance, CancellationToken.None);

        Assert.Equal(new[] { "b", "a", "c" }, sent.Select(s => s.ClusterName));
        Assert.Equal(new[] { 0, 2, 5 }, sent[0].Result);
        Assert.Equal(new[] { 1, 4 }, sent[1].Result);
        Assert.Equal(new[] { 3 }, sent[2].Result);
        Assert.Equal(new[] { "b", "a", "c" }, world.Opened);
    }

    [Fact]
    public async Task The_default_and_the_current_cluster_by_name_share_one_connection_and_one_batch()
    {
        var world = new FakeClusters();
        using var pool = world.Pool();
        var batches = new PlatformClusterBatches<string>();
        batches.Add(PlatformClusterChoice.Default, "x");
        batches.Add(PlatformClusterChoice.Named(Current), "y");
        batches.Add(PlatformClusterChoice.Default, "z");

        var sent = await batches.SendAsync(pool, (connection, items, _) => Task.FromResult(string.Join(",", items)), NullReporter.Instance, CancellationToken.None);

        var only = Assert.Single(sent);
        Assert.Equal(Current, only.ClusterName);
        Assert.Equal("x,y,z", only.Result);
        Assert.Equal(1, pool.Count);
        Assert.Equal(1, world.Disposed); // the duplicate connection opened for the second choice was given back at once
    }

    [Fact]
    public async Task The_pool_opens_each_cluster_once_and_disposes_all_at_the_end()
    {
        var world = new FakeClusters();
        var pool = world.Pool();
        var first = await pool.ForAsync(PlatformClusterChoice.Named("a"), NullReporter.Instance, CancellationToken.None);
        var again = await pool.ForAsync(PlatformClusterChoice.Named("a"), NullReporter.Instance, CancellationToken.None);
        var other = await pool.ForAsync(PlatformClusterChoice.Named("b"), NullReporter.Instance, CancellationToken.None);

        Assert.Same(first, again);
        Assert.NotSame(first, other);
        Assert.Equal(new[] { "a", "b" }, world.Opened);
        Assert.Equal(0, world.Disposed);
        pool.Dispose();
        Assert.Equal(2, world.Disposed);
    }

    [Fact]
    public async Task A_cluster_that_cannot_be_reached_is_reported_and_the_others_go_on()
    {
        var world = new FakeClusters("gone");
        using var pool = world.Pool();
        var batches = new PlatformClusterBatches<int>();
        batches.Add(PlatformClusterChoice.Named("a"), 1);
        batches.Add(PlatformClusterChoice.Named("gone"), 2);
        batches.Add(PlatformClusterChoice.Named("b"), 3);
        var reporter = new FailureRecorder();

        var sent = await batches.SendAsync(pool, (connection, items, _) => Task.FromResult(items.ToArray()), reporter, CancellationToken.None);

        Assert.Equal(new[] { "a", "b" }, sent.Select(s => s.ClusterName));
        var failure = Assert.Single(reporter.Failures);
        Assert.Equal("ShowcaseClusterNotFound", failure.ErrorId);
    }

    [Fact]
    public async Task When_every_cluster_fails_the_first_failure_is_thrown()
    {
        var world = new FakeClusters("gone");
        using var pool = world.Pool();
        var batches = new PlatformClusterBatches<int>();
        batches.Add(PlatformClusterChoice.Named("gone"), 1);

        var thrown = await Assert.ThrowsAsync<ShowcaseException>(() => batches.SendAsync(pool, (connection, items, _) => Task.FromResult(0), NullReporter.Instance, CancellationToken.None));
        Assert.Equal("ShowcaseClusterNotFound", thrown.ErrorId);
    }

    private sealed class FakeClusters
    {
        private readonly HashSet<string> _missing;

        public FakeClusters(params string[] missing) => _missing = new HashSet<string>(missing, StringComparer.Ordinal);

        public List<string> Opened { get; } = new();

        public int Disposed { get; private set; }

        public PlatformConnectionPool Pool() => new((choice, _, _) =>
        {
            var name = choice.Name ?? Current;
            if (_missing.Contains(name))
            {
                throw new ShowcaseException(ShowcaseErrors.ShowcaseClusterNotFound, name, $"No cluster named '{name}'.") { Terminating = true };
            }

            Opened.Add(name);
            return Task.FromResult(PlatformConnection.ForChannel(name, new NoChannel(), owned: new Counted(() => Disposed++)));
        });
    }

    private sealed class Counted : IDisposable
    {
        private readonly Action _onDispose;

        public Counted(Action onDispose) => _onDispose = onDispose;

        public void Dispose() => _onDispose();
    }

    private sealed class NoChannel : IPlatformChannel
    {
        public string Name => "none";

        public Task<IReadOnlyList<PlatformResponse>> SendAsync(IReadOnlyList<PlatformRequest> batch, IOperationReporter reporter, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("no requests in these tests");
    }

    private sealed class FailureRecorder : IOperationReporter
    {
        public List<ShowcaseException> Failures { get; } = new();

        public void Verbose(string message)
        {
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

        public void Failure(ShowcaseException failure) => Failures.Add(failure);
    }
}
