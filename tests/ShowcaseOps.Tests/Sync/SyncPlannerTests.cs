using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ShowcaseOps.Core.Execution;
using ShowcaseOps.Core.Platform;
using ShowcaseOps.Core.Sync;
using ShowcaseOps.Core.Bootstrap;
using ShowcaseOps.Core.Marathon;
using Xunit;

namespace ShowcaseOps.Tests.Sync;

public sealed class SyncPlannerTests
{
    private static MarathonAppInfo App(string id, int tasks, bool exposed = true, bool healthChecks = false, int? port = 10000, Dictionary<string, string>? labels = null, Func<int, MarathonTaskInfo>? task = null)
    {
        var allLabels = labels ?? new Dictionary<string, string>();
        if (exposed)
        {
            allLabels[MarathonAppInfo.ExposeLabel] = "true";
        }

        return new MarathonAppInfo(id)
        {
            Instances = tasks,
            ServicePorts = port is null ? Array.Empty<int>() : new[] { port.Value },
            Labels = allLabels,
            HasHealthChecks = healthChecks,
            Tasks = Enumerable.Range(0, tasks).Select(i => task?.Invoke(i) ?? Task(id, i)).ToArray(),
        };
    }

    private static MarathonTaskInfo Task(string appId, int i, string state = "TASK_RUNNING", bool? healthy = null) =>
        new($"{appId.Trim('/')}.instance-{i:D4}._app.1", appId) { Host = "10.0.12.10" + (i % 3), HostAddress = "10.0.12.10" + (i % 3), Ports = new[] { 50000 + i }, State = state, Healthy = healthy };

    private static async Task<PlatformState> EmptyStateAsync() =>
        await new PlatformStateReader(new EmptyPlatform()).ReadAsync(NullReporter.Instance, CancellationToken.None);

    [Fact]
    public async Task An_empty_platform_gets_every_service_and_instance_in_phase_order()
    {
        var desired = SyncDesiredState.FromApps(new[] { App("/web", 2), App("/api", 1) });

        var plan = SyncPlanner.Plan(desired, await EmptyStateAsync(), "service.consul");

        Assert.Equal(2 * 3 + 3 * 2, plan.Changes.Count);
        Assert.All(plan.Changes, c => Assert.Equal(SyncAction.Add, c.Action));
        var batch = SyncPlan.Batch(plan.Changes).Select(b => b.Request).ToArray();
        var backend = Array.FindIndex(batch, r => r.PathAndQuery == "/v2/backends" && r.JsonBody!.Contains("\"web\"", StringComparison.Ordinal));
        var server = Array.FindIndex(batch, r => r.PathAndQuery == "/v2/backends/web/servers");
        Assert.True(backend >= 0 && server > backend, "backends are created before their servers");
    }

    [Fact]
    public async Task The_plan_is_deterministic()
    {
        var apps = Enumerable.Range(0, 20).Select(i => App("/app-" + i.ToString("00", System.Globalization.CultureInfo.InvariantCulture), 5, port: 10000 + i)).Reverse().ToArray();
        var state = await EmptyStateAsync();

        var first = SyncPlanner.Plan(SyncDesiredState.FromApps(apps), state, "service.consul").Changes.Select(c => c.ToString()).ToArray();
        var second = SyncPlanner.Plan(SyncDesiredState.FromApps(apps.Reverse()), state, "service.consul").Changes.Select(c => c.ToString()).ToArray();

        Assert.Equal(first, second);
    }

    [Fact]
    public void Only_running_tasks_that_are_healthy_when_checked_are_desired()
    {
        var checkedApp = App("/web", 4, healthChecks: true, task: i => Task("/web", i, healthy: i switch { 0 => true, 1 => false, _ => null }));
        var plain = App("/api", 3, task: i => Task("/api", i, state: i == 0 ? "TASK_STAGING" : "TASK_RUNNING"));

        var desired = SyncDesiredState.FromApps(new[] { checkedApp, plain });

        Assert.Single(desired.Services.Single(s => s.Name == "web").Instances);
        Assert.Equal(2, desired.Services.Single(s => s.Name == "api").Instances.Count);
    }

    [Fact]
    public void The_exposure_rule_label_name_port_and_collisions()
    {
        var desired = SyncDesiredState.FromApps(new[]
        {
            App("/hidden", 1, exposed: false),
            App("/noport", 1, port: null),
            App("/shop/web", 1, port: 10001),
            App("/web", 1, port: 10002),
            App("/named", 1, port: 10003, labels: new Dictionary<string, string> { [SyncDesiredState.NameLabel] = "front" }),
            App("/bad", 1, port: 10004, labels: new Dictionary<string, string> { [SyncDesiredState.NameLabel] = "Not A Label" }),
        });

        Assert.Equal(new[] { "front", "web" }, desired.Services.Select(s => s.Name));
        Assert.Equal("/shop/web", desired.Services.Single(s => s.Name == "web").AppId);
        Assert.Contains(desired.Notes, n => n.Contains("/noport", StringComparison.Ordinal));
        Assert.Contains(desired.Notes, n => n.Contains("both map to service 'web'", StringComparison.Ordinal));
        Assert.Contains(desired.Notes, n => n.Contains("App /bad", StringComparison.Ordinal) && n.Contains("not a DNS label", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Scope_keeps_other_services_out_of_the_plan()
    {
        var desired = SyncDesiredState.FromApps(new[] { App("/web", 1), App("/api", 1) });

        var plan = SyncPlanner.Plan(desired, await EmptyStateAsync(), "service.consul", n => n == "web");

        Assert.All(plan.Changes, c => Assert.Equal("web", c.Service));
    }

    /// <summary>Answers every platform list as empty.</summary>
    private sealed class EmptyPlatform : IPlatformChannel
    {
        public string Name => "empty";

        public Task<IReadOnlyList<PlatformResponse>> SendAsync(IReadOnlyList<PlatformRequest> batch, IOperationReporter reporter, CancellationToken cancellationToken) =>
            System.Threading.Tasks.Task.FromResult<IReadOnlyList<PlatformResponse>>(batch.Select(r => new PlatformResponse(r, 200, r.Target switch
            {
                PlatformTarget.Consul => "{}",
                PlatformTarget.Kong => "{\"data\":[],\"next\":null}",
                _ => "{\"Hosts\":null,\"Backends\":[],\"Frontends\":[],\"Listeners\":null}",
            })).ToArray());
    }
}
