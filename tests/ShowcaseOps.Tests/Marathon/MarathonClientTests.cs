using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using ShowcaseOps.Core;
using ShowcaseOps.Core.Execution;
using ShowcaseOps.Core.Marathon;
using ShowcaseOps.Core.Bootstrap;
using ShowcaseOps.Sandbox;
using ShowcaseOps.Sandbox.StandIns;
using Xunit;

namespace ShowcaseOps.Tests.Marathon;

public sealed class MarathonClientTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly SandboxHost _host = SandboxHost.Start();
    private readonly HttpClient _http = new();
    private readonly SandboxHttpChannel _channel;
    private readonly MarathonClient _client;
    private readonly CancellationToken _ct = CancellationToken.None;
    private readonly IOperationReporter _r = NullReporter.Instance;

    public MarathonClientTests()
    {
        _channel = new SandboxHttpChannel(_host, _http);
        _client = new MarathonClient(_channel) { PollInterval = TimeSpan.FromMilliseconds(25) };
    }

    public void Dispose()
    {
        _http.Dispose();
        _host.Dispose();
    }

    [Fact]
    public async Task The_example_spec_creates_an_exposed_web_app_that_becomes_healthy()
    {
        var created = await _client.CreateAppAsync(RepoPaths.ExampleAppSpec, _r, _ct);

        Assert.Equal("/web", created.Id);
        Assert.Equal("web", created.Name);
        Assert.Equal(10000, created.ServicePort);
        Assert.Equal("container/bridge", created.NetworkMode);
        Assert.StartsWith("nginxdemos/hello", created.Image);
        Assert.True(created.Exposed);
        Assert.Equal(1, created.DeploymentCount);

        await _client.WaitForDeploymentsAsync("web", Wait, _r, _ct);
        var app = await _client.GetAppAsync("web", _r, _ct);
        Assert.Equal(1, app.TasksRunning);
        Assert.Equal(1, app.TasksHealthy);
        Assert.Equal(0, app.DeploymentCount);
        var task = Assert.Single(app.Tasks);
        Assert.Equal("web", task.ServiceName);
        Assert.True(task.Healthy);
        Assert.Equal(new[] { 10000 }, task.ServicePorts);
        Assert.Contains(task.HostAddress, MarathonStandIn.DefaultAgentAddresses);
        Assert.StartsWith("web.instance-", task.Id);
    }

    [Fact]
    public async Task Scaling_to_three_gives_three_running_tasks_on_distinct_host_ports_of_the_agents()
    {
        foreach (var (id, ip) in new[] { ("i-0a1", "10.0.12.11"), ("i-0a2", "10.0.12.12"), ("i-0a3", "10.0.12.13") })
        {
            _host.Ec2.AddInstance(new SandboxInstanceInfo(id, ip, "running", DateTime.UtcNow, DateTime.UtcNow, new Dictionary<string, string> { ["showcase:role"] = "agent" }));
        }

        _host.Ec2.AddInstance(new SandboxInstanceInfo("i-0m1", "10.0.12.5", "running", DateTime.UtcNow, DateTime.UtcNow, new Dictionary<string, string> { ["showcase:role"] = "master" }));
        await _client.CreateAppAsync(RepoPaths.ExampleAppSpec, _r, _ct);
        await _client.WaitForDeploymentsAsync("/web", Wait, _r, _ct);

        var result = await _client.ScaleAppAsync("web", 3, force: false, _r, _ct);
        Assert.Equal("/web", result.AppId);
        await _client.WaitForDeploymentsAsync(result.DeploymentId, Wait, _r, _ct);

        var tasks = await _client.ListTasksAsync("web", "running", _r, _ct);
        Assert.Equal(3, tasks.Count);
        Assert.All(tasks, t => Assert.InRange(t.HostPort!.Value, 50000, 60000));
        Assert.Equal(3, tasks.Select(t => t.HostPort).Distinct().Count());
        Assert.Equal(3, tasks.Select(t => t.InstanceId).Distinct().Count());
        Assert.Equal(new[] { "10.0.12.11", "10.0.12.12", "10.0.12.13" }, tasks.Select(t => t.HostAddress).OrderBy(a => a, StringComparer.Ordinal));
        Assert.All(tasks, t => Assert.StartsWith("172.17.", t.IpAddresses[0]));
        Assert.All(tasks, t => Assert.NotNull(t.StartedAt));

        var all = await _client.ListTasksAsync(null, "running", _r, _ct);
        Assert.Equal(3, all.Count);
        Assert.Equal(3, (await _client.GetAppAsync("/web", _r, _ct)).TasksRunning);
    }

    [Fact]
    public async Task A_running_deployment_locks_the_app_until_forced()
    {
        _host.Marathon.HoldDeployments = true;
        await _client.CreateAppAsync(RepoPaths.ExampleAppSpec, _r, _ct);

        var locked = await Assert.ThrowsAsync<ShowcaseException>(() => _client.ScaleAppAsync("web", 3, force: false, _r, _ct));
        Assert.Equal(ShowcaseErrors.MarathonAppLocked.Id, locked.ErrorId);
        Assert.Equal(ShowcaseErrorCategory.ResourceBusy, locked.Category);
        Assert.Contains("-Force", locked.RecommendedAction);
        var deployments = await _client.ListDeploymentsAsync(_r, _ct);
        Assert.Contains(Assert.Single(deployments).Id, locked.Message);

        var forced = await _client.ScaleAppAsync("web", 3, force: true, _r, _ct);
        var now = Assert.Single(await _client.ListDeploymentsAsync(_r, _ct));
        Assert.Equal(forced.DeploymentId, now.Id);
        Assert.Equal(new[] { "/web" }, now.AffectedApps);

        var timeout = await Assert.ThrowsAsync<ShowcaseException>(() => _client.WaitForDeploymentsAsync("web", TimeSpan.FromMilliseconds(200), _r, _ct));
        Assert.Equal(ShowcaseErrors.MarathonDeploymentTimeout.Id, timeout.ErrorId);

        _host.Marathon.HoldDeployments = false;
        await _client.WaitForDeploymentsAsync("web", Wait, _r, _ct);
        var app = await _client.GetAppAsync("web", _r, _ct);
        Assert.Equal(3, app.Instances);
        Assert.Equal(3, app.TasksRunning);
    }

    [Fact]
    public async Task An_unknown_app_is_not_found_and_scaling_it_creates_nothing()
    {
        var get = await Assert.ThrowsAsync<ShowcaseException>(() => _client.GetAppAsync("nope", _r, _ct));
        Assert.Equal(ShowcaseErrors.MarathonAppNotFound.Id, get.ErrorId);
        Assert.Equal(ShowcaseErrorCategory.ObjectNotFound, get.Category);
        Assert.Equal("/nope", get.Target);
        Assert.Contains("App '/nope' does not exist", get.Message);

        var scale = await Assert.ThrowsAsync<ShowcaseException>(() => _client.ScaleAppAsync("nope", 2, false, _r, _ct));
        Assert.Equal(ShowcaseErrors.MarathonAppNotFound.Id, scale.ErrorId);
        Assert.Equal(0, _host.Marathon.AppCount);

        Assert.Equal(ShowcaseErrors.MarathonAppNotFound.Id, (await Assert.ThrowsAsync<ShowcaseException>(() => _client.DeleteAppAsync("nope", _r, _ct))).ErrorId);
        Assert.Equal(ShowcaseErrors.MarathonAppNotFound.Id, (await Assert.ThrowsAsync<ShowcaseException>(() => _client.ListTasksAsync("nope", null, _r, _ct))).ErrorId);
    }

    [Fact]
    public async Task Malformed_json_is_invalid_without_any_remote_call()
    {
        var ex = await Assert.ThrowsAsync<ShowcaseException>(() => _client.CreateAppAsync("{ \"id\": \"web\", ", _r, _ct));
        Assert.Equal(ShowcaseErrors.MarathonAppInvalid.Id, ex.ErrorId);
        Assert.Equal(ShowcaseErrorCategory.InvalidData, ex.Category);
        Assert.Contains("not valid JSON", ex.Message);
        Assert.Equal(0, _channel.Requests);
        Assert.Empty(_host.Log.Entries);
    }

    [Fact]
    public async Task Marathon_validation_errors_name_the_problem()
    {
        var badId = await Assert.ThrowsAsync<ShowcaseException>(() => _client.CreateAppAsync("{\"id\":\"/Web_App\",\"cmd\":\"sleep 1\"}", _r, _ct));
        Assert.Equal(ShowcaseErrors.MarathonAppInvalid.Id, badId.ErrorId);
        Assert.Contains("Object is not valid", badId.Message);
        Assert.Contains("/id: must fully match regular expression", badId.Message);

        var nothingToRun = await Assert.ThrowsAsync<ShowcaseException>(() => _client.CreateAppAsync("{\"id\":\"/idle\"}", _r, _ct));
        Assert.Contains("AppDefinition must either contain one of 'cmd' or 'args', and/or a 'container'.", nothingToRun.Message);

        var noId = await Assert.ThrowsAsync<ShowcaseException>(() => _client.CreateAppAsync("{\"cmd\":\"sleep 1\",\"cpus\":\"lots\"}", _r, _ct));
        Assert.Contains("/id: error.path.missing", noId.Message);
        Assert.Contains("/cpus: error.expected.jsnumber", noId.Message);

        var negative = await Assert.ThrowsAsync<ShowcaseException>(() => _client.ScaleAppAsync("web", -1, false, _r, _ct));
        Assert.Equal(ShowcaseErrors.MarathonAppInvalid.Id, negative.ErrorId);
        Assert.Equal(0, _host.Marathon.AppCount);
        Assert.Equal(3, _host.Log.Count("marathon", "POST /v2/apps"));
        Assert.Equal(0, _host.Log.Count("marathon", "PATCH /v2/apps/{id}"));
    }

    [Fact]
    public async Task Creating_an_existing_app_is_a_conflict()
    {
        await _client.CreateAppAsync(RepoPaths.ExampleAppSpec, _r, _ct);
        var ex = await Assert.ThrowsAsync<ShowcaseException>(() => _client.CreateAppAsync(RepoPaths.ExampleAppSpec, _r, _ct));
        Assert.Equal(ShowcaseErrors.MarathonAppExists.Id, ex.ErrorId);
        Assert.Equal(ShowcaseErrorCategory.ResourceExists, ex.Category);
        Assert.Contains("An app with id [/web] already exists.", ex.Message);
    }

    [Fact]
    public async Task A_thousand_tasks_are_listed_whole()
    {
        _host.Marathon.SeedApps(100, 10);

        var apps = await _client.ListAppsAsync(embedTasks: true, _r, _ct);
        Assert.Equal(100, apps.Count);
        Assert.All(apps, a => Assert.Equal(10, a.Tasks.Count));
        Assert.Equal(1000, apps.Sum(a => a.Tasks.Count));
        Assert.Equal(100, apps.Select(a => a.ServicePort).Distinct().Count());
        Assert.Equal(1, _host.Log.Count("marathon", "GET /v2/apps"));

        var tasks = await _client.ListTasksAsync(null, "running", _r, _ct);
        Assert.Equal(1000, tasks.Count);
        Assert.Equal(1000, tasks.Select(t => t.InstanceId).Distinct().Count());
        Assert.Equal(1000, tasks.Select(t => (t.HostAddress, t.HostPort)).Distinct().Count());
        Assert.All(tasks, t => Assert.InRange(t.HostPort!.Value, 50000, 60000));

        var bare = await _client.ListAppsAsync(embedTasks: false, _r, _ct);
        Assert.All(bare, a => Assert.Empty(a.Tasks));
        Assert.All(bare, a => Assert.Equal(10, a.TasksRunning));
    }

    [Fact]
    public async Task Deleting_an_app_removes_it_and_its_tasks()
    {
        await _client.CreateAppAsync(RepoPaths.ExampleAppSpec, _r, _ct);
        await _client.WaitForDeploymentsAsync("web", Wait, _r, _ct);

        var deleted = await _client.DeleteAppAsync("web", _r, _ct);
        Assert.False(string.IsNullOrEmpty(deleted.DeploymentId));
        Assert.Equal(ShowcaseErrors.MarathonAppNotFound.Id, (await Assert.ThrowsAsync<ShowcaseException>(() => _client.GetAppAsync("web", _r, _ct))).ErrorId);
        Assert.Empty(await _client.ListTasksAsync(null, null, _r, _ct));
        await _client.WaitForDeploymentsAsync(deleted.DeploymentId, Wait, _r, _ct);
        Assert.Empty(await _client.ListDeploymentsAsync(_r, _ct));
    }

    [Fact]
    public async Task A_killed_task_is_replaced_and_an_unhealthy_one_shows()
    {
        _host.Marathon.SeedApp(RepoPaths.ExampleAppSpec);
        var before = Assert.Single(await _client.ListTasksAsync("web", null, _r, _ct));
        Assert.True(before.Healthy);

        Assert.True(_host.Marathon.KillTask(before.Id));
        var after = Assert.Single(await _client.ListTasksAsync("web", null, _r, _ct));
        Assert.NotEqual(before.Id, after.Id);
        await WaitUntilAsync(async () => (await _client.ListTasksAsync("web", "running", _r, _ct)).Count == 1);

        Assert.True(_host.Marathon.SetTaskHealth(after.Id, healthy: false));
        var app = await _client.GetAppAsync("web", _r, _ct);
        Assert.Equal(1, app.TasksUnhealthy);
        Assert.False(Assert.Single(app.Tasks).Healthy);

        // Killing through the API with scale=true lowers the instance count instead.
        var scaled = await _client.KillTaskAsync("web", after.Id, scale: true, _r, _ct);
        Assert.NotNull(scaled);
        Assert.Equal(0, (await _client.GetAppAsync("web", _r, _ct)).Instances);
        var gone = await Assert.ThrowsAsync<ShowcaseException>(() => _client.KillTaskAsync("web", after.Id, scale: false, _r, _ct));
        Assert.Equal(ShowcaseErrors.MarathonTaskNotFound.Id, gone.ErrorId);
    }

    [Fact]
    public async Task An_unreachable_marathon_is_a_connection_error()
    {
        var channel = new DeadChannel();
        var client = new MarathonClient(channel);
        var ex = await Assert.ThrowsAsync<ShowcaseException>(() => client.ScaleAppAsync("web", 1, false, _r, _ct));
        Assert.Equal(ShowcaseErrors.MarathonUnreachable.Id, ex.ErrorId);
        Assert.Equal(ShowcaseErrorCategory.ConnectionError, ex.Category);
    }

    [Fact]
    public void Task_and_app_properties_bind_to_the_registration_cmdlets_and_expose_no_third_party_types()
    {
        // The output types users see (ShowcaseOps.Model, in the cmdlet assembly), not the engine's records.
        var taskProperties = typeof(ShowcaseOps.Model.MarathonTask).GetProperties().Select(p => p.Name).ToArray();
        Assert.Subset(new HashSet<string>(taskProperties), new HashSet<string> { "ServiceName", "InstanceId", "HostAddress", "HostPort" });
        var appProperties = typeof(ShowcaseOps.Model.MarathonApp).GetProperties().Select(p => p.Name).ToArray();
        Assert.Subset(new HashSet<string>(appProperties), new HashSet<string> { "Name", "ServicePort" });

        foreach (var type in new[] { typeof(ShowcaseOps.Model.MarathonApp), typeof(ShowcaseOps.Model.MarathonTask), typeof(ShowcaseOps.Model.MarathonDeployment), typeof(ShowcaseOps.Model.MarathonDeploymentResult) })
        {
            foreach (var property in type.GetProperties())
            {
                var ns = property.PropertyType.Namespace ?? string.Empty;
                Assert.False(ns.StartsWith("Newtonsoft", StringComparison.Ordinal) || ns.StartsWith("Amazon", StringComparison.Ordinal), type.Name + "." + property.Name);
                foreach (var arg in property.PropertyType.GetGenericArguments())
                {
                    Assert.True((arg.Namespace ?? "System").StartsWith("System", StringComparison.Ordinal) || arg.Namespace == "ShowcaseOps.Model", type.Name + "." + property.Name);
                }
            }
        }
    }

    [Theory]
    [InlineData("/web", "web")]
    [InlineData("/shop/web", "web")]
    [InlineData("/a/b/c-1", "c-1")]
    public void Service_names_come_from_the_last_segment_of_app_ids(string appId, string expected)
    {
        Assert.Equal(expected, new MarathonAppInfo(appId).Name);
        Assert.Null(new MarathonAppInfo(appId).NameProblem);
    }

    [Theory]
    [InlineData("/web.v2", null)]
    [InlineData("/web", "Front_End")]
    [InlineData("/web", "-web")]
    public void Names_that_are_not_dns_labels_are_refused(string appId, string? label)
    {
        var app = new MarathonAppInfo(appId) { Labels = label is null ? new Dictionary<string, string>() : new Dictionary<string, string> { [MarathonNamingRule.NameLabel] = label } };
        Assert.NotNull(app.NameProblem);
        Assert.Contains("not a DNS label", app.NameProblem, StringComparison.Ordinal);
    }

    [Fact]
    public void The_label_name_wins_over_the_app_id()
    {
        var app = new MarathonAppInfo("/shop/web") { Labels = new Dictionary<string, string> { [MarathonNamingRule.NameLabel] = "front" } };
        Assert.Equal("front", app.Name);
    }

    [Fact]
    public void Ports_are_chosen_by_index_or_name_from_parameters_or_the_label()
    {
        var app = new MarathonAppInfo("/web") { ServicePorts = new[] { 10000, 10001 }, PortNames = new[] { "admin", "http" } };
        Assert.Equal(0, MarathonNamingRule.PortIndex(app, null, null, out _));
        Assert.Equal(1, MarathonNamingRule.PortIndex(app, 1, null, out _));
        Assert.Equal(1, MarathonNamingRule.PortIndex(app, null, "http", out _));
        Assert.Null(MarathonNamingRule.PortIndex(app, 2, null, out var problem));
        Assert.Contains("index 2", problem, StringComparison.Ordinal);
        Assert.Null(MarathonNamingRule.PortIndex(app, null, "grpc", out problem));
        Assert.Contains("no port named 'grpc'", problem, StringComparison.Ordinal);
        var labelled = new MarathonAppInfo("/web") { ServicePorts = new[] { 10000, 10001 }, PortNames = new[] { "admin", "http" }, Labels = new Dictionary<string, string> { [MarathonNamingRule.PortLabel] = "http" } };
        Assert.Equal(1, MarathonNamingRule.PortIndex(labelled, null, null, out _));
        Assert.Equal(10001, labelled.ServicePort);
        Assert.Equal(0, MarathonNamingRule.PortIndex(labelled, 0, null, out _));
    }

    [Theory]
    [InlineData("TASK_RUNNING", true, true, null)]
    [InlineData("TASK_RUNNING", null, false, null)]
    [InlineData("TASK_RUNNING", null, true, "not health-checked yet")]
    [InlineData("TASK_RUNNING", false, true, "unhealthy (a health check is failing)")]
    [InlineData("TASK_RUNNING", false, false, "unhealthy (a health check is failing)")]
    [InlineData("TASK_STAGING", null, false, "not running (TASK_STAGING)")]
    [InlineData("TASK_KILLING", true, true, "killing (TASK_KILLING)")]
    [InlineData("TASK_UNREACHABLE", null, true, "not running (TASK_UNREACHABLE)")]
    public void The_serving_rule(string state, bool? healthy, bool appHasHealthChecks, string? reason)
    {
        var task = new MarathonTaskInfo("web.instance-1._app.1", "/web") { State = state, Healthy = healthy };
        Assert.Equal(reason, MarathonServingRule.NotServingReason(task, appHasHealthChecks));
        Assert.Equal(reason is null, MarathonServingRule.IsServing(task, appHasHealthChecks));
    }

    [Fact]
    public void An_ip_per_task_task_is_registered_at_its_own_address_and_the_container_port()
    {
        var app = new MarathonAppInfo("/web") { NetworkMode = "container", ServicePorts = new[] { 10000 }, ContainerPorts = new[] { 8080 } };
        var task = new MarathonTaskInfo("web.instance-1._app.1", "/web") { State = "TASK_RUNNING", Host = "10.0.12.11", HostAddress = "10.0.12.11", IpAddresses = new[] { "9.0.1.5" } };
        var described = task.WithApp(app, 0);
        Assert.Equal("9.0.1.5", described.HostAddress);
        Assert.Equal(8080, described.HostPort);
        Assert.True(described.Serving);
        var bridge = new MarathonAppInfo("/web") { NetworkMode = "container/bridge", ServicePorts = new[] { 10000 }, ContainerPorts = new[] { 8080 } };
        var bridged = new MarathonTaskInfo("web.instance-2._app.1", "/web") { State = "TASK_RUNNING", Host = "10.0.12.11", HostAddress = "10.0.12.11", IpAddresses = new[] { "172.17.0.2" }, Ports = new[] { 31000 } }.WithApp(bridge, 0);
        Assert.Equal("10.0.12.11", bridged.HostAddress);
        Assert.Equal(31000, bridged.HostPort);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not become true in time.");
            await Task.Delay(20);
        }
    }

    private sealed class DeadChannel : ShowcaseOps.Core.Platform.IPlatformChannel
    {
        public string Name => "ssm";

        public Task<IReadOnlyList<ShowcaseOps.Core.Platform.PlatformResponse>> SendAsync(IReadOnlyList<ShowcaseOps.Core.Platform.PlatformRequest> batch, IOperationReporter reporter, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<ShowcaseOps.Core.Platform.PlatformResponse>>(batch.Select(r => new ShowcaseOps.Core.Platform.PlatformResponse(r, 0, "connection refused")).ToArray());
    }
}
