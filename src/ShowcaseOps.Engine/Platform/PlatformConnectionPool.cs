using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using ShowcaseOps.Core.Aws;
using ShowcaseOps.Core.Execution;
using ShowcaseOps.Core.Session;

namespace ShowcaseOps.Core.Platform;

/// <summary>
/// The platform connections of one command, one per cluster: opened lazily the first time a record names the cluster,
/// reused by every later record of that cluster, disposed together at the end of the command. A choice that resolves
/// to a cluster already open (the default, which is the current cluster, next to <c>-Cluster</c> of the same name)
/// shares its connection, so records are grouped by the cluster they really reach.
/// </summary>
public sealed class PlatformConnectionPool : IDisposable
{
    private readonly Func<PlatformClusterChoice, IOperationReporter, CancellationToken, Task<PlatformConnection>> _open;
    private readonly Dictionary<string, PlatformConnection> _byChoice = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PlatformConnection> _byCluster = new(StringComparer.Ordinal);
    private readonly List<PlatformConnection> _opened = new();
    private readonly SemaphoreSlim _gate = new(1, 1);

    internal PlatformConnectionPool(Func<PlatformClusterChoice, IOperationReporter, CancellationToken, Task<PlatformConnection>> open)
    {
        _open = open ?? throw new ArgumentNullException(nameof(open));
    }

    /// <summary>A pool whose connections go through <paramref name="channelKind"/> (else the session's channel).</summary>
    public static PlatformConnectionPool Create(
        AwsConnectionSettings settings,
        ShowcaseSession session,
        PlatformChannelKind? channelKind,
        IReadOnlyDictionary<PlatformTarget, Uri>? endpoints)
    {
        if (settings is null)
        {
            throw new ArgumentNullException(nameof(settings));
        }

        if (session is null)
        {
            throw new ArgumentNullException(nameof(session));
        }

        return new PlatformConnectionPool((choice, reporter, ct) =>
            PlatformConnection.OpenAsync(settings, session, choice.Name, choice.Known, channelKind, endpoints, reporter, ct));
    }

    /// <summary>How many distinct clusters this pool has connected to.</summary>
    public int Count => _opened.Count;

    /// <summary>Whether <paramref name="choice"/> was resolved and its connection opened.</summary>
    public bool IsOpen(PlatformClusterChoice choice) => _byChoice.ContainsKey((choice ?? PlatformClusterChoice.Default).Key);

    /// <summary>The connection to the cluster of <paramref name="choice"/>, opened on first use.</summary>
    public async Task<PlatformConnection> ForAsync(PlatformClusterChoice choice, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        choice ??= PlatformClusterChoice.Default;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_byChoice.TryGetValue(choice.Key, out var cached))
            {
                return cached;
            }

            var opened = await _open(choice, reporter ?? NullReporter.Instance, cancellationToken).ConfigureAwait(false);
            if (_byCluster.TryGetValue(opened.ClusterName, out var same))
            {
                opened.Dispose();
                opened = same;
            }
            else
            {
                _byCluster[opened.ClusterName] = opened;
                _opened.Add(opened);
            }

            _byChoice[choice.Key] = opened;
            return opened;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        foreach (var connection in _opened)
        {
            connection.Dispose();
        }

        _opened.Clear();
        _byChoice.Clear();
        _byCluster.Clear();
        _gate.Dispose();
    }
}
