using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ShowcaseOps.Core.Execution;

namespace ShowcaseOps.Core.Platform;

/// <summary>What one cluster's batch produced.</summary>
public sealed record PlatformClusterBatch<TResult>(PlatformConnection Connection, TResult Result)
{
    public string ClusterName => Connection.ClusterName;
}

/// <summary>
/// The input records of a pipeline command, each with the cluster it goes to, sent as one batch per cluster: records are
/// grouped by the connection their cluster resolves to (clusters in the order they first appear, records in input order
/// within a cluster), so 500 piped instances of one cluster still cost one read and one write round trip.
/// </summary>
public sealed class PlatformClusterBatches<T>
{
    private readonly List<(PlatformClusterChoice Choice, T Item)> _items = new();

    public int Count => _items.Count;

    public void Add(PlatformClusterChoice choice, T item) => _items.Add((choice ?? PlatformClusterChoice.Default, item));

    /// <summary>The records grouped by the connection their cluster resolves to (opens each cluster's connection once).</summary>
    public async Task<IReadOnlyList<(PlatformConnection Connection, IReadOnlyList<T> Items)>> GroupAsync(PlatformConnectionPool pool, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        if (pool is null)
        {
            throw new ArgumentNullException(nameof(pool));
        }

        var groups = new List<(PlatformConnection Connection, List<T> Items)>();
        foreach (var (choice, item) in _items)
        {
            var connection = await pool.ForAsync(choice, reporter, cancellationToken).ConfigureAwait(false);
            var index = groups.FindIndex(g => ReferenceEquals(g.Connection, connection));
            if (index < 0)
            {
                groups.Add((connection, new List<T> { item }));
            }
            else
            {
                groups[index].Items.Add(item);
            }
        }

        return groups.Select(g => (g.Connection, (IReadOnlyList<T>)g.Items)).ToArray();
    }

    /// <summary>
    /// Sends one batch per cluster with <paramref name="send"/>. A cluster that cannot be reached (not found, no gateway)
    /// or whose batch fails is reported as a failure and the other clusters go on; when every cluster fails, the first
    /// failure is thrown (so a command on one cluster fails as it always did).
    /// </summary>
    public async Task<IReadOnlyList<PlatformClusterBatch<TResult>>> SendAsync<TResult>(
        PlatformConnectionPool pool,
        Func<PlatformConnection, IReadOnlyList<T>, CancellationToken, Task<TResult>> send,
        IOperationReporter reporter,
        CancellationToken cancellationToken)
    {
        if (pool is null)
        {
            throw new ArgumentNullException(nameof(pool));
        }

        if (send is null)
        {
            throw new ArgumentNullException(nameof(send));
        }

        reporter ??= NullReporter.Instance;
        var results = new List<PlatformClusterBatch<TResult>>();
        var failures = new List<ShowcaseException>();
        foreach (var choice in _items.Select(i => i.Choice).Distinct())
        {
            try
            {
                await pool.ForAsync(choice, reporter, cancellationToken).ConfigureAwait(false);
            }
            catch (ShowcaseException ex)
            {
                failures.Add(ex);
            }
        }

        var reachable = new PlatformClusterBatches<T>();
        foreach (var (choice, item) in _items.Where(i => failures.Count == 0 || pool.IsOpen(i.Choice)))
        {
            reachable.Add(choice, item);
        }

        foreach (var (connection, items) in await reachable.GroupAsync(pool, reporter, cancellationToken).ConfigureAwait(false))
        {
            try
            {
                results.Add(new PlatformClusterBatch<TResult>(connection, await send(connection, items, cancellationToken).ConfigureAwait(false)));
            }
            catch (ShowcaseException ex)
            {
                failures.Add(ex);
            }
        }

        if (results.Count == 0 && failures.Count > 0)
        {
            throw failures[0];
        }

        foreach (var failure in failures)
        {
            reporter.Failure(failure);
        }

        return results;
    }

}
