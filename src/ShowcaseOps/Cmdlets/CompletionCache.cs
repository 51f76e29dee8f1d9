using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using ShowcaseOps.Model;

namespace ShowcaseOps.Cmdlets;

/// <summary>The kinds of names tab completion offers.</summary>
internal enum CompletionKind
{
    Cluster,
    AgentInstanceId,
    MarathonApp,
    Service,
    Instance,
}

/// <summary>
/// What this session has already read, for tab completion that never leaves the machine: the clusters (rebuilt from
/// their tags) and their agents, Marathon app ids, service names and instance ids that cmdlets wrote to the pipeline.
/// Entries expire <see cref="Lifetime"/> after they were last seen, so the cache stays short-lived; objects a cmdlet
/// removed are forgotten at once. Completers only read it: no AWS call, no SSM command, no HTTP request.
/// One cache per runspace, kept in its session state (<c>$ShowcaseOpsCompletion</c> in the global scope), never in a static.
/// </summary>
internal sealed class CompletionCache
{
    /// <summary>The session variable's name.</summary>
    public const string VariableName = "ShowcaseOpsCompletion";

    private readonly object _gate = new();
    // Per kind: name → (cluster it was seen in, "" when unknown; when last seen).
    private readonly Dictionary<CompletionKind, Dictionary<string, (string Cluster, DateTime Seen)>> _seen = new();

    /// <summary>How long a name stays offered after it was last seen (default 30 minutes).</summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Forgets everything: the names belong to a world that is gone (the sandbox was started or stopped).</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _seen.Clear();
        }
    }

    /// <summary>The cache of the runspace a cmdlet runs in, created on first use.</summary>
    public static CompletionCache For(SessionState sessionState)
    {
        if (Unwrap(sessionState.PSVariable.GetValue(VariableName)) is CompletionCache existing)
        {
            return existing;
        }

        var created = new CompletionCache();
        sessionState.PSVariable.Set("global:" + VariableName, created);
        return created;
    }

    /// <summary>The cache of the runspace on this thread (argument completers get no cmdlet); null before any cmdlet ran.</summary>
    /// <remarks>
    /// A completer runs inside the pipeline that asked for completion, where <c>Runspace.SessionStateProxy</c> refuses
    /// to work (the runspace is busy); a script block invoked on this thread reads the variable in place.
    /// </remarks>
    public static CompletionCache? Current()
    {
        if (Runspace.DefaultRunspace is null)
        {
            return null;
        }

        try
        {
            return Unwrap(ScriptBlock.Create("$global:" + VariableName).InvokeReturnAsIs()) as CompletionCache;
        }
        catch (RuntimeException)
        {
            return null;
        }
    }

    /// <summary>
    /// Remembers the names an output object carries (any other object is ignored); <paramref name="cluster"/> is the
    /// cluster the command worked on, for objects that do not name theirs.
    /// </summary>
    public void Remember(object? output, string? cluster = null)
    {
        switch (Unwrap(output))
        {
            case ShowcaseCluster found:
                Add(CompletionKind.Cluster, found.Name, found.Name);
                foreach (var agent in found.Agents)
                {
                    Add(CompletionKind.AgentInstanceId, agent.InstanceId, found.Name);
                }

                break;
            case ShowcaseService service:
                Add(CompletionKind.Service, service.Name, service.Cluster);
                break;
            case ShowcaseInstance instance:
                Add(CompletionKind.Service, instance.ServiceName, instance.Cluster);
                Add(CompletionKind.Instance, instance.InstanceId, instance.Cluster);
                break;
            case ShowcaseEndpoint endpoint when endpoint.Kind == ShowcaseEndpointKind.Service:
                Add(CompletionKind.Service, endpoint.Name, endpoint.Cluster);
                break;
            case object other:
                RememberEngineObject(other, cluster);
                break;
        }
    }

    /// <summary>Forgets a name a cmdlet has just removed.</summary>
    public void Forget(CompletionKind kind, string name)
    {
        lock (_gate)
        {
            if (_seen.TryGetValue(kind, out var names))
            {
                names.Remove(kind == CompletionKind.MarathonApp ? NormalizeAppId(name) : name);
            }
        }
    }

    /// <summary>The names of one kind seen within <see cref="Lifetime"/> (only those of <paramref name="cluster"/> when given), sorted.</summary>
    public IReadOnlyList<string> Names(CompletionKind kind, string? cluster = null)
    {
        var oldest = DateTime.UtcNow - Lifetime;
        lock (_gate)
        {
            if (!_seen.TryGetValue(kind, out var names))
            {
                return Array.Empty<string>();
            }

            foreach (var stale in names.Where(n => n.Value.Seen < oldest).Select(n => n.Key).ToList())
            {
                names.Remove(stale);
            }

            return names
                .Where(n => string.IsNullOrEmpty(cluster) || string.Equals(n.Value.Cluster, cluster, StringComparison.Ordinal))
                .Select(n => n.Key)
                .OrderBy(n => n, StringComparer.Ordinal)
                .ToArray();
        }
    }

    internal static string NormalizeAppId(string id) => "/" + id.Trim('/');

    private static object? Unwrap(object? value) => value is PSObject wrapped ? wrapped.BaseObject : value;

    // Marathon's objects are engine types: matched in their own method, so only code that has one loads the engine.
    private void RememberEngineObject(object value, string? cluster)
    {
        switch (value)
        {
            case MarathonApp app:
                Add(CompletionKind.MarathonApp, NormalizeAppId(app.Id), cluster);
                Add(CompletionKind.Service, app.Name, cluster);
                foreach (var task in app.Tasks)
                {
                    Add(CompletionKind.Instance, task.InstanceId, cluster);
                }

                break;
            case MarathonTask task:
                Add(CompletionKind.MarathonApp, NormalizeAppId(task.AppId), cluster);
                Add(CompletionKind.Service, task.ServiceName, cluster);
                Add(CompletionKind.Instance, task.InstanceId, cluster);
                break;
        }
    }

    private void Add(CompletionKind kind, string? name, string? cluster)
    {
        if (string.IsNullOrEmpty(name))
        {
            return;
        }

        lock (_gate)
        {
            if (!_seen.TryGetValue(kind, out var names))
            {
                names = new Dictionary<string, (string, DateTime)>(StringComparer.Ordinal);
                _seen[kind] = names;
            }

            names[name!] = (cluster ?? string.Empty, DateTime.UtcNow);
        }
    }
}
