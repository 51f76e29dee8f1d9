using System;
using System.Collections.Generic;

namespace ShowcaseOps.Core.Marathon;

/// <summary>A deployment Marathon is running (<c>GET /v2/deployments</c>).</summary>
public sealed class MarathonDeploymentInfo
{
    public MarathonDeploymentInfo(string id)
    {
        Id = id;
    }

    public string Id { get; }

    public string? Version { get; init; }

    public IReadOnlyList<string> AffectedApps { get; init; } = Array.Empty<string>();

    /// <summary>What it is doing now, e.g. <c>ScaleApplication /web</c>.</summary>
    public IReadOnlyList<string> CurrentActions { get; init; } = Array.Empty<string>();

    public int CurrentStep { get; init; }

    public int TotalSteps { get; init; }

    public override string ToString() => Id + " (" + string.Join(", ", CurrentActions) + ")";
}

