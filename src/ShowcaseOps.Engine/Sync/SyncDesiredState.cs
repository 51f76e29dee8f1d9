using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ShowcaseOps.Core.Platform;
using ShowcaseOps.Core.Bootstrap;
using ShowcaseOps.Core.Marathon;

namespace ShowcaseOps.Core.Sync;

/// <summary>A service Marathon wants exposed: one exposed app, with the instances that may take traffic.</summary>
public sealed class SyncDesiredService
{
    public SyncDesiredService(string name, int servicePort, string appId, IReadOnlyList<SyncDesiredInstance> instances)
    {
        Name = name;
        ServicePort = servicePort;
        AppId = appId;
        Instances = instances;
    }

    public string Name { get; }

    public int ServicePort { get; }

    public string AppId { get; }

    /// <summary>Running (and healthy, when the app has health checks) tasks, sorted by instance id.</summary>
    public IReadOnlyList<SyncDesiredInstance> Instances { get; }

    public override string ToString() => $"{Name}:{ServicePort} ({Instances.Count} instance(s))";
}

/// <summary>One task that should be registered: where it listens.</summary>
public sealed record SyncDesiredInstance(string InstanceId, string Address, int Port, string TaskId, string? CheckPath = null, int? CheckPort = null);

/// <summary>What Marathon wants: the exposed services, plus why apps or tasks were left out.</summary>
public sealed class SyncDesiredState
{
    /// <summary>Label overriding the service name of an exposed app (<see cref="MarathonNamingRule.NameLabel"/>).</summary>
    public const string NameLabel = MarathonNamingRule.NameLabel;

    private SyncDesiredState(IReadOnlyList<SyncDesiredService> services, IReadOnlyList<string> notes)
    {
        Services = services;
        Notes = notes;
    }

    /// <summary>Sorted by name; names are unique.</summary>
    public IReadOnlyList<SyncDesiredService> Services { get; }

    /// <summary>Apps or tasks that are exposed but cannot be registered (no service port, bad name, name collision, no host port).</summary>
    public IReadOnlyList<string> Notes { get; }

    /// <summary>
    /// The exposure rule (docs/sync.md): apps labelled <c>showcaseops.expose=true</c>; name and port by
    /// <see cref="MarathonNamingRule"/> (label <c>showcaseops.name</c>, else the id's last segment, a DNS label; port
    /// <c>showcaseops.port</c>, else the first). Instances: the tasks <see cref="MarathonServingRule"/> calls serving, at the
    /// endpoint <see cref="MarathonTaskInfo.WithApp"/> gives (the agent and host port, or ipAddresses[0] and the container
    /// port for IP-per-task apps): exactly what <c>Get-MarathonTask | Register-ShowcaseInstance</c> registers.
    /// </summary>
    public static SyncDesiredState FromApps(IEnumerable<MarathonAppInfo> apps)
    {
        if (apps is null)
        {
            throw new ArgumentNullException(nameof(apps));
        }

        var notes = new List<string>();
        var byName = new SortedDictionary<string, SyncDesiredService>(StringComparer.Ordinal);
        foreach (var app in apps.Where(a => a.Exposed).OrderBy(a => a.Id, StringComparer.Ordinal))
        {
            var name = app.Name;
            if (app.NameProblem is { } problem)
            {
                notes.Add(problem + " Not exposed.");
                continue;
            }

            if (MarathonNamingRule.PortIndex(app, null, null, out var portProblem) is not { } index || index >= app.ServicePorts.Count)
            {
                notes.Add(portProblem is null ? $"App {app.Id} has no service port; not exposed." : portProblem + " Not exposed.");
                continue;
            }

            if (byName.TryGetValue(name, out var first))
            {
                notes.Add($"Apps {first.AppId} and {app.Id} both map to service '{name}'; only {first.AppId} is exposed.");
                continue;
            }

            byName.Add(name, new SyncDesiredService(name, app.ServicePorts[index], app.Id, Instances(app, index, notes)));
        }

        return new SyncDesiredState(byName.Values.ToArray(), notes);
    }

    private static SyncDesiredInstance[] Instances(MarathonAppInfo app, int index, List<string> notes)
    {
        var instances = new List<SyncDesiredInstance>();
        foreach (var task in app.Tasks.Select(t => t.WithApp(app, index)))
        {
            if (task.Serving == true)
            {
                instances.Add(new SyncDesiredInstance(task.InstanceId, task.HostAddress, task.HostPort!.Value, task.Id, task.HealthCheckPath, task.HealthCheckPort));
            }
            else if (task.NotServingReason == MarathonTaskInfo.NoEndpointReason)
            {
                notes.Add($"Task {task.Id} of {app.Id} has no host address or port; not registered.");
            }
        }

        return instances.GroupBy(i => i.InstanceId, StringComparer.Ordinal).Select(g => g.First()).OrderBy(i => i.InstanceId, StringComparer.Ordinal).ToArray();
    }

    /// <summary>Whether a task may take traffic: <see cref="MarathonServingRule"/>.</summary>
    public static bool IsServing(MarathonAppInfo app, MarathonTaskInfo task) =>
        app is not null && task is not null && MarathonServingRule.IsServing(task, app.HasHealthChecks);

    public override string ToString() =>
        string.Format(CultureInfo.InvariantCulture, "{0} service(s), {1} instance(s)", Services.Count, Services.Sum(s => s.Instances.Count));
}
