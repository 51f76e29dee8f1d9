using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json.Linq;

namespace ShowcaseOps.Sandbox.StandIns.Marathon;

internal sealed class AppState
{
    public AppState(JObject definition, DateTime now)
    {
        Definition = definition;
        Version = now;
        LastScalingAt = now;
        LastConfigChangeAt = now;
    }

    public string Id => (string)Definition["id"]!;

    public JObject Definition { get; set; }

    public int Instances
    {
        get => (int)Definition["instances"]!;
        set => Definition["instances"] = value;
    }

    public DateTime Version { get; set; }

    public DateTime LastScalingAt { get; set; }

    public DateTime LastConfigChangeAt { get; set; }

    public bool HasHealthChecks => Definition["healthChecks"] is JArray { Count: > 0 };
}

internal sealed class TaskState
{
    public TaskState(string id, string instanceId, string appId, MarathonAgent agent, int[] ports, int[] servicePorts, string? containerIp, DateTime version, DateTime now)
    {
        Id = id;
        InstanceId = instanceId;
        AppId = appId;
        Agent = agent;
        Ports = ports;
        ServicePorts = servicePorts;
        ContainerIp = containerIp;
        Version = version;
        StagedAt = now;
    }

    public string Id { get; }

    public string InstanceId { get; }

    public string AppId { get; }

    public MarathonAgent Agent { get; }

    public int[] Ports { get; }

    public int[] ServicePorts { get; }

    /// <summary>The container's own address on the Docker bridge (what Marathon reports in ipAddresses for bridge networking).</summary>
    public string? ContainerIp { get; }

    public DateTime Version { get; }

    public string State { get; set; } = "TASK_STAGING";

    public DateTime StagedAt { get; }

    public DateTime? StartedAt { get; set; }

    /// <summary>Health check result: null until the first check ran (or when the app has no health checks).</summary>
    public bool? Alive { get; set; }

    public DateTime? FirstSuccess { get; set; }

    public DateTime? LastSuccess { get; set; }

    public DateTime? LastFailure { get; set; }

    public string? LastFailureCause { get; set; }

    public int ConsecutiveFailures { get; set; }

    /// <summary>When the task's agent was first seen gone (the task became TASK_UNREACHABLE).</summary>
    public DateTime? UnreachableSince { get; set; }
}

internal sealed class DeploymentState
{
    public DeploymentState(string id, string appId, string action, DateTime version)
    {
        Id = id;
        AppId = appId;
        Action = action;
        Version = version;
    }

    public string Id { get; }

    public string AppId { get; }

    /// <summary>StartApplication, ScaleApplication, RestartApplication or StopApplication.</summary>
    public string Action { get; }

    public DateTime Version { get; }

    public CancellationTokenSource Cancel { get; } = new();
}

/// <summary>An agent (Mesos slave) tasks are placed on.</summary>
internal sealed class MarathonAgent
{
    public MarathonAgent(string address, string agentId)
    {
        Address = address;
        AgentId = agentId;
    }

    public string Address { get; }

    public string AgentId { get; }

    public int NextContainerIp { get; set; } = 2;
}

/// <summary>The outcome of an HTTP-level operation on the world: a status and a JSON body, plus response headers.</summary>
internal sealed class WorldResult
{
    public WorldResult(int status, JToken body)
    {
        Status = status;
        Body = body;
    }

    public int Status { get; }

    public JToken Body { get; }

    public string? DeploymentId { get; init; }

    public string? Location { get; init; }

    public static WorldResult Message(int status, string message) => new(status, new JObject { ["message"] = message });
}

/// <summary>
/// Marathon's state: apps, their tasks on the agents, and deployments that run for a while and then finish.
/// Every change happens under one lock and publishes its events as one batch.
/// </summary>
internal sealed partial class MarathonWorld : IDisposable
{
    public const int HostPortMin = 50000;
    public const int HostPortMax = 60000;
    public const int ServicePortMin = 10000;
    public const int ServicePortMax = 20000;

    private readonly object _gate = new();
    private readonly Dictionary<string, AppState> _apps = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TaskState> _tasks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DeploymentState> _deployments = new(StringComparer.Ordinal);
    private readonly Dictionary<string, MarathonAgent> _agents = new(StringComparer.Ordinal);
    private readonly HashSet<int> _usedHostPorts = new();
    private readonly Random _random = new();
    private readonly Func<IReadOnlyList<string>> _agentAddresses;
    private readonly MarathonEventBus _bus;
    private readonly string _masterId = Guid.NewGuid().ToString("D");
    private CancellationTokenSource _lifetime = new();
    private long _clock;
    private int _overlayIp;

    public MarathonWorld(Func<IReadOnlyList<string>> agentAddresses, MarathonEventBus bus)
    {
        _agentAddresses = agentAddresses;
        _bus = bus;
    }

    public TimeSpan DeploymentDuration { get; set; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan TaskStartTime { get; set; } = TimeSpan.FromMilliseconds(60);

    public bool HoldDeployments { get; set; }

    public bool RestartKilledTasks { get; set; } = true;

    /// <summary>
    /// How long a task whose agent is gone stays TASK_UNREACHABLE before Marathon expunges it (TASK_LOST) and launches a
    /// replacement on a live agent (the app's <c>unreachableStrategy</c>, shortened for the sandbox).
    /// </summary>
    public TimeSpan UnreachableExpungeAfter { get; set; } = TimeSpan.FromMilliseconds(500);

    public string FrameworkId => _masterId + "-0000";

    public int AppCount
    {
        get
        {
            lock (_gate)
            {
                return _apps.Count;
            }
        }
    }

    public int TaskCount
    {
        get
        {
            lock (_gate)
            {
                return _tasks.Count;
            }
        }
    }

    public void Reset()
    {
        lock (_gate)
        {
            _lifetime.Cancel();
            _lifetime.Dispose();
            _lifetime = new CancellationTokenSource();
            _apps.Clear();
            _tasks.Clear();
            _deployments.Clear();
            _agents.Clear();
            _usedHostPorts.Clear();
            DeploymentDuration = TimeSpan.FromMilliseconds(200);
            TaskStartTime = TimeSpan.FromMilliseconds(60);
            HoldDeployments = false;
            RestartKilledTasks = true;
            UnreachableExpungeAfter = TimeSpan.FromMilliseconds(500);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _lifetime.Cancel();
            _lifetime.Dispose();
        }
    }

    // ---- reads ------------------------------------------------------------------------------------------

    public JObject ListApps(string? idFilter, string? labelSelector, bool embedTasks)
    {
        lock (_gate)
        {
            ReconcileAgentsLocked();
            var apps = _apps.Values
                .Where(a => idFilter is null || a.Id.IndexOf(idFilter, StringComparison.OrdinalIgnoreCase) >= 0)
                .Where(a => labelSelector is null || MatchesLabel(a, labelSelector))
                .OrderBy(a => a.Id, StringComparer.Ordinal)
                .Select(a => RenderApp(a, embedTasks));
            return new JObject { ["apps"] = new JArray(apps) };
        }
    }

    public WorldResult GetApp(string appId)
    {
        lock (_gate)
        {
            ReconcileAgentsLocked();
            return _apps.TryGetValue(appId, out var app)
                ? new WorldResult(200, new JObject { ["app"] = RenderApp(app, embedTasks: true) })
                : UnknownApp(appId);
        }
    }

    public WorldResult AppTasks(string appId)
    {
        lock (_gate)
        {
            ReconcileAgentsLocked();
            return _apps.ContainsKey(appId)
                ? new WorldResult(200, new JObject { ["tasks"] = new JArray(TasksOf(appId).Select(RenderTask)) })
                : UnknownApp(appId);
        }
    }

    public JObject Tasks(IReadOnlyCollection<string> statuses)
    {
        var states = new HashSet<string>(statuses.Select(s => "TASK_" + s.ToUpperInvariant()), StringComparer.Ordinal);
        lock (_gate)
        {
            ReconcileAgentsLocked();
            var tasks = _tasks.Values
                .Where(t => states.Count == 0 || states.Contains(t.State))
                .OrderBy(t => t.AppId, StringComparer.Ordinal)
                .ThenBy(t => t.StagedAt)
                .Select(RenderTask);
            return new JObject { ["tasks"] = new JArray(tasks) };
        }
    }

    public JArray Deployments()
    {
        lock (_gate)
        {
            return new JArray(_deployments.Values.OrderBy(d => d.Version).Select(RenderDeployment));
        }
    }

    public WorldResult CancelDeployment(string deploymentId)
    {
        lock (_gate)
        {
            if (!_deployments.TryGetValue(deploymentId, out var deployment))
            {
                return WorldResult.Message(404, "DeploymentPlan " + deploymentId + " does not exist");
            }

            var events = new List<JObject>();
            CancelLocked(deployment, events);
            _bus.Publish(events);
            return new WorldResult(200, new JObject { ["deploymentId"] = deployment.Id, ["version"] = MarathonJson.Timestamp(deployment.Version) });
        }
    }

    // ---- writes -----------------------------------------------------------------------------------------

    /// <summary>POST /v2/apps (and PUT of an unknown id): the definition is already shape-checked and has an id.</summary>
    public WorldResult Create(JObject definition, string uri, string clientIp, bool viaPut)
    {
        lock (_gate)
        {
            var id = MarathonAppSpec.NormalizeId((string)definition["id"]!);
            if (_apps.ContainsKey(id))
            {
                return WorldResult.Message(409, "An app with id [" + id + "] already exists.");
            }

            if (_apps.Keys.Any(other => other.StartsWith(id + "/", StringComparison.Ordinal)) || _apps.ContainsKey(Parent(id)))
            {
                return Invalid(new MarathonProblem("/", "Groups and Applications may not have the same identifier."));
            }

            var normalized = NormalizeLocked(definition, id, null);
            var problems = MarathonAppSpec.Validate(normalized);
            if (problems.Count > 0)
            {
                return Invalid(problems.ToArray());
            }

            var now = Now();
            var app = new AppState(normalized, now);
            _apps[id] = app;
            var events = new List<JObject> { ApiPostEvent(uri, clientIp, app) };
            var deployment = StartDeploymentLocked(app, "StartApplication", now, events);
            for (var i = 0; i < app.Instances; i++)
            {
                LaunchTaskLocked(app, events);
            }

            _bus.Publish(events);
            RunDeployment(deployment);
            if (viaPut)
            {
                return new WorldResult(201, DeploymentResult(deployment)) { DeploymentId = deployment.Id, Location = id };
            }

            var body = RenderApp(app, embedTasks: true);
            return new WorldResult(201, body) { DeploymentId = deployment.Id, Location = id };
        }
    }

    /// <summary>
    /// PUT /v2/apps/{id} (a partial update, or a full replacement with <c>partialUpdate=false</c>; an unknown id is created)
    /// and PATCH /v2/apps/{id} (always partial; an unknown id is 404).
    /// </summary>
    public WorldResult Update(string id, JObject update, bool partial, bool force, bool allowCreation, string uri, string clientIp)
    {
        lock (_gate)
        {
            if (!_apps.TryGetValue(id, out var app))
            {
                if (!allowCreation)
                {
                    return UnknownApp(id);
                }

                var definition = (JObject)update.DeepClone();
                definition["id"] = id;
                return Create(definition, uri, clientIp, viaPut: true);
            }

            if (!force && LockedBy(id) is { Count: > 0 } locks)
            {
                return Locked(locks);
            }

            JObject merged;
            if (partial)
            {
                merged = (JObject)app.Definition.DeepClone();
                foreach (var property in update.Properties().Where(p => p.Name != "id"))
                {
                    merged[property.Name] = property.Value.DeepClone();
                }
            }
            else
            {
                merged = (JObject)update.DeepClone();
            }

            var normalized = NormalizeLocked(merged, id, id);
            var problems = MarathonAppSpec.Validate(normalized);
            if (problems.Count > 0)
            {
                return Invalid(problems.ToArray());
            }

            var events = new List<JObject>();
            foreach (var running in _deployments.Values.Where(d => d.AppId == id).ToArray())
            {
                CancelLocked(running, events);
            }

            var now = Now();
            var scaleOnly = SameExceptInstances(app.Definition, normalized);
            app.Definition = normalized;
            app.Version = now;
            if (scaleOnly)
            {
                app.LastScalingAt = now;
            }
            else
            {
                app.LastConfigChangeAt = now;
                app.LastScalingAt = now;
            }

            events.Add(ApiPostEvent(uri, clientIp, app));
            var deployment = StartDeploymentLocked(app, scaleOnly ? "ScaleApplication" : "RestartApplication", now, events);
            if (scaleOnly)
            {
                ScaleLocked(app, events);
            }
            else
            {
                foreach (var old in TasksOf(id).ToArray())
                {
                    KillTaskLocked(old, events);
                }

                for (var i = 0; i < app.Instances; i++)
                {
                    LaunchTaskLocked(app, events);
                }
            }

            _bus.Publish(events);
            RunDeployment(deployment);
            return new WorldResult(200, DeploymentResult(deployment)) { DeploymentId = deployment.Id };
        }
    }

    /// <summary>DELETE /v2/apps/{id}. Marathon's <c>force</c> defaults to true here, so a delete is never locked out.</summary>
    public WorldResult Delete(string id, bool force, string uri, string clientIp)
    {
        lock (_gate)
        {
            if (!_apps.TryGetValue(id, out var app))
            {
                return UnknownApp(id);
            }

            if (!force && LockedBy(id) is { Count: > 0 } locks)
            {
                return Locked(locks);
            }

            var events = new List<JObject>();
            foreach (var running in _deployments.Values.Where(d => d.AppId == id).ToArray())
            {
                CancelLocked(running, events);
            }

            events.Add(ApiPostEvent(uri, clientIp, app));
            var now = Now();
            var deployment = StartDeploymentLocked(app, "StopApplication", now, events);
            foreach (var task in TasksOf(id).ToArray())
            {
                KillTaskLocked(task, events);
            }

            _apps.Remove(id);
            _bus.Publish(events);
            RunDeployment(deployment);
            return new WorldResult(200, DeploymentResult(deployment)) { DeploymentId = deployment.Id };
        }
    }

    /// <summary>DELETE /v2/apps/{id}/tasks/{taskId}: kill one task; <c>scale</c> lowers the instance count too.</summary>
    /// <summary>Kills the given tasks; with <paramref name="scale"/> each app's instance count drops by its killed tasks (one deployment per app).</summary>
    public WorldResult KillTasks(IReadOnlyList<string> taskIds, bool scale, bool force, string uri, string clientIp)
    {
        lock (_gate)
        {
            var tasks = taskIds.Distinct(StringComparer.Ordinal).Select(id => _tasks.TryGetValue(id, out var t) ? t : null).Where(t => t is not null).Select(t => t!).ToArray();
            if (scale && !force && tasks.Select(t => t.AppId).Distinct().SelectMany(LockedBy).ToList() is { Count: > 0 } locks)
            {
                return Locked(locks);
            }

            var events = new List<JObject>();
            var rendered = tasks.Select(RenderTask).ToArray();
            DeploymentState? last = null;
            var started = new List<DeploymentState>();
            foreach (var group in tasks.GroupBy(t => t.AppId))
            {
                var app = _apps[group.Key];
                foreach (var task in group)
                {
                    KillTaskLocked(task, events);
                }

                if (scale)
                {
                    var now = Now();
                    app.Instances = Math.Max(0, app.Instances - group.Count());
                    app.Version = now;
                    app.LastScalingAt = now;
                    events.Add(ApiPostEvent(uri, clientIp, app));
                    last = StartDeploymentLocked(app, "ScaleApplication", now, events);
                    started.Add(last);
                }
                else if (RestartKilledTasks)
                {
                    ReplaceLocked(app, events);
                }
            }

            _bus.Publish(events);
            if (!scale)
            {
                return new WorldResult(200, new JObject { ["tasks"] = new JArray(rendered) });
            }

            foreach (var deployment in started)
            {
                RunDeployment(deployment);
            }

            return last is null
                ? new WorldResult(200, new JObject { ["tasks"] = new JArray() })
                : new WorldResult(200, DeploymentResult(last)) { DeploymentId = last.Id };
        }
    }

    public WorldResult KillTask(string appId, string taskId, bool scale, bool force, string uri, string clientIp)
    {
        lock (_gate)
        {
            if (!_apps.TryGetValue(appId, out var app))
            {
                return UnknownApp(appId);
            }

            if (!_tasks.TryGetValue(taskId, out var task) || task.AppId != appId)
            {
                return WorldResult.Message(404, "Task '" + taskId + "' does not exist");
            }

            var events = new List<JObject>();
            if (scale)
            {
                if (!force && LockedBy(appId) is { Count: > 0 } locks)
                {
                    return Locked(locks);
                }

                var now = Now();
                KillTaskLocked(task, events);
                app.Instances = Math.Max(0, app.Instances - 1);
                app.Version = now;
                app.LastScalingAt = now;
                events.Add(ApiPostEvent(uri, clientIp, app));
                var deployment = StartDeploymentLocked(app, "ScaleApplication", now, events);
                _bus.Publish(events);
                RunDeployment(deployment);
                return new WorldResult(200, DeploymentResult(deployment)) { DeploymentId = deployment.Id };
            }

            var rendered = RenderTask(task);
            rendered["state"] = "TASK_KILLING";
            KillTaskLocked(task, events);
            if (RestartKilledTasks)
            {
                ReplaceLocked(app, events);
            }

            _bus.Publish(events);
            return new WorldResult(200, new JObject { ["task"] = rendered });
        }
    }

    // ---- test seams -------------------------------------------------------------------------------------

    /// <summary>Kills a task behind Marathon's back (the agent lost it); Marathon launches a replacement unless told not to.</summary>
    public bool KillTaskSilently(string taskId)
    {
        lock (_gate)
        {
            if (!_tasks.TryGetValue(taskId, out var task))
            {
                return false;
            }

            var events = new List<JObject>();
            KillTaskLocked(task, events);
            if (RestartKilledTasks && _apps.TryGetValue(task.AppId, out var app))
            {
                ReplaceLocked(app, events);
            }

            _bus.Publish(events);
            return true;
        }
    }

    public bool SetTaskHealth(string taskId, bool alive, string? cause)
    {
        lock (_gate)
        {
            if (!_tasks.TryGetValue(taskId, out var task))
            {
                return false;
            }

            var events = new List<JObject>();
            SetHealthLocked(task, alive, cause, events);
            _bus.Publish(events);
            return true;
        }
    }

    /// <summary>Creates apps whose tasks are already running (no deployment, no events): for the large-scale tests.</summary>
    public void Seed(JObject definition)
    {
        lock (_gate)
        {
            var id = MarathonAppSpec.NormalizeId((string)definition["id"]!);
            var normalized = NormalizeLocked(definition, id, null);
            var problems = MarathonAppSpec.Validate(normalized);
            if (problems.Count > 0)
            {
                throw new ArgumentException("Invalid app: " + string.Join("; ", problems.Select(p => p.Path + ": " + p.Error)), nameof(definition));
            }

            var now = Now();
            var app = new AppState(normalized, now);
            _apps[id] = app;
            var ignored = new List<JObject>();
            for (var i = 0; i < app.Instances; i++)
            {
                var task = LaunchTaskLocked(app, ignored);
                StartTaskLocked(task, ignored);
            }
        }
    }

    public IReadOnlyList<string> TaskIds(string? appId)
    {
        lock (_gate)
        {
            return _tasks.Values.Where(t => appId is null || t.AppId == appId).OrderBy(t => t.StagedAt).Select(t => t.Id).ToArray();
        }
    }

    public int DeploymentCount
    {
        get
        {
            lock (_gate)
            {
                return _deployments.Count;
            }
        }
    }

    public IReadOnlyList<string> CurrentAgents() => Agents().Select(a => a.Address).ToArray();

    // ---- internals --------------------------------------------------------------------------------------

    private DeploymentState StartDeploymentLocked(AppState app, string action, DateTime now, List<JObject> events)
    {
        var deployment = new DeploymentState(Guid.NewGuid().ToString("D"), app.Id, action, now);
        _deployments[deployment.Id] = deployment;
        events.Add(new JObject
        {
            ["plan"] = RenderPlan(deployment),
            ["currentStep"] = new JObject { ["actions"] = new JArray(new JObject { ["action"] = action, ["app"] = app.Id }) },
            ["eventType"] = "deployment_info",
            ["timestamp"] = MarathonJson.Timestamp(now),
        });
        events.Add(new JObject { ["groupId"] = Parent(app.Id), ["version"] = MarathonJson.Timestamp(now), ["eventType"] = "group_change_success", ["timestamp"] = MarathonJson.Timestamp(now) });
        return deployment;
    }

    private void RunDeployment(DeploymentState deployment)
    {
        var lifetime = _lifetime.Token;
        var staging = TaskStartTime < DeploymentDuration ? TaskStartTime : DeploymentDuration;
        var rest = DeploymentDuration - staging;
        _ = Task.Run(async () =>
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(lifetime, deployment.Cancel.Token);
            try
            {
                await Task.Delay(staging, linked.Token).ConfigureAwait(false);
                lock (_gate)
                {
                    if (linked.IsCancellationRequested)
                    {
                        return;
                    }

                    // Every staging task of the app starts, including those of a deployment this one overrode (?force=true).
                    var events = new List<JObject>();
                    foreach (var task in TasksOf(deployment.AppId).Where(t => t.State == "TASK_STAGING").ToArray())
                    {
                        StartTaskLocked(task, events);
                    }

                    _bus.Publish(events);
                }

                if (rest > TimeSpan.Zero)
                {
                    await Task.Delay(rest, linked.Token).ConfigureAwait(false);
                }

                while (HoldDeployments)
                {
                    await Task.Delay(10, linked.Token).ConfigureAwait(false);
                }

                lock (_gate)
                {
                    if (linked.IsCancellationRequested || !_deployments.Remove(deployment.Id))
                    {
                        return;
                    }

                    var now = Now();
                    var events = new List<JObject>
                    {
                        new()
                        {
                            ["plan"] = RenderPlan(deployment),
                            ["currentStep"] = new JObject { ["actions"] = new JArray(new JObject { ["action"] = deployment.Action, ["app"] = deployment.AppId }) },
                            ["eventType"] = "deployment_step_success",
                            ["timestamp"] = MarathonJson.Timestamp(now),
                        },
                        new() { ["id"] = deployment.Id, ["plan"] = RenderPlan(deployment), ["eventType"] = "deployment_success", ["timestamp"] = MarathonJson.Timestamp(now) },
                    };
                    if (deployment.Action == "StopApplication")
                    {
                        events.Add(new JObject { ["appId"] = deployment.AppId, ["eventType"] = "app_terminated_event", ["timestamp"] = MarathonJson.Timestamp(now) });
                    }

                    _bus.Publish(events);
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
    }

    private void ScaleLocked(AppState app, List<JObject> events)
    {
        var current = TasksOf(app.Id).ToList();
        if (app.Instances > current.Count)
        {
            for (var i = current.Count; i < app.Instances; i++)
            {
                LaunchTaskLocked(app, events);
            }
        }
        else if (app.Instances < current.Count)
        {
            // killSelection YOUNGEST_FIRST (the default): the newest tasks go first.
            foreach (var task in current.OrderByDescending(t => t.StagedAt).Take(current.Count - app.Instances).ToArray())
            {
                KillTaskLocked(task, events);
            }
        }
    }

    private void ReplaceLocked(AppState app, List<JObject> events)
    {
        if (TasksOf(app.Id).Count() >= app.Instances)
        {
            return;
        }

        var replacement = LaunchTaskLocked(app, events);
        var lifetime = _lifetime.Token;
        var delay = TaskStartTime;
        _ = Task.Run(async () =>
        {
            try
            {
                await Task.Delay(delay, lifetime).ConfigureAwait(false);
                lock (_gate)
                {
                    if (!lifetime.IsCancellationRequested && _tasks.TryGetValue(replacement.Id, out var task) && task.State == "TASK_STAGING")
                    {
                        var started = new List<JObject>();
                        StartTaskLocked(task, started);
                        _bus.Publish(started);
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
    }

    private TaskState LaunchTaskLocked(AppState app, List<JObject> events)
    {
        var agent = PlaceLocked(app.Id);
        var requests = MarathonAppSpec.HostPortRequests(app.Definition);
        var ports = new int[requests.Count];
        for (var i = 0; i < ports.Length; i++)
        {
            ports[i] = requests[i] != 0 ? requests[i] : AllocateHostPortLocked();
        }

        var bridge = MarathonAppSpec.IsContainerNetworking(app.Definition);
        // Bridge: an address on the agent's Docker bridge; IP-per-task (mode container): a cluster-wide overlay address.
        var containerIp = !bridge ? null
            : MarathonAppSpec.NetworkMode(app.Definition) == "container" ? "9.0." + (_overlayIp / 250).ToString(CultureInfo.InvariantCulture) + "." + (_overlayIp++ % 250 + 2).ToString(CultureInfo.InvariantCulture)
            : "172.17.0." + (agent.NextContainerIp++ % 250 + 2).ToString(CultureInfo.InvariantCulture);
        var instanceId = app.Id.Substring(1).Replace('/', '_') + ".instance-" + Guid.NewGuid().ToString("D");
        var task = new TaskState(instanceId + "._app.1", instanceId, app.Id, agent, ports, MarathonAppSpec.ServicePorts(app.Definition).ToArray(), containerIp, app.Version, Now());
        _tasks[task.Id] = task;
        events.Add(StatusUpdate(task, "TASK_STAGING"));
        events.Add(InstanceChanged(task, "Staging"));
        return task;
    }

    private void StartTaskLocked(TaskState task, List<JObject> events)
    {
        var now = Now();
        task.State = "TASK_RUNNING";
        task.StartedAt = now;
        events.Add(StatusUpdate(task, "TASK_RUNNING"));
        events.Add(InstanceChanged(task, "Running"));
        if (_apps.TryGetValue(task.AppId, out var app) && app.HasHealthChecks)
        {
            SetHealthLocked(task, true, null, events);
        }
    }

    private void SetHealthLocked(TaskState task, bool alive, string? cause, List<JObject> events)
    {
        var now = Now();
        var changed = task.Alive != alive;
        task.Alive = alive;
        if (alive)
        {
            task.FirstSuccess ??= now;
            task.LastSuccess = now;
            task.ConsecutiveFailures = 0;
        }
        else
        {
            task.LastFailure = now;
            task.LastFailureCause = cause ?? "503 Service Unavailable";
            task.ConsecutiveFailures++;
            events.Add(new JObject
            {
                ["appId"] = task.AppId,
                ["taskId"] = task.Id,
                ["instanceId"] = task.InstanceId,
                ["healthCheck"] = (_apps.TryGetValue(task.AppId, out var app) ? app.Definition["healthChecks"]?[0]?.DeepClone() : null) ?? new JObject(),
                ["eventType"] = "failed_health_check_event",
                ["timestamp"] = MarathonJson.Timestamp(now),
            });
        }

        if (changed)
        {
            events.Add(new JObject
            {
                ["appId"] = task.AppId,
                ["instanceId"] = task.InstanceId,
                ["version"] = MarathonJson.Timestamp(task.Version),
                ["alive"] = alive,
                ["eventType"] = "health_status_changed_event",
                ["timestamp"] = MarathonJson.Timestamp(now),
            });
            events.Add(new JObject
            {
                ["instanceId"] = task.InstanceId,
                ["runSpecId"] = task.AppId,
                ["runSpecVersion"] = MarathonJson.Timestamp(task.Version),
                ["healthy"] = alive,
                ["eventType"] = "instance_health_changed_event",
                ["timestamp"] = MarathonJson.Timestamp(now),
            });
        }
    }

    /// <summary>
    /// Tasks on an agent that is gone (its instance terminated) become TASK_UNREACHABLE with no health result; after
    /// <see cref="UnreachableExpungeAfter"/> they are expunged (TASK_LOST) and replaced on a live agent, as Marathon does.
    /// </summary>
    private void ReconcileAgentsLocked()
    {
        var live = new HashSet<string>(_agentAddresses(), StringComparer.Ordinal);
        var events = new List<JObject>();
        var now = Now();
        foreach (var task in _tasks.Values.Where(t => !live.Contains(t.Agent.Address)).ToArray())
        {
            if (task.State != "TASK_UNREACHABLE")
            {
                task.State = "TASK_UNREACHABLE";
                task.Alive = null;
                task.UnreachableSince = now;
                events.Add(StatusUpdate(task, "TASK_UNREACHABLE"));
                events.Add(InstanceChanged(task, "Unreachable"));
            }
            else if (now - task.UnreachableSince >= UnreachableExpungeAfter)
            {
                _tasks.Remove(task.Id);
                task.State = "TASK_LOST";
                events.Add(StatusUpdate(task, "TASK_LOST"));
                events.Add(InstanceChanged(task, "UnreachableInactive"));
                if (live.Count > 0 && _apps.TryGetValue(task.AppId, out var app))
                {
                    ReplaceLocked(app, events);
                }
            }
        }

        if (events.Count > 0)
        {
            _bus.Publish(events);
        }
    }

    private void KillTaskLocked(TaskState task, List<JObject> events)
    {
        _tasks.Remove(task.Id);
        foreach (var port in task.Ports)
        {
            _usedHostPorts.Remove(port);
        }

        task.State = "TASK_KILLED";
        events.Add(StatusUpdate(task, "TASK_KILLED"));
        events.Add(InstanceChanged(task, "Killed"));
    }

    private void CancelLocked(DeploymentState deployment, List<JObject> events)
    {
        if (!_deployments.Remove(deployment.Id))
        {
            return;
        }

        deployment.Cancel.Cancel();
        events.Add(new JObject { ["id"] = deployment.Id, ["plan"] = RenderPlan(deployment), ["eventType"] = "deployment_failed", ["timestamp"] = MarathonJson.Timestamp(Now()) });
    }

    private List<string> LockedBy(string appId) =>
        _deployments.Values.Where(d => d.AppId == appId).Select(d => d.Id).ToList();

    private static WorldResult Locked(IReadOnlyList<string> deploymentIds) =>
        new(409, new JObject
        {
            ["message"] = "App is locked by one or more deployments. Override with the option '?force=true'. View details at '/v2/deployments/<DEPLOYMENT_ID>'.",
            ["deployments"] = new JArray(deploymentIds.Select(id => new JObject { ["id"] = id })),
        });

    public static WorldResult Invalid(params MarathonProblem[] problems) =>
        new(422, new JObject { ["message"] = "Object is not valid", ["details"] = MarathonProblem.ToDetails(problems) });

    private static WorldResult UnknownApp(string appId) => WorldResult.Message(404, "App '" + appId + "' does not exist");

    private MarathonAgent PlaceLocked(string appId)
    {
        var agents = Agents();
        var load = _tasks.Values.GroupBy(t => t.Agent.Address).ToDictionary(g => g.Key, g => (App: g.Count(t => t.AppId == appId), All: g.Count()), StringComparer.Ordinal);
        return agents
            .OrderBy(a => load.TryGetValue(a.Address, out var l) ? l.App : 0)
            .ThenBy(a => load.TryGetValue(a.Address, out var l) ? l.All : 0)
            .First();
    }

    private List<MarathonAgent> Agents()
    {
        var addresses = _agentAddresses();
        var result = new List<MarathonAgent>(addresses.Count);
        lock (_agents)
        {
            foreach (var address in addresses)
            {
                if (!_agents.TryGetValue(address, out var agent))
                {
                    agent = new MarathonAgent(address, _masterId + "-S" + _agents.Count.ToString(CultureInfo.InvariantCulture));
                    _agents[address] = agent;
                }

                result.Add(agent);
            }
        }

        return result;
    }

    private int AllocateHostPortLocked()
    {
        // Mesos offers port ranges and Marathon picks from them: ports look random. The stand-in keeps them unique across agents.
        for (var attempt = 0; attempt < 1000; attempt++)
        {
            var port = _random.Next(HostPortMin, HostPortMax + 1);
            if (_usedHostPorts.Add(port))
            {
                return port;
            }
        }

        for (var port = HostPortMin; port <= HostPortMax; port++)
        {
            if (_usedHostPorts.Add(port))
            {
                return port;
            }
        }

        throw new InvalidOperationException("The agents have no free ports left in " + HostPortMin.ToString(CultureInfo.InvariantCulture) + "-" + HostPortMax.ToString(CultureInfo.InvariantCulture) + ".");
    }

    private int NextServicePort(string? forApp)
    {
        var used = new HashSet<int>(_apps.Values.Where(a => a.Id != forApp).SelectMany(a => MarathonAppSpec.ServicePorts(a.Definition)));
        for (var port = ServicePortMin; port <= ServicePortMax; port++)
        {
            if (used.Add(port) && !_pendingServicePorts.Contains(port))
            {
                _pendingServicePorts.Add(port);
                return port;
            }
        }

        throw new InvalidOperationException("No free service port left.");
    }

    // Ports handed out while one definition is being normalized (it is not in _apps yet).
    private readonly HashSet<int> _pendingServicePorts = new();

    private JObject NormalizeLocked(JObject definition, string id, string? existing)
    {
        _pendingServicePorts.Clear();
        try
        {
            return MarathonAppSpec.Normalize(definition, id, () => NextServicePort(existing));
        }
        finally
        {
            _pendingServicePorts.Clear();
        }
    }

    private IEnumerable<TaskState> TasksOf(string appId) => _tasks.Values.Where(t => t.AppId == appId).OrderBy(t => t.StagedAt);

    private DateTime Now()
    {
        // Strictly increasing, so versions never collide even within one millisecond.
        var ticks = DateTime.UtcNow.Ticks / TimeSpan.TicksPerMillisecond;
        _clock = Math.Max(_clock + 1, ticks);
        return new DateTime(_clock * TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);
    }

    private static bool SameExceptInstances(JObject a, JObject b)
    {
        var left = (JObject)a.DeepClone();
        var right = (JObject)b.DeepClone();
        left.Remove("instances");
        right.Remove("instances");
        return JToken.DeepEquals(left, right);
    }

    private static bool MatchesLabel(AppState app, string selector)
    {
        var labels = app.Definition["labels"] as JObject ?? new JObject();
        var eq = selector.IndexOf("==", StringComparison.Ordinal);
        if (eq < 0)
        {
            return labels[selector.Trim()] is not null;
        }

        var key = selector.Substring(0, eq).Trim();
        var value = selector.Substring(eq + 2).Trim();
        return string.Equals((string?)labels[key], value, StringComparison.Ordinal);
    }

    private static string Parent(string id)
    {
        var slash = id.LastIndexOf('/');
        return slash <= 0 ? "/" : id.Substring(0, slash);
    }

    // ---- rendering --------------------------------------------------------------------------------------

    private JObject RenderApp(AppState app, bool embedTasks)
    {
        var json = (JObject)app.Definition.DeepClone();
        json["version"] = MarathonJson.Timestamp(app.Version);
        json["versionInfo"] = new JObject
        {
            ["lastScalingAt"] = MarathonJson.Timestamp(app.LastScalingAt),
            ["lastConfigChangeAt"] = MarathonJson.Timestamp(app.LastConfigChangeAt),
        };
        var tasks = TasksOf(app.Id).ToList();
        json["tasksStaged"] = tasks.Count(t => t.State == "TASK_STAGING");
        json["tasksRunning"] = tasks.Count(t => t.State == "TASK_RUNNING");
        json["tasksHealthy"] = app.HasHealthChecks ? tasks.Count(t => t.Alive == true) : 0;
        json["tasksUnhealthy"] = app.HasHealthChecks ? tasks.Count(t => t.Alive == false) : 0;
        json["deployments"] = new JArray(_deployments.Values.Where(d => d.AppId == app.Id).Select(d => new JObject { ["id"] = d.Id }));
        if (embedTasks)
        {
            json["tasks"] = new JArray(tasks.Select(RenderTask));
        }

        return json;
    }

    private JObject RenderTask(TaskState task)
    {
        var json = new JObject
        {
            ["ipAddresses"] = new JArray(new JObject { ["ipAddress"] = task.ContainerIp ?? task.Agent.Address, ["protocol"] = "IPv4" }),
            ["stagedAt"] = MarathonJson.Timestamp(task.StagedAt),
            ["state"] = task.State,
            ["ports"] = new JArray(task.Ports),
            ["startedAt"] = task.StartedAt is { } started ? MarathonJson.Timestamp(started) : null,
            ["version"] = MarathonJson.Timestamp(task.Version),
            ["id"] = task.Id,
            ["appId"] = task.AppId,
            ["slaveId"] = task.Agent.AgentId,
            ["host"] = task.Agent.Address,
            ["servicePorts"] = new JArray(task.ServicePorts),
            ["localVolumes"] = new JArray(),
            ["role"] = "*",
        };
        if (task.StartedAt is null)
        {
            json.Remove("startedAt");
        }

        if (task.Alive is { } alive && _apps.TryGetValue(task.AppId, out var app) && app.HasHealthChecks)
        {
            json["healthCheckResults"] = new JArray(new JObject
            {
                ["alive"] = alive,
                ["consecutiveFailures"] = task.ConsecutiveFailures,
                ["firstSuccess"] = task.FirstSuccess is { } fs ? MarathonJson.Timestamp(fs) : null,
                ["lastFailure"] = task.LastFailure is { } lf ? MarathonJson.Timestamp(lf) : null,
                ["lastSuccess"] = task.LastSuccess is { } ls ? MarathonJson.Timestamp(ls) : null,
                ["lastFailureCause"] = task.LastFailureCause,
                ["instanceId"] = task.InstanceId,
            });
        }

        return json;
    }

    private static JObject RenderPlan(DeploymentState deployment) => new()
    {
        ["id"] = deployment.Id,
        ["steps"] = new JArray(new JObject { ["actions"] = new JArray(new JObject { ["action"] = deployment.Action, ["app"] = deployment.AppId }) }),
        ["version"] = MarathonJson.Timestamp(deployment.Version),
    };

    private static JObject RenderDeployment(DeploymentState deployment) => new()
    {
        ["id"] = deployment.Id,
        ["version"] = MarathonJson.Timestamp(deployment.Version),
        ["affectedApps"] = new JArray(deployment.AppId),
        ["affectedPods"] = new JArray(),
        ["steps"] = new JArray(new JObject { ["actions"] = new JArray(new JObject { ["action"] = deployment.Action, ["app"] = deployment.AppId }) }),
        ["currentActions"] = new JArray(new JObject { ["action"] = deployment.Action, ["app"] = deployment.AppId, ["readinessCheckResults"] = new JArray() }),
        ["currentStep"] = 1,
        ["totalSteps"] = 1,
    };

    private static JObject DeploymentResult(DeploymentState deployment) => new()
    {
        ["version"] = MarathonJson.Timestamp(deployment.Version),
        ["deploymentId"] = deployment.Id,
    };

    private JObject StatusUpdate(TaskState task, string status) => new()
    {
        ["slaveId"] = task.Agent.AgentId,
        ["taskId"] = task.Id,
        ["taskStatus"] = status,
        ["message"] = string.Empty,
        ["appId"] = task.AppId,
        ["host"] = task.Agent.Address,
        ["ipAddresses"] = new JArray(new JObject { ["ipAddress"] = task.ContainerIp ?? task.Agent.Address, ["protocol"] = "IPv4" }),
        ["ports"] = new JArray(task.Ports),
        ["version"] = MarathonJson.Timestamp(task.Version),
        ["eventType"] = "status_update_event",
        ["timestamp"] = MarathonJson.Timestamp(Now()),
    };

    private JObject InstanceChanged(TaskState task, string condition) => new()
    {
        ["instanceId"] = task.InstanceId,
        ["condition"] = condition,
        ["runSpecId"] = task.AppId,
        ["agentId"] = task.Agent.AgentId,
        ["host"] = task.Agent.Address,
        ["runSpecVersion"] = MarathonJson.Timestamp(task.Version),
        ["timestamp"] = MarathonJson.Timestamp(Now()),
        ["eventType"] = "instance_changed_event",
    };

    private JObject ApiPostEvent(string uri, string clientIp, AppState app) => new()
    {
        ["clientIp"] = clientIp,
        ["uri"] = uri,
        ["appDefinition"] = RenderApp(app, embedTasks: false),
        ["eventType"] = "api_post_event",
        ["timestamp"] = MarathonJson.Timestamp(Now()),
    };
}
