using System;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using ShowcaseOps.Core;
using ShowcaseOps.Core.Execution;
using ShowcaseOps.Core.Platform;
using ShowcaseOps.Core.Sync;
using Xunit;

namespace ShowcaseOps.Tests.Sync;

public sealed class SyncEndToEndTests : IDisposable
{
    private readonly SyncTestWorld _world = new();

    public void Dispose() => _world.Dispose();

    private SandboxLogMark Mark() => new(_world.Host);

    [Fact]
    public async Task A_fresh_app_is_registered_everywhere_by_one_sync()
    {
        _world.Host.Marathon.SeedApp(SyncTestWorld.App("/web", 3, servicePort: 10000));

        var results = await _world.SyncAsync();

        Assert.All(results, r => Assert.True(r.Succeeded, r.Error));
        Assert.True(await _world.ConvergedAsync());
        var web = (await _world.ReadPlatformAsync()).Service("web")!;
        Assert.Equal(10000, web.ServicePort);
        Assert.Equal("web.service.consul", web.VulcandHost);
        Assert.Equal(new[] { "web.service.consul" }, web.KongRoute!.Hosts);
        Assert.True(web.KongRoute.PreserveHost);
        Assert.Equal(3, web.Instances.Count);
        Assert.Empty((await _world.PlanAsync()).Changes);
    }

    [Fact]
    public async Task Apps_without_the_label_are_not_exposed()
    {
        _world.Host.Marathon.SeedApp(SyncTestWorld.App("/batch", 2, exposed: false));
        Assert.Empty((await _world.PlanAsync()).Changes);
    }

    [Fact]
    public async Task Scaling_up_and_down_and_killed_tasks_converge_after_one_sync()
    {
        _world.Host.Marathon.SeedApp(SyncTestWorld.App("/web", 2));
        await _world.SyncAsync();

        await _world.ScaleAsync("/web", 5);
        await _world.SyncAsync();
        Assert.True(await _world.ConvergedAsync());

        await _world.ScaleAsync("/web", 1);
        await _world.SyncAsync();
        Assert.True(await _world.ConvergedAsync());

        var victim = _world.Host.Marathon.TaskIds("/web").Single();
        Assert.True(_world.Host.Marathon.KillTask(victim));
        await _world.WaitSettledAsync("/web");
        var results = await _world.SyncAsync();
        Assert.True(await _world.ConvergedAsync());
        Assert.Contains(results, r => r.Change.Action == SyncAction.Remove && r.Change.InstanceId is not null);
        Assert.Contains(results, r => r.Change.Action == SyncAction.Add && r.Change.InstanceId is not null);
    }

    [Fact]
    public async Task Only_running_and_healthy_tasks_are_registered()
    {
        _world.Host.Marathon.SeedApp(SyncTestWorld.App("/web", 3, healthChecks: true));
        var sick = _world.Host.Marathon.TaskIds("/web")[0];
        Assert.True(_world.Host.Marathon.SetTaskHealth(sick, false, "test"));

        await _world.SyncAsync();

        var web = (await _world.ReadPlatformAsync()).Service("web")!;
        Assert.Equal(2, web.Instances.Count);
        Assert.DoesNotContain(web.Instances, i => i.InstanceId == ShowcaseOps.Core.Marathon.MarathonNames.InstanceId(sick));

        _world.Host.Marathon.SetTaskHealth(sick, true);
        await _world.SyncAsync();
        Assert.Equal(3, (await _world.ReadPlatformAsync()).Service("web")!.Instances.Count);
    }

    [Fact]
    public async Task Manual_entries_survive_and_owned_services_of_gone_apps_are_removed()
    {
        _world.Host.Marathon.SeedApp(SyncTestWorld.App("/web", 1));
        _world.Host.Marathon.SeedApp(SyncTestWorld.App("/old", 2));
        await _world.SyncAsync();
        Assert.Equal(200, await _world.SendAsync("consul", HttpMethod.Put, "/v1/agent/service/register", "{\"ID\":\"legacy-db\",\"Name\":\"legacy-db\",\"Port\":5432}"));
        Assert.Equal(200, await _world.SendAsync("consul", HttpMethod.Put, "/v1/agent/service/register", "{\"ID\":\"web-manual\",\"Name\":\"web\",\"Address\":\"10.9.9.9\",\"Port\":80}"));
        Assert.Equal(200, await _world.SendAsync("kong", HttpMethod.Put, "/services/legacy", "{\"url\":\"http://10.9.9.9:80\"}"));

        await _world.Marathon.DeleteAppAsync("/old", NullReporter.Instance, CancellationToken.None);
        await _world.WaitSettledAsync("/web");
        var results = await _world.SyncAsync();

        var state = await _world.ReadPlatformAsync();
        Assert.Null(state.Service("old"));
        Assert.NotNull(state.Service("legacy-db")?.Consul);
        Assert.NotNull(state.Service("legacy")?.KongService);
        Assert.Contains(state.Service("web")!.Instances, i => i.InstanceId == "manual" && i.InConsul);
        Assert.All(results, r => Assert.Equal("old", r.Change.Service));
        Assert.Empty((await _world.PlanAsync()).Changes);
    }

    [Fact]
    public async Task A_wanted_name_held_by_manual_entries_is_left_alone()
    {
        Assert.Equal(200, await _world.SendAsync("consul", HttpMethod.Put, "/v1/agent/service/register", "{\"ID\":\"web\",\"Name\":\"web\",\"Port\":8080}"));
        _world.Host.Marathon.SeedApp(SyncTestWorld.App("/web", 1));

        var plan = await _world.PlanAsync();

        Assert.Empty(plan.Changes);
        Assert.Contains(plan.Notes, n => n.Contains("'web'", StringComparison.Ordinal) && n.Contains("does not own", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Drift_is_repaired_with_only_the_calls_it_needs()
    {
        _world.Host.Marathon.SeedApp(SyncTestWorld.App("/web", 2, servicePort: 10000));
        await _world.SyncAsync();
        var task = _world.Host.Marathon.TaskIds("/web")[0];
        var instance = ShowcaseOps.Core.Marathon.MarathonNames.InstanceId(task);
        Assert.Equal(200, await _world.SendAsync("kong", HttpMethod.Put, "/services/web/routes/web", "{\"name\":\"web\",\"hosts\":[\"web.example.org\"],\"preserve_host\":false,\"tags\":[\"showcaseops\"]}"));
        Assert.Equal(200, await _world.SendAsync("vulcand", HttpMethod.Delete, "/v2/listeners/web"));
        Assert.Equal(200, await _world.SendAsync("consul", HttpMethod.Put, "/v1/agent/service/register",
            "{\"ID\":\"web-" + instance + "\",\"Name\":\"web\",\"Address\":\"10.1.1.1\",\"Port\":1,\"Tags\":[\"showcaseops\"],\"Meta\":{\"managed-by\":\"showcaseops\",\"showcase-role\":\"instance\",\"showcase-instance\":\"" + instance + "\"}}"));
        var mark = Mark();

        var plan = await _world.PlanAsync();
        var results = await _world.Engine.ApplyAsync(plan.Changes, NullReporter.Instance, CancellationToken.None);

        Assert.Equal(3, results.Count);
        Assert.Contains(results, r => r.Change.Target == PlatformTarget.Kong && r.Change.Action == SyncAction.Update && r.Change.Detail.Contains("preserve_host false → true", StringComparison.Ordinal));
        Assert.Contains(results, r => r.Change.Target == PlatformTarget.Vulcand && r.Change.Detail.Contains("missing listener", StringComparison.Ordinal));
        Assert.Contains(results, r => r.Change.Target == PlatformTarget.Consul && r.Change.InstanceId == instance && r.Change.Action == SyncAction.Update);
        Assert.Equal(3, mark.Writes().Length);
        Assert.True((await _world.ReadPlatformAsync()).Service("web")!.KongRoute!.PreserveHost);
        Assert.True(await _world.ConvergedAsync());
    }

    [Fact]
    public async Task A_second_sync_with_nothing_changed_makes_zero_writes()
    {
        _world.Host.Marathon.SeedApps(5, 3);
        await _world.SyncAsync();
        var mark = Mark();

        var results = await _world.SyncAsync();

        Assert.Empty(results);
        Assert.Empty(mark.Writes());
        Assert.True(mark.Reads() > 0);
    }

    [Fact]
    public async Task The_read_is_one_batch_once_the_hints_are_known()
    {
        _world.Host.Marathon.SeedApps(3, 2);
        var first = await _world.Engine.ReadAsync(NullReporter.Instance, CancellationToken.None);
        await _world.Engine.ApplyAsync(_world.Engine.Plan(first).Changes, NullReporter.Instance, CancellationToken.None);

        var second = await _world.Engine.ReadAsync(NullReporter.Instance, CancellationToken.None);

        Assert.Equal(1, second.ReadBatches);
        Assert.Empty(_world.Engine.Plan(second).Changes);
    }

    [Fact]
    public async Task A_failed_platform_read_plans_nothing_and_writes_nothing()
    {
        _world.Host.Marathon.SeedApp(SyncTestWorld.App("/web", 1));
        await _world.SyncAsync();
        _world.Host.Marathon.SeedApp(SyncTestWorld.App("/api", 1));
        _world.Host.Faults.Add("kong", "GET /routes", httpStatus: 500);
        var mark = Mark();

        var error = await Assert.ThrowsAsync<ShowcaseException>(() => _world.Engine.ReadAsync(NullReporter.Instance, CancellationToken.None));

        Assert.Equal("PlatformReadFailed", error.ErrorId);
        Assert.Empty(mark.Writes());
    }

    [Fact]
    public async Task Name_scope_limits_additions_and_removals()
    {
        _world.Host.Marathon.SeedApp(SyncTestWorld.App("/web", 1));
        _world.Host.Marathon.SeedApp(SyncTestWorld.App("/api", 1));

        var results = await _world.SyncAsync(n => n == "api");

        Assert.All(results, r => Assert.Equal("api", r.Change.Service));
        Assert.Null((await _world.ReadPlatformAsync()).Service("web"));
    }
}

/// <summary>Counts sandbox requests from now on (entries are logged just after the answer: compare by start time).</summary>
internal sealed class SandboxLogMark
{
    private readonly global::ShowcaseOps.Sandbox.SandboxHost _host;
    private readonly DateTime _start = DateTime.UtcNow;

    public SandboxLogMark(global::ShowcaseOps.Sandbox.SandboxHost host)
    {
        _host = host;
    }

    public global::ShowcaseOps.Sandbox.Hosting.RequestLogEntry[] Writes() =>
        _host.Log.Entries.Where(e => e.Time >= _start && e.Service is "consul" or "vulcand" or "kong" && global::ShowcaseOps.Sandbox.Hosting.RequestLog.IsWrite(e.Operation)).ToArray();

    public int Reads() => _host.Log.Entries.Count(e => e.Time >= _start && !global::ShowcaseOps.Sandbox.Hosting.RequestLog.IsWrite(e.Operation));

    public int Count(string service, string operation) => _host.Log.Entries.Count(e => e.Time >= _start && e.Service == service && e.Operation == operation);
}
