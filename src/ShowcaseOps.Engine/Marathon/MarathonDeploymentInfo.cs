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

/// <summary>One event from Marathon's <c>/v2/events</c> stream.</summary>
public sealed class MarathonEvent
{
    public MarathonEvent(string eventType, string data)
    {
        EventType = eventType;
        Data = data;
    }

    /// <summary>The SSE <c>event:</c> name (<c>status_update_event</c>, <c>deployment_success</c>, …).</summary>
    public string EventType { get; }

    /// <summary>The JSON of the <c>data:</c> lines.</summary>
    public string Data { get; }

    /// <summary>The app the event concerns (<c>appId</c> or <c>runSpecId</c>), when it names one.</summary>
    public string? AppId { get; init; }

    public string? TaskId { get; init; }

    /// <summary>For <c>status_update_event</c>: <c>TASK_RUNNING</c>, <c>TASK_KILLED</c>, …</summary>
    public string? TaskStatus { get; init; }

    public DateTime? Timestamp { get; init; }

    /// <summary>The SSE <c>id:</c> field, if the server sent one.</summary>
    public string? LastEventId { get; init; }

    public override string ToString() => EventType + (AppId is null ? string.Empty : " " + AppId) + (TaskStatus is null ? string.Empty : " " + TaskStatus);
}
