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
public sealed record SyncDesiredInstance(string InstanceId, string Address, int Port, string TaskId);

/// <summary>What Marathon wants: the exposed services, plus why apps or tasks were left out.</summary>
public sealed class SyncDesiredState
{
    /// <summary>Label overriding the service name of an exposed app (default: <see cref="MarathonAppInfo.Name"/>).</summary>
    public const string NameLabel = "showcaseops.name";

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
    /// The exposure rule (docs/marathon.md): apps labelled <c>showcaseops.expose=true</c>; name = <see cref="MarathonAppInfo.Name"/>
    /// or the <c>showcaseops.name</c> label; port = the first service port. Instances: tasks in <c>TASK_RUNNING</c> that are
    /// healthy when the app has health checks (a task not checked yet is not healthy); address = the agent, port = the first host port.
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
            var name = app.Labels.TryGetValue(NameLabel, out var given) && !string.IsNullOrWhiteSpace(given) ? given.Trim() : app.Name;
            if (!PlatformNames.IsValid(name))
            {
                notes.Add($"App {app.Id}: '{name}' is not a valid service name (letters, digits, '-', '_', '.', '~'); not exposed.");
                continue;
            }

            if (app.ServicePort is not { } port)
            {
                notes.Add($"App {app.Id} has no service port; not exposed.");
                continue;
            }

            if (byName.TryGetValue(name, out var first))
            {
                notes.Add($"Apps {first.AppId} and {app.Id} both map to service '{name}'; only {first.AppId} is exposed.");
                continue;
            }

            var instances = new List<SyncDesiredInstance>();
            foreach (var task in app.Tasks)
            {
                if (!IsServing(app, task))
                {
                    continue;
                }

                if (task.HostPort is not { } hostPort || hostPort < 1 || hostPort > 65535 || string.IsNullOrWhiteSpace(task.HostAddress))
                {
                    notes.Add($"Task {task.Id} of {app.Id} has no host address or port; not registered.");
                    continue;
                }

                instances.Add(new SyncDesiredInstance(task.InstanceId, task.HostAddress, hostPort, task.Id));
            }

            byName.Add(name, new SyncDesiredService(
                name,
                port,
                app.Id,
                instances.GroupBy(i => i.InstanceId, StringComparer.Ordinal).Select(g => g.First()).OrderBy(i => i.InstanceId, StringComparer.Ordinal).ToArray()));
        }

        return new SyncDesiredState(byName.Values.ToArray(), notes);
    }

    /// <summary>Whether a task may take traffic: running, and healthy when its app has health checks.</summary>
    public static bool IsServing(MarathonAppInfo app, MarathonTaskInfo task)
    {
        if (app is null || task is null)
        {
            return false;
        }

        return task.IsRunning && (app.HasHealthChecks ? task.Healthy == true : task.Healthy != false);
    }

    public override string ToString() =>
        string.Format(CultureInfo.InvariantCulture, "{0} service(s), {1} instance(s)", Services.Count, Services.Sum(s => s.Instances.Count));
}
