using System.Linq;
using System.Threading.Tasks;
using Newtonsoft.Json.Linq;
using Xunit;

namespace ShowcaseOps.Tests.Platform;

public sealed class ConsulStandInTests : SandboxTestBase
{
    [Fact]
    public async Task Register_needs_PUT_on_the_exact_path()
    {
        var body = "{\"Name\":\"web\"}";
        Assert.Equal(405, (await CallAsync("consul", "POST", "/v1/agent/service/register", body)).Status);
        Assert.Equal(405, (await CallAsync("consul", "PUT", "/v1/agent/service/register/", body)).Status);
        Assert.Empty(Host.Consul.Services);
        Assert.Equal(200, (await CallAsync("consul", "PUT", "/v1/agent/service/register", body)).Status);
        Assert.Equal("PUT /v1/agent/service/register", Host.Log.Entries.Last().Operation);
    }

    [Fact]
    public async Task Name_is_required_and_ID_defaults_to_Name()
    {
        var missing = await CallAsync("consul", "PUT", "/v1/agent/service/register", "{\"ID\":\"x\"}");
        Assert.Equal(400, missing.Status);
        Assert.Contains("Missing service name", missing.Body);

        await CallAsync("consul", "PUT", "/v1/agent/service/register", "{\"Name\":\"web\",\"Port\":80}");
        var entry = Assert.Single(Host.Consul.Services.Values);
        Assert.Equal("web", entry.Id);
    }

    [Fact]
    public async Task Re_registering_replaces_the_entry()
    {
        await CallAsync("consul", "PUT", "/v1/agent/service/register", "{\"ID\":\"web-1\",\"Name\":\"web\",\"Port\":80,\"Tags\":[\"a\"]}");
        await CallAsync("consul", "PUT", "/v1/agent/service/register", "{\"ID\":\"web-1\",\"Name\":\"web\",\"Port\":81}");
        var entry = Assert.Single(Host.Consul.Services.Values);
        Assert.Equal(81, entry.Port);
        Assert.Empty(entry.Tags);
    }

    [Fact]
    public async Task Deregistering_an_unknown_id_is_404_and_names_the_operation()
    {
        var result = await CallAsync("consul", "PUT", "/v1/agent/service/deregister/nothing");
        Assert.Equal(404, result.Status);
        Assert.Contains("Unknown service ID", result.Body);
        var entry = Host.Log.Entries.Last();
        Assert.Equal("PUT /v1/agent/service/deregister/{id}", entry.Operation);
        Assert.Equal("nothing", entry.Target);
    }

    [Fact]
    public async Task Agent_and_catalog_reads()
    {
        await CallAsync("consul", "PUT", "/v1/agent/service/register", "{\"ID\":\"web-1\",\"Name\":\"web\",\"Address\":\"10.0.0.5\",\"Port\":31000,\"Tags\":[\"showcaseops\"],\"Meta\":{\"managed-by\":\"showcaseops\"}}");
        var agent = JObject.Parse((await CallAsync("consul", "GET", "/v1/agent/services")).Body);
        Assert.Equal("web", (string?)agent["web-1"]!["Service"]);
        Assert.Equal("showcaseops", (string?)agent["web-1"]!["Meta"]!["managed-by"]);
        Assert.Equal(200, (await CallAsync("consul", "GET", "/v1/agent/service/web-1")).Status);
        Assert.Equal(404, (await CallAsync("consul", "GET", "/v1/agent/service/web-2")).Status);

        var catalog = JObject.Parse((await CallAsync("consul", "GET", "/v1/catalog/services")).Body);
        Assert.Equal(new[] { "showcaseops" }, catalog["web"]!.ToObject<string[]>());
        Assert.NotNull(catalog["consul"]);

        var nodes = await CallAsync("consul", "GET", "/v1/catalog/service/web?index=1&wait=5s");
        var node = Assert.Single(JArray.Parse(nodes.Body));
        Assert.Equal("web-1", (string?)node["ServiceID"]);
        Assert.Equal(31000, (int)node["ServicePort"]!);
        Assert.True(nodes.Response.Headers.Contains("X-Consul-Index"));

        var unknown = await CallAsync("consul", "GET", "/v1/catalog/service/nope");
        Assert.Equal(200, unknown.Status);
        Assert.Equal("[]", unknown.Body);
        Assert.Equal(200, (await CallAsync("consul", "GET", "/v1/status/leader")).Status);
    }

    [Fact]
    public async Task Invalid_meta_keys_are_refused()
    {
        var result = await CallAsync("consul", "PUT", "/v1/agent/service/register", "{\"Name\":\"web\",\"Meta\":{\"bad key\":\"x\"}}");
        Assert.Equal(400, result.Status);
        Host.Reset();
        Assert.Empty(Host.Consul.Services);
    }
}
