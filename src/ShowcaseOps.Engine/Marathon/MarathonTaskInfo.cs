using System;
using System.Collections.Generic;

namespace ShowcaseOps.Core.Marathon;

/// <summary>
/// One Marathon task. <see cref="ServiceName"/>, <see cref="InstanceId"/>, <see cref="HostAddress"/> and <see cref="HostPort"/>
/// bind by property name to <c>Register-ShowcaseInstance</c> (<c>Get-MarathonTask -AppId web | Register-ShowcaseInstance</c>).
/// </summary>
public sealed class MarathonTaskInfo
{
    public MarathonTaskInfo(string id, string appId)
    {
        Id = id;
        AppId = appId;
        ServiceName = MarathonNames.ServiceName(appId);
        InstanceId = MarathonNames.InstanceId(id);
    }

    /// <summary>Marathon's task id (1.10: <c>web.instance-&lt;uuid&gt;._app.1</c>).</summary>
    public string Id { get; }

    /// <summary>The app id (<c>/web</c>).</summary>
    public string AppId { get; }

    /// <summary>The service name of the app (<c>web</c>); see <see cref="MarathonAppInfo.Name"/>.</summary>
    public string ServiceName { get; }

    /// <summary>The task id, made safe as a Consul service id and Vulcand server id; unique per task and stable while it lives.</summary>
    public string InstanceId { get; }

    /// <summary>
    /// The address other hosts reach the task's host ports on: the agent (<c>host</c>). Marathon's <c>ipAddresses</c> holds the
    /// container's own address on bridge networking, which other hosts cannot reach; it is used only when <c>host</c> is empty.
    /// </summary>
    public string HostAddress { get; init; } = string.Empty;

    /// <summary>The first host port (null when the task has no ports).</summary>
    public int? HostPort => Ports.Count > 0 ? Ports[0] : null;

    /// <summary>The agent's host name as Marathon reports it.</summary>
    public string Host { get; init; } = string.Empty;

    public IReadOnlyList<string> IpAddresses { get; init; } = Array.Empty<string>();

    public IReadOnlyList<int> Ports { get; init; } = Array.Empty<int>();

    public IReadOnlyList<int> ServicePorts { get; init; } = Array.Empty<int>();

    /// <summary>The Mesos task state (<c>TASK_STAGING</c>, <c>TASK_RUNNING</c>, …).</summary>
    public string State { get; init; } = string.Empty;

    /// <summary>Health check verdict: null when there is no result (no health checks, or not checked yet).</summary>
    public bool? Healthy { get; init; }

    /// <summary>The Mesos agent id (Marathon's <c>slaveId</c>).</summary>
    public string? AgentId { get; init; }

    public DateTime? StagedAt { get; init; }

    public DateTime? StartedAt { get; init; }

    /// <summary>The app version the task runs.</summary>
    public string? Version { get; init; }

    public bool IsRunning => State == "TASK_RUNNING";

    public override string ToString() => Id;
}
