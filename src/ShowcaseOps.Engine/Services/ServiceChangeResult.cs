using System;
using System.Collections.Generic;
using ShowcaseOps.Core.Execution;
using ShowcaseOps.Core.Platform;

namespace ShowcaseOps.Core.Services;

/// <summary>What a service registration or removal did.</summary>
public sealed class ServiceChangeResult
{
    internal ServiceChangeResult(PlatformServiceState? before, PlatformServiceState? after, IReadOnlyList<PlatformRequest> sent)
    {
        Before = before;
        After = after;
        Sent = sent;
    }

    /// <summary>The service as read before the change (null when no target knew it).</summary>
    public PlatformServiceState? Before { get; }

    /// <summary>The service as read after the change (null when it is gone, or when nothing was sent: then it is <see cref="Before"/>).</summary>
    public PlatformServiceState? After { get; }

    /// <summary>The writes sent; empty when everything already was as wanted.</summary>
    public IReadOnlyList<PlatformRequest> Sent { get; }

    public bool Changed => Sent.Count > 0;
}
