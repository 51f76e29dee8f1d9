using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json.Linq;
using ShowcaseOps.Core.Execution;
using ShowcaseOps.Core.Marathon;
using ShowcaseOps.Core.Platform;
using ShowcaseOps.Core.Sync;
using ShowcaseOps.Sandbox;

namespace ShowcaseOps.Tests.Sync;

/// <summary>A sandbox, an HTTP channel to it, and helpers to drive Marathon and run sync cycles.</summary>
internal sealed class SyncTestWorld : IDisposable
{
    public const string Domain = "service.consul";

    public SyncTestWorld()
    {
        Host = SandboxHost.Start();
        Host.Marathon.DeploymentDuration = TimeSpan.FromMilliseconds(20);
        Host.Marathon.TaskStartTime = TimeSpan.FromMilliseconds(10);
        Endpoints = PlatformEndpoints.FromServiceMap(Host.Endpoints);
        Channel = new HttpPlatformChannel(Endpoints);
        Engine = new SyncEngine(Channel, Domain);
        Marathon = new MarathonClient(Channel) { PollInterval = TimeSpan.FromMilliseconds(20) };
        Http = new HttpClient();
    }

    public SandboxHost Host { get; }

    public PlatformEndpoints Endpoints { get; }

    public HttpPlatformChannel Channel { get; }

    public SyncEngine Engine { get; }

    public MarathonClient Marathon { get; }

    public HttpClient Http { get; }

    public static string App(string id, int instances, bool exposed = true, bool healthChecks = false, int? servicePort = null)
    {
        var app = new JObject
        {
            ["id"] = id,
            ["instances"] = instances,
            ["cpus"] = 0.1,
            ["mem"] = 32,
            ["container"] = new JObject
            {
                ["type"] = "DOCKER",
                ["docker"] = new JObject { ["image"] = "nginx:1.27-alpine" },
                ["portMappings"] = new JArray(new JObject { ["containerPort"] = 80, ["servicePort"] = servicePort ?? 0 }),
            },
            ["networks"] = new JArray(new JObject { ["mode"] = "container/bridge" }),
            ["labels"] = exposed ? new JObject { ["showcaseops.expose"] = "true" } : new JObject(),
        };
        if (healthChecks)
        {
            app["healthChecks"] = new JArray(new JObject { ["protocol"] = "MESOS_HTTP", ["path"] = "/", ["portIndex"] = 0 });
        }

        return app.ToString();
    }

    public async Task<SyncPlan> PlanAsync(Func<string, bool>? scope = null) => Engine.Plan(await Engine.ReadAsync(NullReporter.Instance, CancellationToken.None), scope);

    /// <summary>One full cycle: read, plan, apply everything. Returns the results.</summary>
    public async Task<IReadOnlyList<SyncChangeResult>> SyncAsync(Func<string, bool>? scope = null)
    {
        var plan = await PlanAsync(scope);
        return await Engine.ApplyAsync(plan.Changes, NullReporter.Instance, CancellationToken.None);
    }

    public Task<PlatformState> ReadPlatformAsync() => new PlatformStateReader(Channel).ReadAsync(NullReporter.Instance, CancellationToken.None);

    public async Task ScaleAsync(string appId, int instances)
    {
        await Marathon.ScaleAppAsync(appId, instances, force: true, NullReporter.Instance, CancellationToken.None);
        await WaitSettledAsync(appId);
    }

    public async Task WaitSettledAsync(string appId)
    {
        await Marathon.WaitForDeploymentsAsync(appId, TimeSpan.FromSeconds(10), NullReporter.Instance, CancellationToken.None);
        for (var i = 0; i < 200; i++)
        {
            var app = await Marathon.GetAppAsync(appId, NullReporter.Instance, CancellationToken.None);
            if (app.Tasks.Count == app.Instances && app.Tasks.All(t => t.IsRunning))
            {
                return;
            }

            await Task.Delay(10);
        }
    }

    /// <summary>The instance ids Marathon says are serving, per exposed app (what the platform should hold).</summary>
    public async Task<Dictionary<string, string[]>> ServingAsync()
    {
        var apps = await Marathon.ListAppsAsync(true, NullReporter.Instance, CancellationToken.None);
        return SyncDesiredState.FromApps(apps).Services.ToDictionary(s => s.Name, s => s.Instances.Select(i => i.InstanceId).ToArray());
    }

    /// <summary>Asserts that what ShowcaseOps owns equals what Marathon wants, in all three targets.</summary>
    public async Task<bool> ConvergedAsync()
    {
        var serving = await ServingAsync();
        var state = await ReadPlatformAsync();
        var owned = state.Services.Where(SyncPlanner.IsOwned).ToDictionary(s => s.Name);
        if (!owned.Keys.OrderBy(k => k).SequenceEqual(serving.Keys.OrderBy(k => k)))
        {
            return false;
        }

        foreach (var (name, ids) in serving)
        {
            var s = owned[name];
            if (!s.InConsul || !s.InVulcand || !s.InKong)
            {
                return false;
            }

            var consul = s.Instances.Where(i => i.InConsul).Select(i => i.InstanceId).OrderBy(x => x);
            var vulcand = s.Instances.Where(i => i.InVulcand).Select(i => i.InstanceId).OrderBy(x => x);
            if (!consul.SequenceEqual(ids.OrderBy(x => x)) || !vulcand.SequenceEqual(ids.OrderBy(x => x)))
            {
                return false;
            }
        }

        return true;
    }

    public async Task<int> SendAsync(string service, HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(Host.Endpoint(service), path.TrimStart('/')));
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await Http.SendAsync(request);
        return (int)response.StatusCode;
    }

    public void Dispose()
    {
        Channel.Dispose();
        Http.Dispose();
        Host.Dispose();
    }
}
