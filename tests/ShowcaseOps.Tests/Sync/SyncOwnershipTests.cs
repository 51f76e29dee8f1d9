using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ShowcaseOps.Core.Execution;
using ShowcaseOps.Core.Platform;
using ShowcaseOps.Core.Services;
using Xunit;

namespace ShowcaseOps.Tests.Sync;

/// <summary>Sync updates and removes only what Sync made (docs/sync.md): not the gateway's UI routes, not the cmdlets' services.</summary>
public sealed class SyncOwnershipTests : IDisposable
{
    private readonly SyncTestWorld _world = new();

    public void Dispose() => _world.Dispose();

    [Fact]
    public async Task Each_path_marks_what_it_makes_with_its_owner()
    {
        _world.Host.Marathon.SeedApp(SyncTestWorld.App("/web", 1));
        await _world.SyncAsync();
        await ServiceRegistrar.RegisterAsync(_world.Channel, new PlatformServiceSpec("api", SyncTestWorld.Domain, 10050), NullReporter.Instance, CancellationToken.None);
        await _world.Channel.SendAsync(GatewayPlan.Create(new GatewaySpec("demo", SyncTestWorld.Domain, "10.0.12.5", Array.Empty<string>(), keyAuth: false, anonymous: true)), NullReporter.Instance, CancellationToken.None);

        var state = await _world.ReadPlatformAsync();
        Assert.Equal("sync", state.Service("web")!.Consul!.Meta[PlatformOwnership.OwnerKey]);
        Assert.Contains("showcaseops-sync", state.Service("web")!.KongService!.Tags);
        Assert.All(state.Service("web")!.Instances, i => Assert.Equal("sync", i.Owner));
        Assert.Equal("cmdlet", state.Service("api")!.Consul!.Meta[PlatformOwnership.OwnerKey]);
        Assert.Contains("showcaseops-cmdlet", state.Service("api")!.KongRoute!.Tags);
        var gateway = state.Services.Where(GatewayPlan.IsGatewayEntity).ToArray();
        Assert.NotEmpty(gateway);
        Assert.All(gateway, g => Assert.Equal("gateway", g.Owner));
    }

    [Fact]
    public async Task A_full_sync_keeps_the_gateway_ui_routes_and_the_cmdlet_services_and_their_instances()
    {
        await _world.Channel.SendAsync(GatewayPlan.Create(new GatewaySpec("demo", SyncTestWorld.Domain, "10.0.12.5", Array.Empty<string>(), keyAuth: false, anonymous: true)), NullReporter.Instance, CancellationToken.None);
        await ServiceRegistrar.RegisterAsync(_world.Channel, new PlatformServiceSpec("api", SyncTestWorld.Domain, 10050), NullReporter.Instance, CancellationToken.None);
        var instances = Enumerable.Range(1, 20).Select(i => new PlatformInstanceSpec("api", "a" + i, "10.0.12." + i, 31000 + i)).ToArray();
        await InstanceRegistrar.RegisterAsync(_world.Channel, instances, NullReporter.Instance, CancellationToken.None);
        var before = await _world.ReadPlatformAsync();
        var gatewayNames = before.Services.Where(GatewayPlan.IsGatewayEntity).Select(s => s.Name).OrderBy(n => n, StringComparer.Ordinal).ToArray();

        var plan = await _world.PlanAsync();
        Assert.Empty(plan.Changes);
        await _world.SyncAsync(name => name == "api" || gatewayNames.Contains(name));

        var after = await _world.ReadPlatformAsync();
        Assert.Equal(gatewayNames, after.Services.Where(GatewayPlan.IsGatewayEntity).Select(s => s.Name).OrderBy(n => n, StringComparer.Ordinal).ToArray());
        Assert.Equal(20, after.Service("api")!.Instances.Count(i => i.InConsul && i.InVulcand));
    }

    [Fact]
    public async Task An_exposed_app_whose_service_the_pipeline_registered_is_left_to_the_pipeline()
    {
        _world.Host.Marathon.SeedApp(SyncTestWorld.App("/web", 2));
        var app = await _world.Marathon.GetAppAsync("/web", NullReporter.Instance, CancellationToken.None);
        await ServiceRegistrar.RegisterAsync(_world.Channel, new PlatformServiceSpec("web", SyncTestWorld.Domain, app.ServicePort!.Value), NullReporter.Instance, CancellationToken.None);
        var byPipeline = app.Tasks.Select(t => t.WithApp(app, 0)).Select(t => new PlatformInstanceSpec(t.ServiceName, t.InstanceId, t.HostAddress, t.HostPort!.Value))
            .Append(new PlatformInstanceSpec("web", "extra", "10.0.12.77", 31777)).ToArray();
        await InstanceRegistrar.RegisterAsync(_world.Channel, byPipeline, NullReporter.Instance, CancellationToken.None);

        var plan = await _world.PlanAsync();
        Assert.Empty(plan.Changes);
        Assert.Contains(plan.Notes, n => n.Contains("Register-ShowcaseService", StringComparison.Ordinal));
        await _world.SyncAsync();

        var web = (await _world.ReadPlatformAsync()).Service("web")!;
        Assert.Equal(3, web.Instances.Count(i => i.InConsul && i.InVulcand));
        Assert.Equal(web.VulcandBackend!.Servers.Count, web.Instances.Count(i => i.InConsul));
    }
}
