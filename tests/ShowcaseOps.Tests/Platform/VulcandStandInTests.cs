using System.Linq;
using System.Threading.Tasks;
using Newtonsoft.Json.Linq;
using Xunit;

namespace ShowcaseOps.Tests.Platform;

public sealed class VulcandStandInTests : SandboxTestBase
{
    [Fact]
    public async Task Empty_hosts_listeners_and_servers_come_back_as_null()
    {
        Assert.Equal(JTokenType.Null, JObject.Parse((await CallAsync("vulcand", "GET", "/v2/hosts")).Body)["Hosts"]!.Type);
        Assert.Equal(JTokenType.Null, JObject.Parse((await CallAsync("vulcand", "GET", "/v2/listeners")).Body)["Listeners"]!.Type);
        Assert.Equal(JTokenType.Array, JObject.Parse((await CallAsync("vulcand", "GET", "/v2/backends")).Body)["Backends"]!.Type);
        await CallAsync("vulcand", "POST", "/v2/backends", "{\"Backend\":{\"Id\":\"web\",\"Type\":\"http\"}}");
        Assert.Equal(JTokenType.Null, JObject.Parse((await CallAsync("vulcand", "GET", "/v2/backends/web/servers")).Body)["Servers"]!.Type);
        Assert.Equal("{\"Status\":\"ok\"}", (await CallAsync("vulcand", "GET", "/v2/status")).Body);
    }

    [Fact]
    public async Task Upserts_need_their_envelope_and_an_http_type()
    {
        Assert.Equal(500, (await CallAsync("vulcand", "POST", "/v2/backends", "{\"Id\":\"web\",\"Type\":\"http\"}")).Status);
        Assert.Equal(500, (await CallAsync("vulcand", "POST", "/v2/backends", "{\"Backend\":{\"Id\":\"web\",\"Type\":\"tcp\"}}")).Status);
        Assert.Empty(Host.Vulcand.Backends);
        Assert.Equal(200, (await CallAsync("vulcand", "POST", "/v2/backends", "{\"Backend\":{\"Id\":\"web\",\"Type\":\"http\"}}")).Status);
        Assert.Equal(200, (await CallAsync("vulcand", "POST", "/v2/backends", "{\"Backend\":{\"Id\":\"web\",\"Type\":\"http\"}}")).Status);
        Assert.Single(Host.Vulcand.Backends);
    }

    [Fact]
    public async Task Servers_and_frontends_need_their_backend()
    {
        Assert.Equal(404, (await CallAsync("vulcand", "POST", "/v2/backends/web/servers", "{\"Server\":{\"Id\":\"a\",\"URL\":\"http://10.0.0.1:80\"}}")).Status);
        Assert.Equal(404, (await CallAsync("vulcand", "POST", "/v2/frontends", "{\"Frontend\":{\"Id\":\"web\",\"Route\":\"Path(\\\"/\\\")\",\"Type\":\"http\",\"BackendId\":\"web\"}}")).Status);
        await CallAsync("vulcand", "POST", "/v2/backends", "{\"Backend\":{\"Id\":\"web\",\"Type\":\"http\"}}");
        var server = await CallAsync("vulcand", "POST", "/v2/backends/web/servers", "{\"Server\":{\"Id\":\"a\",\"URL\":\"http://10.0.0.1:80\"},\"TTL\":\"5s\"}");
        Assert.Equal(200, server.Status);
        Assert.Equal("POST /v2/backends/{backend}/servers", Host.Log.Entries.Last().Operation);
        Assert.Equal("http://10.0.0.1:80", Host.Vulcand.Backends.Single().Servers.Single().Url);
        Assert.Equal(500, (await CallAsync("vulcand", "POST", "/v2/frontends", "{\"Frontend\":{\"Id\":\"web\",\"Route\":\"Host(web\",\"Type\":\"http\",\"BackendId\":\"web\"}}")).Status);
    }

    [Fact]
    public async Task A_backend_in_use_cannot_be_deleted_and_missing_items_are_404()
    {
        await CallAsync("vulcand", "POST", "/v2/backends", "{\"Backend\":{\"Id\":\"web\",\"Type\":\"http\"}}");
        await CallAsync("vulcand", "POST", "/v2/frontends", "{\"Frontend\":{\"Id\":\"web\",\"Route\":\"Host(\\\"web.example.com\\\") && PathRegexp(\\\"/.*\\\")\",\"Type\":\"http\",\"BackendId\":\"web\"}}");
        var refused = await CallAsync("vulcand", "DELETE", "/v2/backends/web");
        Assert.Equal(500, refused.Status);
        Assert.Contains("can not delete backend", refused.Body);
        Assert.Contains("in use", refused.Body);
        Assert.Equal(200, (await CallAsync("vulcand", "DELETE", "/v2/frontends/web")).Status);
        Assert.Equal(200, (await CallAsync("vulcand", "DELETE", "/v2/backends/web")).Status);
        Assert.Equal(404, (await CallAsync("vulcand", "DELETE", "/v2/backends/web")).Status);
        Assert.Equal(404, (await CallAsync("vulcand", "DELETE", "/v2/hosts/web.example.com")).Status);
        Assert.Equal(404, (await CallAsync("vulcand", "GET", "/v2/listeners/web")).Status);
        Assert.Equal("DELETE /v2/hosts/{host}", Host.Log.Entries[^2].Operation);
    }

    [Fact]
    public async Task Listeners_and_hosts_round_trip()
    {
        Assert.Equal(200, (await CallAsync("vulcand", "POST", "/v2/listeners", "{\"Listener\":{\"Id\":\"web\",\"Protocol\":\"http\",\"Address\":{\"Network\":\"tcp\",\"Address\":\"0.0.0.0:10000\"}}}")).Status);
        Assert.Equal(500, (await CallAsync("vulcand", "POST", "/v2/listeners", "{\"Listener\":{\"Id\":\"x\",\"Protocol\":\"gopher\",\"Address\":{\"Network\":\"tcp\",\"Address\":\"0.0.0.0:1\"}}}")).Status);
        Assert.Equal(200, (await CallAsync("vulcand", "POST", "/v2/hosts", "{\"Host\":{\"Name\":\"web.example.com\",\"Settings\":{}}}")).Status);
        var listeners = JObject.Parse((await CallAsync("vulcand", "GET", "/v2/listeners")).Body)["Listeners"]!;
        Assert.Equal("0.0.0.0:10000", (string?)listeners[0]!["Address"]!["Address"]);
        Assert.Equal("web.example.com", Host.Vulcand.Hosts.Single().Name);
    }
}
