using System;
using System.Collections.Generic;
using ShowcaseOps.Core.Marathon;

namespace ShowcaseOps.Model;

/// <summary>A deployment Marathon is running (<c>GET /v2/deployments</c>).</summary>
public sealed class MarathonDeployment
{
    internal MarathonDeployment(MarathonDeploymentInfo info)
    {
        Id = info.Id;
        Version = info.Version;
        AffectedApps = info.AffectedApps;
        CurrentActions = info.CurrentActions;
        CurrentStep = info.CurrentStep;
        TotalSteps = info.TotalSteps;
    }

    public string Id { get; }

    public string? Version { get; }

    public IReadOnlyList<string> AffectedApps { get; } = Array.Empty<string>();

    /// <summary>What it is doing now, e.g. <c>ScaleApplication /web</c>.</summary>
    public IReadOnlyList<string> CurrentActions { get; } = Array.Empty<string>();

    public int CurrentStep { get; }

    public int TotalSteps { get; }

    public override string ToString() => Id + " (" + string.Join(", ", CurrentActions) + ")";
}

/// <summary>What Marathon answers to a change: the deployment it started and the new app version.</summary>
public sealed class MarathonDeploymentResult
{
    internal MarathonDeploymentResult(MarathonDeploymentStarted started, string? cluster)
    {
        AppId = started.AppId;
        DeploymentId = started.DeploymentId;
        Version = started.Version;
        Cluster = cluster;
    }

    public string AppId { get; }

    public string DeploymentId { get; }

    public string? Version { get; }

    /// <summary>The cluster whose Marathon was changed.</summary>
    public string? Cluster { get; }

    public override string ToString() => AppId + " " + DeploymentId;
}
