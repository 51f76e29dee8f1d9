using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json.Linq;
using ShowcaseOps.Core.Execution;
using ShowcaseOps.Core.Platform;
using ShowcaseOps.Sandbox.Hosting;
using Xunit;

namespace ShowcaseOps.Tests.Platform;

public sealed class RegistrationPlanTests : SandboxTestBase
{
    private static readonly PlatformServiceSpec Web = new("web", "showcase.internal", 10001);

    private static readonly PlatformInstanceSpec[] Instances =
    {
        new("web", "web.1a2b", "10.0.1.11", 31001),
        new("web", "web.3c4d", "10.0.1.12", 31002),
        new("web", "web.5e6f", "10.0.1.13", 31003),
    };

    public static TheoryData<string> Channels => new() { "http", "sh" };

    private IPlatformChannel Channel(string name) => name == "http" ? new HttpPlatformChannel(Endpoints) : new ShellScriptChannel(Endpoints);

    private static async Task<IReadOnlyList<PlatformResponse>> RunAsync(IPlatformChannel channel, IEnumerable<PlatformRequest> plan)
    {
        var responses = await channel.SendAsync(plan.ToArray(), NullReporter.Instance, CancellationToken.None);
        var failed = responses.Where(r => !r.Succeeded).Select(r => $"{r} {r.Body}").ToArray();
        Assert.True(failed.Length == 0, string.Join("\n", failed));
        return responses;
    }

    [Theory]
    [MemberData(nameof(Channels))]
    public async Task Register_a_service_and_three_instances_then_unregister_leaves_nothing(string channelName)
    {
        var channel = Channel(channelName);
        await RunAsync(channel, ServiceRegistrationPlan.RegisterService(Web));
        foreach (var instance in Instances)
        {
            await RunAsync(channel, ServiceRegistrationPlan.RegisterInstance(instance));
        }

        var consul = Host.Consul.Services;
        Assert.Equal(4, consul.Count);
        Assert.All(consul.Values, s => Assert.Contains(PlatformOwnership.Tag, s.Tags));
        Assert.All(consul.Values, s => Assert.Equal(PlatformOwnership.MetaValue, s.Meta[PlatformOwnership.MetaKey]));
        Assert.Equal(31002, consul["web-web.3c4d"].Port);
        Assert.Equal("web", consul["web-web.3c4d"].Name);
        var backend = Assert.Single(Host.Vulcand.Backends);
        Assert.Equal(new[] { "http://10.0.1.11:31001", "http://10.0.1.12:31002", "http://10.0.1.13:31003" }, backend.Servers.Select(s => s.Url));
        Assert.Equal("Host(\"web.showcase.internal\") && PathRegexp(\"/.*\")", Assert.Single(Host.Vulcand.Frontends).Route);
        Assert.Equal("0.0.0.0:10001", Assert.Single(Host.Vulcand.Listeners).Address);
        Assert.Equal("web.showcase.internal", Assert.Single(Host.Vulcand.Hosts).Name);
        var kongService = Assert.Single(Host.Kong.Services);
        Assert.Equal("vulcand.showcase.internal", kongService.Get<string>("host"));
        Assert.Equal(10001, kongService.Get<int>("port"));
        var route = Assert.Single(Host.Kong.Routes);
        Assert.Equal(new[] { "web.showcase.internal" }, route.Get<string[]>("hosts"));
        Assert.True(route.Get<bool>("preserve_host"));
        Assert.False(route.Get<bool>("strip_path"));
        Assert.Equal(kongService.Id, route.ForeignId("service"));

        var state = await new PlatformStateReader(channel).ReadAsync(NullReporter.Instance, CancellationToken.None);
        Assert.True(state.IsComplete);
        var web = Assert.Single(state.Services);
        Assert.True(web.InConsul && web.InVulcand && web.InKong && web.IsOwned);
        Assert.Empty(web.MissingFrom);
        Assert.Equal("showcase.internal", web.Domain);
        Assert.Equal(10001, web.ServicePort);
        Assert.Equal(Instances.Select(i => i.InstanceId), web.Instances.Select(i => i.InstanceId));
        Assert.All(web.Instances, i => Assert.True(i.InConsul && i.InVulcand && i.IsOwned));

        await RunAsync(channel, ServiceRegistrationPlan.UnregisterService("web", "showcase.internal", web.Instances.Select(i => i.InstanceId)));
        Assert.Empty(Host.Consul.Services);
        Assert.Empty(Host.Vulcand.Backends);
        Assert.Empty(Host.Vulcand.Frontends);
        Assert.Empty(Host.Vulcand.Listeners);
        Assert.Empty(Host.Vulcand.Hosts);
        Assert.Empty(Host.Kong.Services);
        Assert.Empty(Host.Kong.Routes);
        Assert.Empty((await new PlatformStateReader(channel).ReadAsync(NullReporter.Instance, CancellationToken.None)).Services);
    }

    [Theory]
    [MemberData(nameof(Channels))]
    public async Task Every_plan_run_twice_succeeds_and_changes_nothing_the_second_time(string channelName)
    {
        var channel = Channel(channelName);
        var plans = new List<IReadOnlyList<PlatformRequest>>
        {
            ServiceRegistrationPlan.RegisterService(Web),
            ServiceRegistrationPlan.RegisterInstance(Instances[0]),
            ServiceRegistrationPlan.UnregisterInstance("web", Instances[0].InstanceId),
            ServiceRegistrationPlan.UnregisterService("web", "showcase.internal"),
            ServiceRegistrationPlan.UnregisterService("web", "showcase.internal", new[] { "never-registered" }),
        };

        foreach (var plan in plans)
        {
            await RunAsync(channel, plan);
            var before = Snapshot();
            await RunAsync(channel, plan);
            Assert.Equal(before, Snapshot());
        }
    }

    [Fact]
    public async Task Unregister_follows_the_order_the_apis_require()
    {
        var plan = ServiceRegistrationPlan.UnregisterService("web", "showcase.internal", new[] { "a" });
        var order = plan.Select(r => r.Description).ToList();
        Assert.True(order.IndexOf("Kong route web") < order.IndexOf("Kong service web"));
        Assert.True(order.IndexOf("Vulcand frontend web") < order.IndexOf("Vulcand backend web"));
        Assert.True(order.IndexOf("Vulcand backend web") < order.IndexOf("Vulcand listener web"));
        Assert.All(plan.Where(r => r.Target != PlatformTarget.Kong), r => Assert.True(r.IsSuccess(404)));

        // Deleting the backend first is what Vulcand refuses; the plan's order is what makes it pass.
        await RunAsync(new HttpPlatformChannel(Endpoints), ServiceRegistrationPlan.RegisterService(Web));
        var refused = await new HttpPlatformChannel(Endpoints).SendAsync(new[] { new PlatformRequest(PlatformTarget.Vulcand, "DELETE", "/v2/backends/web") }, NullReporter.Instance, CancellationToken.None);
        Assert.Equal(500, refused[0].Status);
        await RunAsync(new HttpPlatformChannel(Endpoints), plan);
    }

    [Fact]
    public async Task The_script_and_the_http_channel_get_the_same_answers()
    {
        var batch = ServiceRegistrationPlan.RegisterService(Web)
            .Concat(ServiceRegistrationPlan.RegisterInstance(Instances[0]))
            .Concat(PlatformReadPlan.Lists())
            .Concat(new[]
            {
                new PlatformRequest(PlatformTarget.Consul, "POST", "/v1/agent/service/register", "{\"Name\":\"x\"}"),
                new PlatformRequest(PlatformTarget.Kong, "POST", "/services", "{\"name\":\"web\",\"url\":\"http://a:1\"}"),
                new PlatformRequest(PlatformTarget.Kong, "GET", "/apis"),
            })
            .ToArray();
        var http = await new HttpPlatformChannel(Endpoints).SendAsync(batch, NullReporter.Instance, CancellationToken.None);
        Host.Reset();
        var sh = await new ShellScriptChannel(Endpoints).SendAsync(batch, NullReporter.Instance, CancellationToken.None);
        Assert.Equal(http.Select(r => r.Status), sh.Select(r => r.Status));
        for (var i = 0; i < batch.Length; i++)
        {
            Assert.Equal(Normalize(http[i].Body), Normalize(sh[i].Body));
        }

        Assert.Contains(405, sh.Select(r => r.Status));
        Assert.Contains(409, sh.Select(r => r.Status));
    }

    [Fact]
    public async Task Kong_lists_are_followed_until_next_is_null()
    {
        var channel = new ShellScriptChannel(Endpoints);
        var plans = Enumerable.Range(0, 7).SelectMany(i => ServiceRegistrationPlan.RegisterService(new PlatformServiceSpec("svc" + i, "showcase.internal", 10100 + i))).ToArray();
        await RunAsync(channel, plans);
        var state = await new PlatformStateReader(channel, kongPageSize: 2).ReadAsync(NullReporter.Instance, CancellationToken.None);
        Assert.Equal(7, state.KongServices.Count);
        Assert.Equal(7, state.KongRoutes.Count);
        Assert.True(Host.Log.Count("kong", "GET /services") >= 4);
        Assert.All(state.Services, s => Assert.True(s.InKong && s.InVulcand && s.InConsul));
    }

    [Fact]
    public async Task The_reader_shows_where_a_service_is_missing_and_records_failed_reads()
    {
        var channel = new HttpPlatformChannel(Endpoints);
        await RunAsync(channel, ServiceRegistrationPlan.RegisterService(Web));
        await RunAsync(channel, ServiceRegistrationPlan.RegisterInstance(Instances[1]));
        await RunAsync(channel, new[] { new PlatformRequest(PlatformTarget.Kong, "DELETE", "/routes/web") });
        await RunAsync(channel, new[] { new PlatformRequest(PlatformTarget.Consul, "PUT", "/v1/agent/service/deregister/web-web.3c4d") });

        var state = await new PlatformStateReader(channel).ReadAsync(NullReporter.Instance, CancellationToken.None);
        var web = state.Service("web")!;
        Assert.Equal(new[] { PlatformTarget.Kong }, web.MissingFrom);
        var instance = Assert.Single(web.Instances);
        Assert.Equal(new[] { PlatformTarget.Consul }, instance.MissingFrom);
        Assert.Equal("10.0.1.12", instance.Address);

        Host.Faults.Add("vulcand", "GET /v2/frontends", httpStatus: 500);
        var partial = await new PlatformStateReader(channel).ReadAsync(NullReporter.Instance, CancellationToken.None);
        Assert.False(partial.IsComplete);
        var error = Assert.Throws<ShowcaseOps.Core.ShowcaseException>(partial.ThrowIfIncomplete);
        Assert.Equal("PlatformReadFailed", error.ErrorId);
    }

    [Fact]
    public async Task Unreachable_targets_answer_status_zero_on_both_channels_and_the_batch_goes_on()
    {
        var port = FreePort();
        var dead = new PlatformEndpoints(new Uri($"http://127.0.0.1:{port}/"), Host.Endpoint("vulcand"), Host.Endpoint("kong"));
        var batch = new[]
        {
            new PlatformRequest(PlatformTarget.Consul, "GET", "/v1/agent/services"),
            new PlatformRequest(PlatformTarget.Vulcand, "GET", "/v2/status"),
        };
        foreach (var channel in new IPlatformChannel[] { new HttpPlatformChannel(dead), new ShellScriptChannel(dead) })
        {
            var responses = await channel.SendAsync(batch, NullReporter.Instance, CancellationToken.None);
            Assert.Equal(0, responses[0].Status);
            Assert.False(string.IsNullOrWhiteSpace(responses[0].Body));
            Assert.Equal(200, responses[1].Status);
            Assert.Equal("PlatformUnreachable", PlatformFailures.ToException(responses[0], channel.Name).ErrorId);
        }
    }

    private static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    // Kong ids and timestamps differ between two runs; everything else must match.
    private static string Normalize(string body)
    {
        try
        {
            var token = JToken.Parse(body);
            foreach (var value in token.SelectTokens("$..*").OfType<JValue>().ToArray())
            {
                if (value.Parent is JProperty { Name: "id" or "created_at" or "updated_at" or "offset" or "next" or "ContentHash" } || (value.Type == JTokenType.String && Guid.TryParse((string)value!, out _)))
                {
                    value.Value = "*";
                }
            }

            if (token is JObject { } obj && obj["data"] is JArray data)
            {
                obj["data"] = new JArray(data.OrderBy(d => d.ToString()));
            }

            return token.ToString(Newtonsoft.Json.Formatting.None);
        }
        catch (Newtonsoft.Json.JsonException)
        {
            return body;
        }
    }

    private string Snapshot()
    {
        var consul = string.Join(";", Host.Consul.Services.Values.OrderBy(s => s.Id).Select(s => $"{s.Id}|{s.Name}|{s.Address}|{s.Port}|{string.Join(",", s.Tags)}|{string.Join(",", s.Meta.Select(m => m.Key + "=" + m.Value))}"));
        var vulcand = string.Join(";", Host.Vulcand.Backends.Select(b => b.Id + ":" + string.Join(",", b.Servers.Select(s => s.Id + "=" + s.Url))))
            + "|" + string.Join(";", Host.Vulcand.Frontends.Select(f => f.Id + "=" + f.Route + "=" + f.BackendId))
            + "|" + string.Join(";", Host.Vulcand.Listeners.Select(l => l.Id + "=" + l.Address))
            + "|" + string.Join(";", Host.Vulcand.Hosts.Select(h => h.Name));
        var kong = string.Join(";", Host.Kong.Services.Concat(Host.Kong.Routes).Select(e =>
        {
            var json = (JObject)e.Json.DeepClone();
            json.Remove("updated_at");
            return json.ToString(Newtonsoft.Json.Formatting.None);
        }));
        return consul + "\n" + vulcand + "\n" + kong;
    }
}
