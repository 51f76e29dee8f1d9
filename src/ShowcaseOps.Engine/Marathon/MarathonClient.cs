using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using ShowcaseOps.Core.Execution;
using ShowcaseOps.Core.Platform;
using ShowcaseOps.Core.Bootstrap;
using ShowcaseOps.Core.Marathon;
using ShowcaseOps.Core.Text;
using ShowcaseOps.Core.Platform.Wire;

namespace ShowcaseOps.Core.Marathon;

/// <summary>
/// The Marathon v2 REST API (1.10/1.11), spoken through an <see cref="IPlatformChannel"/>: in a cluster the channel carries
/// the calls over SSM to the gateway; in tests and on a reachable network it is plain HTTP. Every call is one request as data,
/// so the same client works over both. The event stream is the exception: see <see cref="MarathonEventStream"/>.
/// </summary>
public sealed class MarathonClient
{
    private static readonly char[] Slash = { '/' };
    private static readonly string[] RuntimeFields = { "tasks", "tasksStaged", "tasksRunning", "tasksHealthy", "tasksUnhealthy", "deployments", "lastTaskFailure", "readinessCheckResults", "taskStats" };
    private static readonly RetryPolicy ReadRetry = new(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(10));
    private readonly IPlatformChannel _channel;

    public MarathonClient(IPlatformChannel channel)
    {
        _channel = channel ?? throw new ArgumentNullException(nameof(channel));
    }

    /// <summary>How often <see cref="WaitForDeploymentsAsync"/> polls <c>/v2/deployments</c>.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary><c>web</c> → <c>/web</c>; <c>/shop//web/</c> → <c>/shop/web</c>.</summary>
    public static string NormalizeAppId(string appId)
    {
        if (string.IsNullOrWhiteSpace(appId))
        {
            throw new ArgumentException("An app id is required.", nameof(appId));
        }

        return "/" + string.Join("/", appId.Trim().Split(Slash, StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>All apps (<c>GET /v2/apps</c>), with their tasks when <paramref name="embedTasks"/> (one call either way).</summary>
    public async Task<IReadOnlyList<MarathonAppInfo>> ListAppsAsync(bool embedTasks, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var path = "/v2/apps" + (embedTasks ? "?embed=apps.tasks&embed=apps.counts&embed=apps.deployments" : "?embed=apps.counts&embed=apps.deployments");
        var body = await GetAsync(new PlatformRequest(PlatformTarget.Marathon, "GET", path, description: "Marathon list apps"), null, reporter, cancellationToken).ConfigureAwait(false);
        return (Parse(body, "apps")["apps"] as JArray ?? new JArray()).OfType<JObject>().Select(ToApp).ToArray();
    }

    /// <summary>One app with its tasks (<c>GET /v2/apps/{id}</c>). Unknown → <see cref="ShowcaseErrors.MarathonAppNotFound"/>.</summary>
    public async Task<MarathonAppInfo> GetAppAsync(string appId, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var id = NormalizeAppId(appId);
        var body = await GetAsync(new PlatformRequest(PlatformTarget.Marathon, "GET", "/v2/apps" + EncodeId(id) + "?embed=app.tasks", description: "Marathon app " + id), id, reporter, cancellationToken).ConfigureAwait(false);
        return ToApp(Parse(body, "app")["app"] as JObject ?? throw Unexpected("app " + id, body));
    }

    /// <summary>
    /// Tasks of one app (<c>GET /v2/apps/{id}/tasks</c>) or of all apps (<c>GET /v2/tasks</c>), optionally of one state
    /// (<c>running</c>, <c>staging</c>, or any Mesos state such as <c>TASK_KILLING</c>).
    /// </summary>
    public async Task<IReadOnlyList<MarathonTaskInfo>> ListTasksAsync(string? appId, string? state, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var wanted = NormalizeState(state);
        PlatformRequest request;
        string? id = null;
        if (appId is not null)
        {
            id = NormalizeAppId(appId);
            request = new PlatformRequest(PlatformTarget.Marathon, "GET", "/v2/apps" + EncodeId(id) + "/tasks", description: "Marathon tasks of " + id);
        }
        else
        {
            // Marathon filters only running and staging server-side; other states are filtered here.
            var query = wanted is "TASK_RUNNING" or "TASK_STAGING" ? "?status=" + wanted.Substring(5).ToLowerInvariant() : string.Empty;
            request = new PlatformRequest(PlatformTarget.Marathon, "GET", "/v2/tasks" + query, description: "Marathon tasks");
        }

        var body = await GetAsync(request, id, reporter, cancellationToken).ConfigureAwait(false);
        var tasks = (Parse(body, "tasks")["tasks"] as JArray ?? new JArray()).OfType<JObject>().Select(ToTask);
        return (wanted is null ? tasks : tasks.Where(t => t.State == wanted)).ToArray();
    }

    /// <summary>
    /// Tasks read with their apps (one call: <c>GET /v2/apps/{id}?embed=app.tasks</c>, or <c>GET /v2/apps?embed=apps.tasks</c>
    /// for every app) and described by the rules: service name, serving, and the endpoint of the chosen port
    /// (<see cref="MarathonTaskInfo.WithApp"/>). An app whose name is not a DNS label, or that has no such port, gives a
    /// problem instead of its tasks.
    /// </summary>
    public async Task<MarathonTaskListing> ListTasksWithAppsAsync(string? appId, string? state, int? portIndex, string? portName, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var wanted = NormalizeState(state);
        var apps = appId is null
            ? await ListAppsAsync(embedTasks: true, reporter, cancellationToken).ConfigureAwait(false)
            : new[] { await GetAppAsync(appId, reporter, cancellationToken).ConfigureAwait(false) };
        var tasks = new List<MarathonTaskInfo>();
        var problems = new List<ShowcaseException>();
        foreach (var app in apps)
        {
            var matching = app.Tasks.Where(t => wanted is null || t.State == wanted).ToArray();
            if (matching.Length == 0)
            {
                continue;
            }

            if (app.NameProblem is { } nameProblem)
            {
                problems.Add(new ShowcaseException(ShowcaseErrors.MarathonServiceNameInvalid, app.Id, nameProblem));
                continue;
            }

            if (MarathonNamingRule.PortIndex(app, portIndex, portName, out var portProblem) is not { } index)
            {
                problems.Add(new ShowcaseException(ShowcaseErrors.MarathonPortNotFound, app.Id, portProblem!));
                continue;
            }

            tasks.AddRange(matching.Select(t => t.WithApp(app, index)));
        }

        return new MarathonTaskListing(tasks, problems);
    }

    /// <summary>
    /// Creates an app from its JSON definition (<c>POST /v2/apps</c>). Malformed JSON fails here without a remote call;
    /// Marathon's own 400/422 become <see cref="ShowcaseErrors.MarathonAppInvalid"/> with its details; an existing id <see cref="ShowcaseErrors.MarathonAppExists"/>.
    /// </summary>
    public async Task<MarathonAppInfo> CreateAppAsync(string appJson, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        JObject definition;
        try
        {
            definition = ParseJson(appJson) as JObject ?? throw new JsonReaderException("The app definition must be a JSON object.");
        }
        catch (JsonReaderException ex)
        {
            throw new ShowcaseException(ShowcaseErrors.MarathonAppInvalid, appJson, "The app definition is not valid JSON: " + ex.Message)
            {
                RecommendedAction = "Fix the JSON (see examples/specs/app.json) and try again.",
            };
        }

        var id = definition["id"] is { Type: JTokenType.String } idToken ? NormalizeAppId((string)idToken!) : "(no id)";
        var request = new PlatformRequest(PlatformTarget.Marathon, "POST", "/v2/apps", definition.ToString(Formatting.None), "Marathon create app " + id);
        var response = await SendAsync(request, reporter, cancellationToken).ConfigureAwait(false);
        if (response.Status == 409)
        {
            throw new ShowcaseException(ShowcaseErrors.MarathonAppExists, id, $"Marathon already has an app '{id}'. {MessageOf(response.Body)}")
            {
                RecommendedAction = "Scale or change the existing app, or remove it first.",
            };
        }

        EnsureSuccess(response, id);
        return ToApp(Parse(response.Body, "app"));
    }

    /// <summary>
    /// Sets the instance count (<c>PATCH /v2/apps/{id}</c> with <c>{"instances": n}</c>; PATCH, unlike PUT, never creates an app).
    /// While a deployment runs Marathon answers 409 → <see cref="ShowcaseErrors.MarathonAppLocked"/> unless <paramref name="force"/>.
    /// </summary>
    public async Task<MarathonDeploymentStarted> ScaleAppAsync(string appId, int instances, bool force, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var id = NormalizeAppId(appId);
        if (instances < 0)
        {
            throw new ShowcaseException(ShowcaseErrors.MarathonAppInvalid, ShowcaseErrorCategory.InvalidArgument, id, $"Cannot scale '{id}' to {instances.ToString(CultureInfo.InvariantCulture)} instances: the count must be 0 or more.");
        }

        var body = PlatformJson.Serialize(new MarathonScaleBody(instances));
        var request = new PlatformRequest(PlatformTarget.Marathon, "PATCH", "/v2/apps" + EncodeId(id) + (force ? "?force=true" : string.Empty), body, $"Marathon scale {id} to {instances.ToString(CultureInfo.InvariantCulture)}");
        var response = await SendAsync(request, reporter, cancellationToken).ConfigureAwait(false);
        EnsureSuccess(response, id);
        return ToDeploymentResult(id, response.Body);
    }

    /// <summary>
    /// Kills exactly these tasks of an app and lowers its instance count by as many (<c>POST /v2/tasks/delete?scale=true</c>
    /// with <c>{"ids":[…]}</c>), so Marathon neither picks other tasks nor replaces these: the way to scale down after
    /// draining the tasks that go.
    /// </summary>
    public async Task<MarathonDeploymentStarted> KillTasksAndScaleAsync(string appId, IReadOnlyList<string> taskIds, bool force, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var id = NormalizeAppId(appId);
        var body = new JObject { ["ids"] = new JArray(taskIds.ToArray()) }.ToString(Formatting.None);
        var request = new PlatformRequest(PlatformTarget.Marathon, "POST", "/v2/tasks/delete?scale=true" + (force ? "&force=true" : string.Empty), body,
            $"Marathon kill {taskIds.Count.ToString(CultureInfo.InvariantCulture)} task(s) of {id} and scale");
        var response = await SendAsync(request, reporter, cancellationToken).ConfigureAwait(false);
        EnsureSuccess(response, id);
        return ToDeploymentResult(id, response.Body);
    }

    /// <summary>Destroys an app and its tasks (<c>DELETE /v2/apps/{id}</c>). Unknown → <see cref="ShowcaseErrors.MarathonAppNotFound"/>.</summary>
    public async Task<MarathonDeploymentStarted> DeleteAppAsync(string appId, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var id = NormalizeAppId(appId);
        var request = new PlatformRequest(PlatformTarget.Marathon, "DELETE", "/v2/apps" + EncodeId(id), description: "Marathon delete app " + id);
        var response = await SendAsync(request, reporter, cancellationToken).ConfigureAwait(false);
        EnsureSuccess(response, id);
        return ToDeploymentResult(id, response.Body);
    }

    /// <summary>
    /// Kills one task (<c>DELETE /v2/apps/{id}/tasks/{taskId}</c>). Marathon replaces it unless <paramref name="scale"/>,
    /// which lowers the instance count instead (and starts a deployment, returned then; null otherwise).
    /// </summary>
    public async Task<MarathonDeploymentStarted?> KillTaskAsync(string appId, string taskId, bool scale, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var id = NormalizeAppId(appId);
        var path = "/v2/apps" + EncodeId(id) + "/tasks/" + Uri.EscapeDataString(taskId) + (scale ? "?scale=true" : string.Empty);
        var response = await SendAsync(new PlatformRequest(PlatformTarget.Marathon, "DELETE", path, description: "Marathon kill task " + taskId), reporter, cancellationToken).ConfigureAwait(false);
        if (response.Status == 404 && MessageOf(response.Body).StartsWith("Task ", StringComparison.Ordinal))
        {
            throw new ShowcaseException(ShowcaseErrors.MarathonTaskNotFound, taskId, $"Marathon has no task '{taskId}' in app '{id}'.");
        }

        EnsureSuccess(response, id);
        return scale ? ToDeploymentResult(id, response.Body) : null;
    }

    /// <summary>The deployments running now (<c>GET /v2/deployments</c>).</summary>
    public async Task<IReadOnlyList<MarathonDeploymentInfo>> ListDeploymentsAsync(IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var body = await GetAsync(new PlatformRequest(PlatformTarget.Marathon, "GET", "/v2/deployments", description: "Marathon deployments"), null, reporter, cancellationToken).ConfigureAwait(false);
        var token = ParseOrThrow(body, "deployments");
        return (token as JArray ?? new JArray()).OfType<JObject>().Select(ToDeployment).ToArray();
    }

    /// <summary>
    /// Waits until no deployment matches <paramref name="appIdOrDeploymentId"/> (a deployment id, or an app id: every deployment
    /// that affects the app), polling <c>/v2/deployments</c>. Reports progress (always completed). Times out with
    /// <see cref="ShowcaseErrors.MarathonDeploymentTimeout"/>.
    /// </summary>
    public async Task WaitForDeploymentsAsync(string appIdOrDeploymentId, TimeSpan timeout, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var isDeploymentId = Guid.TryParse(appIdOrDeploymentId, out _);
        var appId = isDeploymentId ? null : NormalizeAppId(appIdOrDeploymentId);
        var what = isDeploymentId ? "deployment " + appIdOrDeploymentId : "deployments of " + appId;
        var activity = new ProgressUpdate(0x4D41, "Waiting for Marathon " + what, "Polling /v2/deployments");
        var started = DateTime.UtcNow;
        try
        {
            while (true)
            {
                var pending = (await ListDeploymentsAsync(reporter, cancellationToken).ConfigureAwait(false))
                    .Where(d => isDeploymentId ? d.Id == appIdOrDeploymentId : d.AffectedApps.Contains(appId!, StringComparer.Ordinal))
                    .ToArray();
                if (pending.Length == 0)
                {
                    reporter.Verbose("Marathon " + what + ": none running.");
                    return;
                }

                var elapsed = DateTime.UtcNow - started;
                var summary = string.Join("; ", pending.Select(p => p.ToString()));
                if (elapsed >= timeout)
                {
                    throw new ShowcaseException(ShowcaseErrors.MarathonDeploymentTimeout, appIdOrDeploymentId, $"Marathon {what} did not finish within {timeout.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s. Still running: {summary}.")
                    {
                        RecommendedAction = "Check the app's tasks (Get-MarathonTask) and Marathon's deployments; wait longer with -TimeoutSeconds.",
                    };
                }

                reporter.Progress(new ProgressUpdate(activity.ActivityId, activity.Activity, pending.Length.ToString(CultureInfo.InvariantCulture) + " deployment(s) running")
                {
                    CurrentOperation = summary,
                    PercentComplete = (int)Math.Min(99, elapsed.TotalMilliseconds * 100 / Math.Max(1, timeout.TotalMilliseconds)),
                });
                var wait = timeout - elapsed < PollInterval ? timeout - elapsed : PollInterval;
                await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            reporter.Progress(new ProgressUpdate(activity.ActivityId, activity.Activity, "Done") { Completed = true });
        }
    }

    // ---- transport and errors ---------------------------------------------------------------------------

    private async Task<PlatformResponse> SendAsync(PlatformRequest request, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        reporter.Verbose($"{request.Method} marathon {request.PathAndQuery} (via {_channel.Name})");
        var responses = await _channel.SendAsync(new[] { request }, reporter, cancellationToken).ConfigureAwait(false);
        if (responses.Count != 1)
        {
            throw new ShowcaseException(ShowcaseErrors.MarathonRequestFailed, request.Description, $"The {_channel.Name} channel answered {responses.Count.ToString(CultureInfo.InvariantCulture)} responses to 1 Marathon request.");
        }

        var response = responses[0];
        reporter.Verbose($"{request.Description} -> {response.Status.ToString(CultureInfo.InvariantCulture)}");
        if (response.Status == 0)
        {
            throw new ShowcaseException(ShowcaseErrors.MarathonUnreachable, request.Description, $"Could not reach Marathon through the {_channel.Name} channel ({request.Description}): {response.Body}")
            {
                RecommendedAction = "Check that the cluster is running and Marathon is up (port 8080 on the masters).",
            };
        }

        return response;
    }

    private async Task<string> GetAsync(PlatformRequest request, string? appId, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        PlatformResponse response;
        try
        {
            response = await Retry.RunAsync(
            async ct =>
            {
                var r = await SendAsync(request, reporter, ct).ConfigureAwait(false);
                if (r.Status is 502 or 503 or 504)
                {
                    throw new TransientMarathonException(r);
                }

                return r;
            },
            ex => ex switch
            {
                TransientMarathonException t => "Marathon answered " + t.Response.Status.ToString(CultureInfo.InvariantCulture),
                ShowcaseException { Error: var e } when e == ShowcaseErrors.MarathonUnreachable => "Marathon unreachable",
                _ => null,
            },
            ReadRetry,
            reporter,
            request.Description,
            cancellationToken).ConfigureAwait(false);
        }
        catch (TransientMarathonException transient)
        {
            // Retries spent: report the last answer as it is.
            response = transient.Response;
        }

        EnsureSuccess(response, appId ?? request.Description);
        return response.Body;
    }

    private static void EnsureSuccess(PlatformResponse response, string target)
    {
        if (response.Succeeded)
        {
            return;
        }

        var message = MessageOf(response.Body);
        var request = response.Request;
        switch (response.Status)
        {
            case 404 when request.PathAndQuery.StartsWith("/v2/apps/", StringComparison.Ordinal):
                throw new ShowcaseException(ShowcaseErrors.MarathonAppNotFound, target, $"Marathon has no app '{target}'. {message}".TrimEnd())
                {
                    RecommendedAction = "List the apps with Get-MarathonApp; app ids are lower-case and start with '/'.",
                };
            case 409:
                throw new ShowcaseException(ShowcaseErrors.MarathonAppLocked, target, $"Marathon app '{target}' is locked by a running deployment ({DeploymentIdsOf(response.Body)}). {message}")
                {
                    RecommendedAction = "Wait for the deployment to finish (Wait-MarathonDeployment), or use -Force to override it.",
                };
            case 400 or 422:
                throw new ShowcaseException(ShowcaseErrors.MarathonAppInvalid, target, $"Marathon rejected the app definition for '{target}': {DescribeValidation(response.Body)}")
                {
                    RecommendedAction = "Fix the app definition (see examples/specs/app.json and docs/marathon.md) and try again.",
                };
            case 401 or 403:
                throw new ShowcaseException(ShowcaseErrors.MarathonAccessDenied, target, $"Marathon refused {request.Description} ({response.Status.ToString(CultureInfo.InvariantCulture)}): {message}");
            default:
                throw new ShowcaseException(ShowcaseErrors.MarathonRequestFailed, target, $"{request.Description} failed: Marathon answered {response.Status.ToString(CultureInfo.InvariantCulture)}. {message}".TrimEnd());
        }
    }

    /// <summary>Marathon's validation answer as one line: "Object is not valid: /id: must fully match …; /: …".</summary>
    internal static string DescribeValidation(string body)
    {
        if (!TryParse(body, out var token) || token is not JObject obj)
        {
            return string.IsNullOrWhiteSpace(body) ? "(no details)" : body.Trim();
        }

        var message = (string?)obj["message"] ?? "invalid";
        var details = obj["details"];
        if (details is JArray array && array.Count > 0)
        {
            var parts = array.OfType<JObject>().Select(d =>
            {
                var path = (string?)d["path"];
                var errors = d["errors"] is JArray e ? string.Join(", ", e.Select(x => (string?)x)) : (string?)d["error"] ?? string.Empty;
                return (string.IsNullOrEmpty(path) ? "(document)" : path) + ": " + errors;
            });
            return message + ": " + string.Join("; ", parts);
        }

        return details is { Type: JTokenType.String } ? message + ": " + (string?)details : message;
    }

    private static string MessageOf(string body) =>
        TryParse(body, out var token) && token is JObject obj && (string?)obj["message"] is { } message ? message : string.Empty;

    private static string DeploymentIdsOf(string body) =>
        TryParse(body, out var token) && token is JObject { } obj && obj["deployments"] is JArray deployments && deployments.Count > 0
            ? string.Join(", ", deployments.Select(d => (string?)d["id"]))
            : "unknown deployment";

    private static JObject Parse(string body, string what) =>
        ParseOrThrow(body, what) as JObject ?? throw Unexpected(what, body);

    private static JToken ParseOrThrow(string body, string what)
    {
        if (!TryParse(body, out var token))
        {
            throw Unexpected(what, body);
        }

        return token!;
    }

    private static bool TryParse(string body, out JToken? token)
    {
        try
        {
            token = ParseJson(body);
            return true;
        }
        catch (JsonReaderException)
        {
            token = null;
            return false;
        }
    }

    internal static JToken ParseJson(string text)
    {
        using var reader = new JsonTextReader(new StringReader(text)) { DateParseHandling = DateParseHandling.None };
        var token = JToken.ReadFrom(reader);
        if (reader.Read())
        {
            throw new JsonReaderException("Unexpected content after the end of the JSON value.");
        }

        return token;
    }

    private static ShowcaseException Unexpected(string what, string body) =>
        new(ShowcaseErrors.MarathonRequestFailed, what, $"Marathon answered something unexpected for {what}: {MessageText.Shorten(body, 200)}");

    private static string EncodeId(string normalizedId) =>
        string.Join("/", normalizedId.Split('/').Select(Uri.EscapeDataString));

    private static string? NormalizeState(string? state)
    {
        if (string.IsNullOrWhiteSpace(state))
        {
            return null;
        }

        var upper = state!.Trim().ToUpperInvariant();
        return upper.StartsWith("TASK_", StringComparison.Ordinal) ? upper : "TASK_" + upper;
    }

    // ---- JSON → models ----------------------------------------------------------------------------------

    internal static MarathonAppInfo ToApp(JObject app)
    {
        var id = (string?)app["id"] ?? throw Unexpected("an app without an id", app.ToString(Formatting.None));
        var network = (string?)app["networks"]?[0]?["mode"];
        var container = app["container"] as JObject;
        var docker = container?["docker"] as JObject;
        if (network is null)
        {
            // Pre-1.5 shape: container.docker.network.
            network = ((string?)docker?["network"])?.ToUpperInvariant() switch
            {
                "BRIDGE" => "container/bridge",
                "USER" => "container",
                _ => "host",
            };
        }

        var mappings = container?["portMappings"] as JArray ?? docker?["portMappings"] as JArray;
        IEnumerable<int> servicePorts = network.StartsWith("container", StringComparison.Ordinal) && mappings is not null
            ? mappings.Select(m => (int?)m["servicePort"] ?? 0)
            : app["portDefinitions"] is JArray definitions
                ? definitions.Select(d => (int?)d["port"] ?? 0)
                : (app["ports"] as JArray ?? new JArray()).Select(p => (int?)p ?? 0);
        var labels = (app["labels"] as JObject)?.Properties().ToDictionary(p => p.Name, p => (string?)p.Value ?? string.Empty, StringComparer.Ordinal)
            ?? new Dictionary<string, string>(StringComparer.Ordinal);
        var tasks = (app["tasks"] as JArray ?? new JArray()).OfType<JObject>().Select(ToTask).ToArray();
        var definition = (JObject)app.DeepClone();
        foreach (var runtime in RuntimeFields)
        {
            definition.Remove(runtime);
        }

        return new MarathonAppInfo(id)
        {
            Instances = (int?)app["instances"] ?? 0,
            TasksStaged = (int?)app["tasksStaged"] ?? tasks.Count(t => t.State == "TASK_STAGING"),
            TasksRunning = (int?)app["tasksRunning"] ?? tasks.Count(t => t.IsRunning),
            TasksHealthy = (int?)app["tasksHealthy"] ?? tasks.Count(t => t.Healthy == true),
            TasksUnhealthy = (int?)app["tasksUnhealthy"] ?? tasks.Count(t => t.Healthy == false),
            ServicePorts = servicePorts.Where(p => p > 0).ToArray(),
            PortNames = (network.StartsWith("container", StringComparison.Ordinal) && mappings is not null ? mappings : app["portDefinitions"] as JArray ?? new JArray())
                .Select(m => (string?)m["name"] ?? string.Empty).ToArray(),
            ContainerPorts = network.StartsWith("container", StringComparison.Ordinal) && mappings is not null ? mappings.Select(m => (int?)m["containerPort"] ?? 0).ToArray() : Array.Empty<int>(),
            Image = (string?)docker?["image"],
            Cmd = (string?)app["cmd"],
            Cpus = (double?)app["cpus"] ?? 0,
            Mem = (double?)app["mem"] ?? 0,
            NetworkMode = network,
            Labels = labels,
            HasHealthChecks = app["healthChecks"] is JArray { Count: > 0 },
            HealthCheckProtocol = (string?)app["healthChecks"]?.FirstOrDefault()?["protocol"] ?? (app["healthChecks"] is JArray { Count: > 0 } ? "HTTP" : null),
            HealthCheckPath = (string?)app["healthChecks"]?.FirstOrDefault()?["path"],
            HealthCheckPortIndex = (int?)app["healthChecks"]?.FirstOrDefault()?["portIndex"],
            HealthCheckPort = (int?)app["healthChecks"]?.FirstOrDefault()?["port"],
            Version = (string?)app["version"],
            DeploymentIds = (app["deployments"] as JArray ?? new JArray()).Select(d => (string?)d["id"]).Where(d => d is not null).Select(d => d!).ToArray(),
            Tasks = tasks,
            Definition = definition.ToString(Formatting.None),
        };
    }

    internal static MarathonTaskInfo ToTask(JObject task)
    {
        var id = (string?)task["id"] ?? string.Empty;
        var appId = (string?)task["appId"] ?? string.Empty;
        var host = (string?)task["host"] ?? string.Empty;
        var ips = (task["ipAddresses"] as JArray ?? new JArray()).Select(a => (string?)a["ipAddress"]).Where(a => !string.IsNullOrEmpty(a)).Select(a => a!).ToArray();
        bool? healthy = task["healthCheckResults"] is JArray { Count: > 0 } results ? results.All(r => (bool?)r["alive"] == true) : null;
        return new MarathonTaskInfo(id, appId)
        {
            Host = host,
            HostAddress = host.Length > 0 ? host : ips.FirstOrDefault() ?? string.Empty,
            IpAddresses = ips,
            Ports = (task["ports"] as JArray ?? new JArray()).Select(p => (int?)p ?? 0).ToArray(),
            ServicePorts = (task["servicePorts"] as JArray ?? new JArray()).Select(p => (int?)p ?? 0).ToArray(),
            State = (string?)task["state"] ?? string.Empty,
            Healthy = healthy,
            AgentId = (string?)task["slaveId"] ?? (string?)task["agentId"],
            StagedAt = ParseTime((string?)task["stagedAt"]),
            StartedAt = ParseTime((string?)task["startedAt"]),
            Version = (string?)task["version"],
        };
    }

    private static MarathonDeploymentInfo ToDeployment(JObject deployment) =>
        new((string?)deployment["id"] ?? string.Empty)
        {
            Version = (string?)deployment["version"],
            AffectedApps = (deployment["affectedApps"] as JArray ?? new JArray()).Select(a => (string?)a ?? string.Empty).ToArray(),
            CurrentActions = (deployment["currentActions"] as JArray ?? new JArray()).OfType<JObject>()
                .Select(a => ((string?)a["action"] ?? "?") + " " + ((string?)a["app"] ?? (string?)a["pod"] ?? string.Empty)).ToArray(),
            CurrentStep = (int?)deployment["currentStep"] ?? 0,
            TotalSteps = (int?)deployment["totalSteps"] ?? 0,
        };

    private static MarathonDeploymentStarted ToDeploymentResult(string appId, string body)
    {
        var obj = Parse(body, "deployment of " + appId);
        return new MarathonDeploymentStarted(appId, (string?)obj["deploymentId"] ?? throw Unexpected("deployment of " + appId, body), (string?)obj["version"]);
    }

    internal static DateTime? ParseTime(string? text) =>
        text is not null && DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var time) ? time : null;

    private sealed class TransientMarathonException : Exception
    {
        public TransientMarathonException(PlatformResponse response)
            : base("Marathon answered " + response.Status.ToString(CultureInfo.InvariantCulture))
        {
            Response = response;
        }

        public PlatformResponse Response { get; }
    }
}
