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

    /// <summary>The service name of the app (<c>web</c>): the naming rule (<see cref="MarathonNamingRule"/>) when read with its app.</summary>
    public string ServiceName { get; init; }

    /// <summary>The task id, made safe as a Consul service id and Vulcand server id; unique per task and stable while it lives.</summary>
    public string InstanceId { get; }

    /// <summary>
    /// The address other hosts reach the task's host ports on: the agent (<c>host</c>). Marathon's <c>ipAddresses</c> holds the
    /// container's own address on bridge networking, which other hosts cannot reach; it is used only when <c>host</c> is empty.
    /// </summary>
    public string HostAddress { get; init; } = string.Empty;

    /// <summary>
    /// The port to register: when read with its app, the chosen port (<see cref="MarathonNamingRule.PortIndex"/>) — the
    /// host port, or the container port for an IP-per-task app; otherwise the first host port (null when there is none).
    /// </summary>
    public int? HostPort
    {
        get => _hostPort ?? (Ports.Count > 0 ? Ports[0] : null);
        init => _hostPort = value;
    }

    private readonly int? _hostPort;

    /// <summary>Whether the task may take traffic (<see cref="MarathonServingRule"/>); null when read without its app.</summary>
    public bool? Serving { get; init; }

    /// <summary>Why the task is not serving (null when it is).</summary>
    public string? NotServingReason { get; init; }

    /// <summary>The HTTP path of the instance's Consul check, from the app's Marathon HTTP health check; null for a TCP check.</summary>
    public string? HealthCheckPath { get; init; }

    /// <summary>The port the instance's Consul check connects to (the health check's port; default the instance port).</summary>
    public int? HealthCheckPort { get; init; }

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

    /// <summary>The NotServingReason of a running task that has no address or port to register.</summary>
    public const string NoEndpointReason = "no address or port to register";

    /// <summary>
    /// The task as the rules see it with its app: service name (naming rule), serving (serving rule), and the endpoint to
    /// register — the agent and the chosen host port; for an IP-per-task app (<c>networks</c> mode <c>container</c>, tasks
    /// with <c>ports: []</c>) the task's own address <c>ipAddresses[0]</c> and the container port, as marathon-lb does.
    /// </summary>
    /// <summary>This task marked not serving, for the given reason (its app was refused).</summary>
    public MarathonTaskInfo NotServing(string reason) => Copy(ServiceName, HostAddress, HostPort, false, reason);

    private MarathonTaskInfo Copy(string serviceName, string address, int? port, bool serving, string? reason, string? checkPath = null, int? checkPort = null) => new(Id, AppId)
    {
        HealthCheckPath = checkPath,
        HealthCheckPort = checkPort,
        ServiceName = serviceName,
        HostAddress = address,
        HostPort = port,
        Host = Host,
        IpAddresses = IpAddresses,
        Ports = Ports,
        ServicePorts = ServicePorts,
        State = State,
        Healthy = Healthy,
        AgentId = AgentId,
        StagedAt = StagedAt,
        StartedAt = StartedAt,
        Version = Version,
        Serving = serving,
        NotServingReason = reason,
    };

    public MarathonTaskInfo WithApp(MarathonAppInfo app, int portIndex)
    {
        if (app is null)
        {
            throw new ArgumentNullException(nameof(app));
        }

        string address;
        int? port;
        if (app.IsIpPerTask)
        {
            address = IpAddresses.Count > 0 ? IpAddresses[0] : string.Empty;
            port = portIndex < app.ContainerPorts.Count && app.ContainerPorts[portIndex] > 0 ? app.ContainerPorts[portIndex] : null;
        }
        else
        {
            address = HostAddress;
            port = portIndex < Ports.Count && Ports[portIndex] > 0 ? Ports[portIndex] : null;
        }

        var reason = MarathonServingRule.NotServingReason(this, app.HasHealthChecks);
        if (reason is null && (address.Length == 0 || port is null))
        {
            reason = NoEndpointReason;
        }

        var (checkPath, checkPort) = Check(app, portIndex, port);
        return Copy(app.Name, address, port, reason is null, reason, checkPath, checkPort);
    }

    /// <summary>
    /// The Consul check the app's first Marathon health check gives: an HTTP kind with a path → that path; TCP, COMMAND or
    /// none → TCP. The port: the health check's port index (the host port, or the container port for IP-per-task), or its
    /// fixed port; by default the registered port.
    /// </summary>
    private (string? Path, int? Port) Check(MarathonAppInfo app, int portIndex, int? port)
    {
        var http = app.HealthCheckProtocol is "HTTP" or "MESOS_HTTP" && app.HealthCheckPath is { } p && Platform.PlatformInstanceSpec.IsCheckPath(p);
        var index = app.HealthCheckPortIndex ?? portIndex;
        var ports = app.IsIpPerTask ? app.ContainerPorts : Ports;
        int? checkPort = app.HealthCheckPort is > 0 ? app.HealthCheckPort : index < ports.Count && ports[index] > 0 ? ports[index] : port;
        return (http ? app.HealthCheckPath : null, checkPort);
    }

    public override string ToString() => Id;
}
