using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using ShowcaseOps.Sandbox.Hosting;
using ShowcaseOps.Sandbox.StandIns.Marathon;

namespace ShowcaseOps.Sandbox.StandIns;

/// <summary>
/// Stand-in for the Marathon 1.10/1.11 v2 REST API: apps, tasks, deployments, <c>/v2/info</c>, <c>/ping</c> and the
/// <c>/v2/events</c> server-sent-event stream. Tasks are placed on the sandbox's running EC2 instances tagged
/// <c>showcase:role=agent</c> (or on <see cref="DefaultAgentAddresses"/> when there are none). See docs/marathon.md.
/// </summary>
public sealed partial class MarathonStandIn : StandIn, IDisposable
{
    private readonly MarathonEventBus _bus = new();
    private readonly MarathonWorld _world;

    public MarathonStandIn()
    {
        _world = new MarathonWorld(AgentAddresses, _bus);
    }

    /// <summary>Where tasks go when the sandbox has no running agent instances (so the stand-in works on its own).</summary>
    public static IReadOnlyList<string> DefaultAgentAddresses { get; } = new[] { "10.0.12.101", "10.0.12.102", "10.0.12.103" };

    public override string Service => "marathon";

    /// <summary>How long a deployment (create, scale, restart, delete) stays in <c>/v2/deployments</c> and locks its app.</summary>
    public TimeSpan DeploymentDuration
    {
        get => _world.DeploymentDuration;
        set => _world.DeploymentDuration = value;
    }

    /// <summary>How long a task on a terminated agent stays <c>TASK_UNREACHABLE</c> before it is expunged and replaced.</summary>
    public TimeSpan UnreachableExpungeAfter
    {
        get => _world.UnreachableExpungeAfter;
        set => _world.UnreachableExpungeAfter = value;
    }

    /// <summary>How long a task stays <c>TASK_STAGING</c> before it is <c>TASK_RUNNING</c>.</summary>
    public TimeSpan TaskStartTime
    {
        get => _world.TaskStartTime;
        set => _world.TaskStartTime = value;
    }

    /// <summary>While true, deployments do not finish (their apps stay locked): for the 409 tests. Set false to let them finish.</summary>
    public bool HoldDeployments
    {
        get => _world.HoldDeployments;
        set => _world.HoldDeployments = value;
    }

    /// <summary>Whether a killed task is replaced, as Marathon does to keep the instance count (default true).</summary>
    public bool RestartKilledTasks
    {
        get => _world.RestartKilledTasks;
        set => _world.RestartKilledTasks = value;
    }

    /// <summary>Knobs that make the event stream shuffle, duplicate or drop events.</summary>
    public MarathonEventChaos EventChaos => _bus.Chaos;

    /// <summary>Open <c>/v2/events</c> streams.</summary>
    public int EventStreamCount => _bus.SubscriberCount;

    /// <summary>Every event published (before the chaos knobs), oldest first; the last 10,000.</summary>
    public IReadOnlyList<MarathonPublishedEvent> PublishedEvents => _bus.History;

    public int AppCount => _world.AppCount;

    public int TaskCount => _world.TaskCount;

    public int DeploymentCount => _world.DeploymentCount;

    /// <summary>Ends every open event stream (the connection closes), as when Marathon fails over. Returns how many ended.</summary>
    public int KillEventStreams() => _bus.KillAll();

    /// <summary>Kills a task as if its agent lost it; Marathon replaces it unless <see cref="RestartKilledTasks"/> is false.</summary>
    public bool KillTask(string taskId) => _world.KillTaskSilently(taskId);

    /// <summary>Sets the health check result of a task (it must belong to an app with health checks to show up).</summary>
    public bool SetTaskHealth(string taskId, bool healthy, string? cause = null) => _world.SetTaskHealth(taskId, healthy, cause);

    /// <summary>The ids of the current tasks (of one app, or all), oldest first.</summary>
    public IReadOnlyList<string> TaskIds(string? appId = null) => _world.TaskIds(appId is null ? null : MarathonAppSpec.NormalizeId(appId));

    /// <summary>Creates an app whose tasks are already running, with no deployment and no events (for large-scale tests).</summary>
    public void SeedApp(string appJson) => _world.Seed((JObject)MarathonJson.Parse(appJson));

    /// <summary>Creates <paramref name="apps"/> apps (<c>/{prefix}-000</c>, …) of <paramref name="tasksPerApp"/> running tasks each.</summary>
    public void SeedApps(int apps, int tasksPerApp, string prefix = "app")
    {
        for (var i = 0; i < apps; i++)
        {
            _world.Seed(new JObject
            {
                ["id"] = "/" + prefix + "-" + i.ToString("000", System.Globalization.CultureInfo.InvariantCulture),
                ["instances"] = tasksPerApp,
                ["cpus"] = 0.1,
                ["mem"] = 32,
                ["container"] = new JObject { ["type"] = "DOCKER", ["docker"] = new JObject { ["image"] = "nginx:1.27-alpine" }, ["portMappings"] = new JArray(new JObject { ["containerPort"] = 80 }) },
                ["networks"] = new JArray(new JObject { ["mode"] = "container/bridge" }),
                ["labels"] = new JObject { ["showcaseops.expose"] = "true" },
            });
        }
    }

    /// <summary>The agents tasks are placed on now: running EC2 instances tagged <c>showcase:role=agent</c>, else the default pool.</summary>
    public IReadOnlyList<string> AgentAddresses()
    {
        IReadOnlyList<SandboxInstanceInfo> instances;
        try
        {
            instances = Host.Ec2.GetInstances();
        }
        catch (InvalidOperationException)
        {
            instances = Array.Empty<SandboxInstanceInfo>();
        }

        var agents = instances
            .Where(i => i.State == "running" && i.Tags.TryGetValue("showcase:role", out var role) && role == "agent" && !string.IsNullOrEmpty(i.PrivateIpAddress))
            .Select(i => i.PrivateIpAddress)
            .OrderBy(a => a, StringComparer.Ordinal)
            .ToArray();
        return agents.Length > 0 ? agents : DefaultAgentAddresses;
    }

    public override RequestIdentity Identify(SandboxRequest request)
    {
        var route = Route.Parse(request);
        var template = route.Template == "?" ? request.Path : route.Template;
        return new(request.Method + " " + template, route.AppId ?? route.TaskId ?? request.Path);
    }

    public override Task<SandboxResponse> HandleAsync(SandboxRequest request, RequestIdentity identity, CancellationToken cancellationToken)
    {
        if (AuthCheck(request) is { } refused)
        {
            return Task.FromResult(refused);
        }

        var route = Route.Parse(request);
        var uri = request.Path;
        const string client = "127.0.0.1";
        var response = (request.Method, route.Template) switch
        {
            ("GET", "/ping") => SandboxResponse.Text(200, "pong\n"),
            ("GET", "/v2/info") => Json(new WorldResult(200, Info())),
            ("GET", "/v2/apps") => Json(new WorldResult(200, _world.ListApps(request.Query["id"], request.Query["label"], Embeds(request).Contains("tasks")))),
            ("POST", "/v2/apps") => Json(CreateApp(request, uri, client)),
            ("GET", "/v2/apps/{id}") => Json(_world.GetApp(route.AppId!)),
            ("PUT", "/v2/apps/{id}") => Json(UpdateApp(request, route.AppId!, uri, client, Flag(request, "partialUpdate", true), allowCreation: true)),
            ("PATCH", "/v2/apps/{id}") => Json(UpdateApp(request, route.AppId!, uri, client, partial: true, allowCreation: false)),
            ("DELETE", "/v2/apps/{id}") => Json(_world.Delete(route.AppId!, Flag(request, "force", true), uri, client)),
            ("GET", "/v2/apps/{id}/tasks") => Json(_world.AppTasks(route.AppId!)),
            ("DELETE", "/v2/apps/{id}/tasks/{taskId}") => Json(_world.KillTask(route.AppId!, route.TaskId!, Flag(request, "scale", false), Flag(request, "force", false), uri, client)),
            ("GET", "/v2/tasks") => Json(new WorldResult(200, _world.Tasks(Statuses(request)))),
            ("POST", "/v2/tasks/delete") => Json(KillTasks(request, uri, client)),
            ("GET", "/v2/deployments") => Json(new WorldResult(200, _world.Deployments())),
            ("DELETE", "/v2/deployments/{id}") => Json(_world.CancelDeployment(route.AppId!)),
            ("GET", "/v2/events") => Events(request),
            (_, "?") => Json(WorldResult.Message(404, "URI not found")),
            _ => Json(WorldResult.Message(405, "HTTP " + request.Method + " is not allowed on " + request.Path)),
        };
        return Task.FromResult(response);
    }

    public override void Reset()
    {
        _world.Reset();
        _bus.Reset();
    }

    public void Dispose()
    {
        _bus.KillAll();
        _world.Dispose();
    }

    /// <summary>POST /v2/tasks/delete[?scale=true][&amp;force=true] with <c>{"ids":[…]}</c>: kills exactly those tasks (unknown ids are ignored, as Marathon does).</summary>
    private WorldResult KillTasks(SandboxRequest request, string uri, string client)
    {
        if (ParseBody(request, out var body) is { } bad)
        {
            return bad;
        }

        if (body!["ids"] is not JArray ids || ids.Any(i => i.Type != JTokenType.String))
        {
            return InvalidJson(new[] { new MarathonProblem("/ids", "error.expected.jsarray") });
        }

        return _world.KillTasks(ids.Select(i => (string)i!).ToArray(), Flag(request, "scale", false), Flag(request, "force", false), uri, client);
    }

    private WorldResult CreateApp(SandboxRequest request, string uri, string client)
    {
        if (ParseBody(request, out var body) is { } bad)
        {
            return bad;
        }

        var problems = MarathonAppSpec.ShapeErrors(body!, requireId: true);
        return problems.Count > 0 ? InvalidJson(problems) : _world.Create(body!, uri, client, viaPut: false);
    }

    private WorldResult UpdateApp(SandboxRequest request, string appId, string uri, string client, bool partial, bool allowCreation)
    {
        if (ParseBody(request, out var body) is { } bad)
        {
            return bad;
        }

        var problems = MarathonAppSpec.ShapeErrors(body!, requireId: false);
        return problems.Count > 0
            ? InvalidJson(problems)
            : _world.Update(appId, body!, partial, Flag(request, "force", false), allowCreation, uri, client);
    }

    private static WorldResult? ParseBody(SandboxRequest request, out JObject? body)
    {
        body = null;
        JToken token;
        try
        {
            token = MarathonJson.Parse(request.BodyText);
        }
        catch (JsonReaderException ex)
        {
            // Marathon answers malformed JSON with 400 and the parser's message as a string.
            return new WorldResult(400, new JObject { ["message"] = "Invalid JSON", ["details"] = ex.Message });
        }

        if (token is not JObject obj)
        {
            return InvalidJson(new[] { new MarathonProblem(string.Empty, "error.expected.jsobject") });
        }

        body = obj;
        return null;
    }

    private static WorldResult InvalidJson(IEnumerable<MarathonProblem> problems) =>
        new(422, new JObject { ["message"] = "Invalid JSON", ["details"] = MarathonProblem.ToDetails(problems) });

    private SandboxResponse Events(SandboxRequest request)
    {
        var accept = request.Headers["Accept"] ?? string.Empty;
        if (accept.IndexOf("text/event-stream", StringComparison.OrdinalIgnoreCase) < 0)
        {
            // Marathon's events route matches only requests that accept text/event-stream; any other request falls
            // through to the method-not-allowed rejection (405), as the real server answers.
            return SandboxResponse.Json(405, new { message = "HTTP method not allowed, supported methods: GET with Accept: text/event-stream" });
        }

        var types = request.Query.GetValues("event_type") ?? Array.Empty<string>();
        var (writer, first) = _bus.Subscribe(types.SelectMany(t => t.Split(',')).Select(t => t.Trim()).Where(t => t.Length > 0).ToArray(), "127.0.0.1");
        var response = new SandboxResponse(200, "text/event-stream", first) { Stream = writer };
        response.Headers["Cache-Control"] = "no-cache, no-store, must-revalidate";
        return response;
    }

    private JObject Info() => new()
    {
        ["name"] = "marathon",
        ["version"] = "1.11.24",
        ["buildref"] = "sandbox",
        ["elected"] = true,
        ["leader"] = "127.0.0.1:8080",
        ["frameworkId"] = _world.FrameworkId,
        ["marathon_config"] = new JObject
        {
            ["master"] = "zk://127.0.0.1:2181/mesos",
            ["framework_name"] = "marathon",
            ["hostname"] = "127.0.0.1",
            ["local_port_min"] = MarathonWorld.ServicePortMin,
            ["local_port_max"] = MarathonWorld.ServicePortMax,
            ["features"] = new JArray(),
            ["mesos_role"] = "*",
        },
        ["zookeeper_config"] = new JObject { ["zk"] = "zk://127.0.0.1:2181/marathon" },
        ["http_config"] = new JObject { ["http_port"] = 8080, ["https_port"] = 8443 },
    };

    private static SandboxResponse Json(WorldResult result)
    {
        var response = SandboxResponse.RawJson(result.Status, MarathonJson.Compact(result.Body));
        if (result.DeploymentId is not null)
        {
            response.Headers["Marathon-Deployment-Id"] = result.DeploymentId;
        }

        if (result.Location is not null)
        {
            response.Headers["Location"] = result.Location;
        }

        if (result.Status >= 400)
        {
            response.ErrorCode = (string?)(result.Body as JObject)?["message"];
        }

        return response;
    }

    private static HashSet<string> Embeds(SandboxRequest request)
    {
        var values = request.Query.GetValues("embed") ?? Array.Empty<string>();
        var embeds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var value in values.SelectMany(v => v.Split(',')))
        {
            var e = value.Trim();
            foreach (var prefix in new[] { "group.apps.", "apps.", "app." })
            {
                if (e.StartsWith(prefix, StringComparison.Ordinal))
                {
                    e = e.Substring(prefix.Length);
                    break;
                }
            }

            embeds.Add(e);
        }

        return embeds;
    }

    private static string[] Statuses(SandboxRequest request) =>
        (request.Query.GetValues("status") ?? Array.Empty<string>()).Concat(request.Query.GetValues("status[]") ?? Array.Empty<string>())
            .Where(s => s.Length > 0).ToArray();

    private static bool Flag(SandboxRequest request, string name, bool defaultValue)
    {
        var value = request.Query[name];
        return value is null ? defaultValue : !string.Equals(value, "false", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The route template and the ids in a Marathon path (app ids may contain '/').</summary>
    private readonly struct Route
    {
        private Route(string template, string? appId, string? taskId)
        {
            Template = template;
            AppId = appId;
            TaskId = taskId;
        }

        public string Template { get; }

        public string? AppId { get; }

        public string? TaskId { get; }

        public static Route Parse(SandboxRequest request)
        {
            var s = request.Segments;
            if (s.Count == 1 && s[0] == "ping")
            {
                return new("/ping", null, null);
            }

            if (s.Count < 2 || s[0] != "v2")
            {
                return new("?", null, null);
            }

            switch (s[1])
            {
                case "info" when s.Count == 2:
                    return new("/v2/info", null, null);
                case "tasks" when s.Count == 2:
                    return new("/v2/tasks", null, null);
                case "tasks" when s.Count == 3 && s[2] == "delete":
                    return new("/v2/tasks/delete", null, null);
                case "events" when s.Count == 2:
                    return new("/v2/events", null, null);
                case "deployments" when s.Count == 2:
                    return new("/v2/deployments", null, null);
                case "deployments" when s.Count == 3:
                    return new("/v2/deployments/{id}", s[2], null);
                case "apps" when s.Count == 2:
                    return new("/v2/apps", null, null);
                case "apps":
                    var rest = s.Skip(2).ToList();
                    if (rest.Count >= 2 && rest[rest.Count - 1] == "tasks")
                    {
                        return new("/v2/apps/{id}/tasks", MarathonAppSpec.NormalizeId(string.Join("/", rest.Take(rest.Count - 1))), null);
                    }

                    if (rest.Count >= 3 && rest[rest.Count - 2] == "tasks")
                    {
                        return new("/v2/apps/{id}/tasks/{taskId}", MarathonAppSpec.NormalizeId(string.Join("/", rest.Take(rest.Count - 2))), rest[rest.Count - 1]);
                    }

                    return new("/v2/apps/{id}", MarathonAppSpec.NormalizeId(string.Join("/", rest)), null);
                default:
                    return new("?", null, null);
            }
        }
    }
}
