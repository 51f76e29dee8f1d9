using System;
using System.Collections.Generic;
using System.Threading;
using ShowcaseOps.Core.Execution;

namespace ShowcaseOps.Core.Platform;

/// <summary>Options of <see cref="PlatformStateReader.ReadAsync(PlatformReadOptions, IOperationReporter, CancellationToken)"/>.</summary>
public sealed class PlatformReadOptions
{
    internal static readonly PlatformReadOptions Default = new();

    /// <summary>Requests sent first in the first round (for example <c>GET /v2/apps?embed=apps.tasks</c>), answered through <see cref="OnFirstRoundResponse"/>.</summary>
    public IReadOnlyList<PlatformRequest> FirstRoundRequests { get; init; } = Array.Empty<PlatformRequest>();

    /// <summary>Called once per <see cref="FirstRoundRequests"/> response, in order, before the reader decides which servers to read.</summary>
    public Action<PlatformResponse>? OnFirstRoundResponse { get; init; }

    /// <summary>Backends whose servers are read in the first round already (a missing one reads as nothing, not as a problem).</summary>
    public IReadOnlyCollection<string> PrefetchServersOf { get; init; } = Array.Empty<string>();

    /// <summary>
    /// Which of the other listed backends get their servers read (backend id, whether Consul or Kong marks a service of that
    /// name as ShowcaseOps's). Null: all of them. Backends left out are listed in <see cref="PlatformState.UnreadServerLists"/>.
    /// </summary>
    public Func<string, bool, bool>? ReadServersOf { get; init; }
}
