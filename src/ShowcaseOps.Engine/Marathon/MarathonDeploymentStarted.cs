using System;

namespace ShowcaseOps.Core.Marathon;

/// <summary>What Marathon answers to a change: the deployment it started and the new app version.</summary>
public sealed class MarathonDeploymentStarted
{
    public MarathonDeploymentStarted(string appId, string deploymentId, string? version)
    {
        AppId = appId;
        DeploymentId = deploymentId;
        Version = version;
    }

    public string AppId { get; }

    public string DeploymentId { get; }

    public string? Version { get; }

    public override string ToString() => AppId + " " + DeploymentId;
}
