using System;
using System.Collections.Generic;
using System.Linq;
using ShowcaseOps.Core.Marathon;

namespace ShowcaseOps.Model;

/// <summary>
/// A Marathon app as ShowcaseOps shows it. <see cref="Name"/> and <see cref="ServicePort"/> bind by property name to
/// <c>Register-ShowcaseService</c> (<c>Get-MarathonApp web | Register-ShowcaseService</c>).
/// </summary>
public sealed class MarathonApp
{
    /// <summary>Label that marks an app for exposure through Consul, Vulcand and Kong (value <c>true</c>). See docs/marathon.md.</summary>
    public const string ExposeLabel = MarathonAppInfo.ExposeLabel;

    public MarathonApp(string id)
    {
        Id = id;
        Name = MarathonNames.ServiceName(id);
    }

    internal MarathonApp(MarathonAppInfo info, string? cluster)
        : this(info.Id)
    {
        Cluster = cluster;
        Name = info.Name;
        NameProblem = info.NameProblem;
        ServicePort = info.ServicePort;
        Instances = info.Instances;
        TasksStaged = info.TasksStaged;
        TasksRunning = info.TasksRunning;
        TasksHealthy = info.TasksHealthy;
        TasksUnhealthy = info.TasksUnhealthy;
        ServicePorts = info.ServicePorts;
        Image = info.Image;
        Cmd = info.Cmd;
        Cpus = info.Cpus;
        Mem = info.Mem;
        NetworkMode = info.NetworkMode;
        Labels = info.Labels;
        HasHealthChecks = info.HasHealthChecks;
        Version = info.Version;
        DeploymentIds = info.DeploymentIds;
        Tasks = info.DescribedTasks().Select(t => new MarathonTask(t, cluster)).ToArray();
        Definition = info.Definition;
    }

    /// <summary>Marathon's app id, absolute (<c>/web</c>, <c>/shop/web</c>).</summary>
    public string Id { get; }

    /// <summary>The service name (docs/marathon.md): the label <c>showcaseops.name</c>, else the last segment of the id (<c>/shop/web</c> → <c>web</c>).</summary>
    public string Name { get; init; }

    /// <summary>Null when <see cref="Name"/> is a DNS label; otherwise why the app cannot be registered.</summary>
    public string? NameProblem { get; init; }

    /// <summary>The cluster the app was read from (null when built by hand).</summary>
    public string? Cluster { get; init; }

    /// <summary>Wanted instances.</summary>
    public int Instances { get; init; }

    public int TasksStaged { get; init; }

    public int TasksRunning { get; init; }

    public int TasksHealthy { get; init; }

    public int TasksUnhealthy { get; init; }

    /// <summary>The first service port (from <c>container.portMappings</c> or <c>portDefinitions</c>); null when the app has no ports.</summary>
    public int? ServicePort
    {
        get => _servicePort ?? (ServicePorts.Count > 0 ? ServicePorts[0] : null);
        init => _servicePort = value;
    }

    private readonly int? _servicePort;

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

    /// <summary>Marathon's version timestamp of the app (ISO 8601, as Marathon wrote it).</summary>
    public string? Version { get; init; }

    /// <summary>Ids of the deployments running for this app now.</summary>
    public IReadOnlyList<string> DeploymentIds { get; init; } = Array.Empty<string>();

    public int DeploymentCount => DeploymentIds.Count;

    /// <summary>The tasks (present when they were asked for: <c>embed=apps.tasks</c>, or a single app).</summary>
    public IReadOnlyList<MarathonTask> Tasks { get; init; } = Array.Empty<MarathonTask>();

    /// <summary>The app definition exactly as Marathon returned it (JSON), e.g. to save and re-create it.</summary>
    public string Definition { get; init; } = "{}";

    public override string ToString() => Id;
}
