using System;
using System.Collections.Generic;
using ShowcaseOps.Core.Marathon;

namespace ShowcaseOps.Model;

/// <summary>
/// A Marathon task as ShowcaseOps shows it. <see cref="ServiceName"/>, <see cref="InstanceId"/>, <see cref="HostAddress"/>
/// and <see cref="HostPort"/> bind by property name to <c>Register-ShowcaseInstance</c>
/// (<c>Get-MarathonTask -AppId web | Register-ShowcaseInstance</c>).
/// </summary>
public sealed class MarathonTask
{
    public MarathonTask(string id, string appId)
    {
        Id = id;
        AppId = appId;
        ServiceName = MarathonNames.ServiceName(appId);
        InstanceId = MarathonNames.InstanceId(id);
    }

    internal MarathonTask(MarathonTaskInfo info, string? cluster)
        : this(info.Id, info.AppId)
    {
        Cluster = cluster;
        ServiceName = info.ServiceName;
        HostAddress = info.HostAddress;
        HostPort = info.HostPort;
        Serving = info.Serving;
        NotServingReason = info.NotServingReason;
        HealthCheckPath = info.HealthCheckPath;
        HealthCheckPort = info.HealthCheckPort;
        Host = info.Host;
        IpAddresses = info.IpAddresses;
        Ports = info.Ports;
        ServicePorts = info.ServicePorts;
        State = info.State;
        Healthy = info.Healthy;
        AgentId = info.AgentId;
        StagedAt = info.StagedAt;
        StartedAt = info.StartedAt;
        Version = info.Version;
    }

    public string Id { get; }

    /// <summary>The app the task belongs to (<c>/web</c>).</summary>
    public string AppId { get; }

    /// <summary>The service name of the app (the naming rule of docs/marathon.md; binds to -ServiceName).</summary>
    public string ServiceName { get; init; }

    /// <summary>The task id made safe as a Consul service id and Vulcand server id (binds to -InstanceId).</summary>
    public string InstanceId { get; }

    /// <summary>The cluster the task was read from (null when built by hand).</summary>
    public string? Cluster { get; init; }

    /// <summary>The address to register (binds to -HostAddress): the agent, or the task's own address for an IP-per-task app.</summary>
    public string HostAddress { get; init; } = string.Empty;

    /// <summary>
    /// The port to register (binds to -HostPort): the chosen host port (-PortIndex/-PortName of Get-MarathonTask, label
    /// showcaseops.port, else the first), or the container port for an IP-per-task app; null when there is none.
    /// </summary>
    public int? HostPort
    {
        get => _hostPort ?? (Ports.Count > 0 ? Ports[0] : null);
        init => _hostPort = value;
    }

    private readonly int? _hostPort;

    /// <summary>Whether the task may take traffic (running; healthy where the app has health checks; not killing). Binds to Register-ShowcaseInstance -Serving.</summary>
    public bool? Serving { get; init; }

    /// <summary>Why the task is not serving (null when it is).</summary>
    public string? NotServingReason { get; init; }

    /// <summary>The HTTP path of the Consul check registered with the instance (from the app's Marathon health check); null: TCP. Binds to -HealthCheckPath.</summary>
    public string? HealthCheckPath { get; init; }

    /// <summary>The port of that check (binds to -HealthCheckPort).</summary>
    public int? HealthCheckPort { get; init; }

    /// <summary>The agent's host name as Marathon reports it.</summary>
    public string Host { get; init; } = string.Empty;

    public IReadOnlyList<string> IpAddresses { get; init; } = Array.Empty<string>();

    public IReadOnlyList<int> Ports { get; init; } = Array.Empty<int>();

    public IReadOnlyList<int> ServicePorts { get; init; } = Array.Empty<int>();

    /// <summary>Mesos' task state (TASK_RUNNING, TASK_STAGING, …).</summary>
    public string State { get; init; } = string.Empty;

    /// <summary>The health check result; null when the app has no health checks.</summary>
    public bool? Healthy { get; init; }

    public string? AgentId { get; init; }

    public DateTime? StagedAt { get; init; }

    public DateTime? StartedAt { get; init; }

    /// <summary>The app version the task runs.</summary>
    public string? Version { get; init; }

    public bool IsRunning => State == "TASK_RUNNING";

    public override string ToString() => Id;
}
