using System;
using System.Collections.Generic;
using System.Linq;

namespace ShowcaseOps.Core.Marathon;

/// <summary>
/// A Marathon app as ShowcaseOps shows it. <see cref="Name"/> and <see cref="ServicePort"/> bind by property name to
/// <c>Register-ShowcaseService</c> (<c>Get-MarathonApp web | Register-ShowcaseService</c>).
/// </summary>
public sealed class MarathonAppInfo
{
    /// <summary>Label that marks an app for exposure through Consul, Vulcand and Kong (value <c>true</c>). See docs/marathon.md.</summary>
    public const string ExposeLabel = "showcaseops.expose";

    public MarathonAppInfo(string id)
    {
        Id = id;
    }

    /// <summary>Marathon's app id, absolute (<c>/web</c>, <c>/shop/web</c>).</summary>
    public string Id { get; }

    /// <summary>The service name (<see cref="MarathonNamingRule"/>): the label <c>showcaseops.name</c>, else the last segment of the id (<c>/shop/web</c> → <c>web</c>).</summary>
    public string Name => MarathonNamingRule.ServiceName(Id, Labels);

    /// <summary>Null when <see cref="Name"/> is a DNS label; otherwise why the app cannot be registered.</summary>
    public string? NameProblem => MarathonNamingRule.NameProblem(Id, Name);

    /// <summary>Wanted instances.</summary>
    public int Instances { get; init; }

    public int TasksStaged { get; init; }

    public int TasksRunning { get; init; }

    public int TasksHealthy { get; init; }

    public int TasksUnhealthy { get; init; }

    /// <summary>
    /// The service port of the chosen port (label <c>showcaseops.port</c>, else the first; from <c>container.portMappings</c>
    /// or <c>portDefinitions</c>); null when the app has no ports or the label names none.
    /// </summary>
    public int? ServicePort => MarathonNamingRule.PortIndex(this, null, null, out _) is { } index && index < ServicePorts.Count ? ServicePorts[index] : null;

    /// <summary>The names of the app's ports, by index ("" for an unnamed port).</summary>
    public IReadOnlyList<string> PortNames { get; init; } = Array.Empty<string>();

    /// <summary>The container ports of <c>container.portMappings</c>, by index (empty with host networking).</summary>
    public IReadOnlyList<int> ContainerPorts { get; init; } = Array.Empty<int>();

    /// <summary>IP-per-task: <c>networks</c> mode <c>container</c>; tasks have their own address and no host ports.</summary>
    public bool IsIpPerTask => NetworkMode == "container";

    public IReadOnlyList<int> ServicePorts { get; init; } = Array.Empty<int>();

    /// <summary>The Docker image (null for a command-only app).</summary>
    public string? Image { get; init; }

    public string? Cmd { get; init; }

    public double Cpus { get; init; }

    public double Mem { get; init; }

    /// <summary>The first network's mode: <c>host</c>, <c>container/bridge</c> or <c>container</c>.</summary>
    public string NetworkMode { get; init; } = "host";

    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>True when the app carries the label <c>showcaseops.expose=true</c>.</summary>
    public bool Exposed => Labels.TryGetValue(ExposeLabel, out var value) && string.Equals(value, "true", StringComparison.OrdinalIgnoreCase);

    public bool HasHealthChecks { get; init; }

    /// <summary>The first health check's protocol (HTTP, HTTPS, MESOS_HTTP, TCP, MESOS_TCP, COMMAND); null without health checks.</summary>
    public string? HealthCheckProtocol { get; init; }

    /// <summary>The first health check's path (HTTP kinds).</summary>
    public string? HealthCheckPath { get; init; }

    /// <summary>The first health check's port index (null: the port it checks is given as a number, or index 0 is meant).</summary>
    public int? HealthCheckPortIndex { get; init; }

    /// <summary>The first health check's fixed port, when it names one instead of an index.</summary>
    public int? HealthCheckPort { get; init; }

    /// <summary>Marathon's version timestamp of the app (ISO 8601, as Marathon wrote it).</summary>
    public string? Version { get; init; }

    /// <summary>Ids of the deployments running for this app now.</summary>
    public IReadOnlyList<string> DeploymentIds { get; init; } = Array.Empty<string>();

    public int DeploymentCount => DeploymentIds.Count;

    /// <summary>The tasks (present when they were asked for: <c>embed=apps.tasks</c>, or a single app).</summary>
    public IReadOnlyList<MarathonTaskInfo> Tasks { get; init; } = Array.Empty<MarathonTaskInfo>();

    /// <summary>
    /// <see cref="Tasks"/> as the rules see them (<see cref="MarathonTaskInfo.WithApp"/> at the port of the label
    /// <c>showcaseops.port</c>): service name, endpoint, Serving. When the app's name or port is refused, the tasks are
    /// returned as read, not serving, with the reason.
    /// </summary>
    public IReadOnlyList<MarathonTaskInfo> DescribedTasks()
    {
        var problem = NameProblem;
        int? index = null;
        if (problem is null)
        {
            index = MarathonNamingRule.PortIndex(this, null, null, out problem);
        }

        return index is { } i
            ? Tasks.Select(t => t.WithApp(this, i)).ToArray()
            : Tasks.Select(t => t.NotServing(problem ?? "no port")).ToArray();
    }

    /// <summary>The app definition exactly as Marathon returned it (JSON), e.g. to save and re-create it.</summary>
    public string Definition { get; init; } = "{}";

    public override string ToString() => Id;
}

/// <summary>How Marathon ids become names that Consul, Vulcand and Kong accept.</summary>
public static class MarathonNames
{
    /// <summary>The service name of an app without labels: <see cref="MarathonNamingRule.ServiceName"/> (<c>/shop/web</c> → <c>web</c>).</summary>
    public static string ServiceName(string appId) => MarathonNamingRule.ServiceName(appId, null);

    /// <summary>A task id made safe as a Consul service id and a Vulcand server id (letters, digits, '.', '_', '-').</summary>
    public static string InstanceId(string taskId)
    {
        var chars = taskId.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            var c = chars[i];
            if (!(char.IsLetterOrDigit(c) && c < 128) && c is not ('.' or '_' or '-'))
            {
                chars[i] = '-';
            }
        }

        return new string(chars);
    }
}
