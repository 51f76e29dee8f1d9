using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Threading.Tasks;
using Newtonsoft.Json.Linq;
using ShowcaseOps.Sandbox;
using Xunit;

namespace ShowcaseOps.Tests.Marathon;

/// <summary>The wire shapes of the Marathon stand-in, as Marathon 1.10 answers them.</summary>
public sealed class MarathonStandInTests : IDisposable
{
    private readonly SandboxHost _host = SandboxHost.Start();
    private readonly HttpClient _http = new();

    public void Dispose()
    {
        _http.Dispose();
        _host.Dispose();
    }

    [Fact]
    public async Task Unknown_app_is_404_with_marathons_message()
    {
        var (status, body) = await SendAsync("GET", "v2/apps/x");
        Assert.Equal(404, status);
        Assert.Equal("App '/x' does not exist", (string?)body["message"]);
        Assert.Equal("GET /v2/apps/{id}", _host.Log.Entries.Single().Operation);
        Assert.Equal("/x", _host.Log.Entries.Single().Target);
    }

    [Fact]
    public async Task Malformed_json_is_400_and_an_invalid_app_is_422_with_details()
    {
        var (status, body) = await SendAsync("POST", "v2/apps", "{\"id\": ");
        Assert.Equal(400, status);
        Assert.Equal("Invalid JSON", (string?)body["message"]);

        (status, body) = await SendAsync("POST", "v2/apps", "{\"id\":\"/Bad_Id\",\"cmd\":\"sleep 1\"}");
        Assert.Equal(422, status);
        Assert.Equal("Object is not valid", (string?)body["message"]);
        var detail = (JObject)((JArray)body["details"]!).Single();
        Assert.Equal("/id", (string?)detail["path"]);
        Assert.StartsWith("must fully match regular expression", (string?)detail["errors"]![0]);
    }

    [Fact]
    public async Task Create_is_201_then_duplicate_is_409_and_a_locked_update_is_409_with_the_deployments()
    {
        _host.Marathon.HoldDeployments = true;
        var (status, body) = await SendAsync("POST", "v2/apps", "{\"id\":\"web\",\"cmd\":\"python3 -m http.server $PORT0\",\"instances\":2}");
        Assert.Equal(201, status);
        Assert.Equal("/web", (string?)body["id"]);
        var deploymentId = (string?)body["deployments"]![0]!["id"];
        Assert.NotNull(deploymentId);
        Assert.True((int)body["portDefinitions"]![0]!["port"]! >= 10000);

        (status, body) = await SendAsync("POST", "v2/apps", "{\"id\":\"/web\",\"cmd\":\"sleep 1\"}");
        Assert.Equal(409, status);
        Assert.Equal("An app with id [/web] already exists.", (string?)body["message"]);

        (status, body) = await SendAsync("PUT", "v2/apps/web", "{\"instances\":3}");
        Assert.Equal(409, status);
        Assert.StartsWith("App is locked by one or more deployments.", (string?)body["message"]);
        Assert.Equal(deploymentId, (string?)body["deployments"]![0]!["id"]);

        (status, body) = await SendAsync("PUT", "v2/apps/web?force=true", "{\"instances\":3}");
        Assert.Equal(200, status);
        Assert.NotNull((string?)body["deploymentId"]);
        Assert.NotNull((string?)body["version"]);
    }

    [Fact]
    public async Task Put_to_an_unknown_id_creates_the_app_but_patch_does_not()
    {
        var (status, _) = await SendAsync("PATCH", "v2/apps/api", "{\"instances\":1}");
        Assert.Equal(404, status);

        (status, var body) = await SendAsync("PUT", "v2/apps/api", "{\"cmd\":\"sleep 100\",\"instances\":1}");
        Assert.Equal(201, status);
        Assert.NotNull((string?)body["deploymentId"]);
        Assert.Equal(1, _host.Marathon.AppCount);
    }

    [Fact]
    public async Task The_legacy_2016_docker_bridge_shape_is_migrated()
    {
        var legacy = "{\"id\":\"/old\",\"cpus\":0.1,\"mem\":64,\"container\":{\"type\":\"DOCKER\",\"docker\":{\"image\":\"nginx:1.27-alpine\",\"network\":\"BRIDGE\",\"portMappings\":[{\"containerPort\":80,\"hostPort\":0,\"servicePort\":10005}]}}}";
        var (status, body) = await SendAsync("POST", "v2/apps", legacy);
        Assert.Equal(201, status);
        Assert.Equal("container/bridge", (string?)body["networks"]![0]!["mode"]);
        Assert.Equal(10005, (int)body["container"]!["portMappings"]![0]!["servicePort"]!);
        Assert.Null(body["container"]!["docker"]!["network"]);
    }

    [Fact]
    public async Task Ping_info_and_task_filters_answer()
    {
        using (var ping = await _http.GetAsync(new Uri(_host.Endpoint("marathon"), "ping")))
        {
            Assert.Equal("pong", (await ping.Content.ReadAsStringAsync()).Trim());
        }

        var (status, info) = await SendAsync("GET", "v2/info");
        Assert.Equal(200, status);
        Assert.Equal("marathon", (string?)info["name"]);
        Assert.StartsWith("1.", (string?)info["version"]);

        _host.Marathon.SeedApps(2, 3);
        (_, var running) = await SendAsync("GET", "v2/tasks?status=running");
        Assert.Equal(6, ((JArray)running["tasks"]!).Count);
        (_, var staging) = await SendAsync("GET", "v2/tasks?status=staging");
        Assert.Empty((JArray)staging["tasks"]!);
        (_, var filtered) = await SendAsync("GET", "v2/apps?id=001&embed=apps.tasks");
        var app = (JObject)((JArray)filtered["apps"]!).Single();
        Assert.Equal(3, ((JArray)app["tasks"]!).Count);
        Assert.Equal(3, (int)app["tasksRunning"]!);
    }

    private async Task<(int Status, JObject Body)> SendAsync(string method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(_host.Endpoint("marathon"), path));
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, JToken.Parse(text) is JObject o ? o : new JObject { ["array"] = JToken.Parse(text) });
    }
}
