using System.Linq;
using System.Threading.Tasks;
using Newtonsoft.Json.Linq;
using ShowcaseOps.Tests.Platform;
using Xunit;

namespace ShowcaseOps.Tests.Sandbox;

/// <summary>One test per difference found between a stand-in and the real API (issue 14); each asserts the real behaviour.</summary>
public sealed class StandInFidelityTests : SandboxTestBase
{
    [Fact]
    public async Task Vulcand_servers_of_a_backend_that_does_not_exist_are_200_with_null()
    {
        var (status, body, _) = await CallAsync("vulcand", "GET", "/v2/backends/nothing/servers");
        Assert.Equal(200, status);
        Assert.Equal(JTokenType.Null, JObject.Parse(body)["Servers"]!.Type);
        Assert.Equal(404, (await CallAsync("vulcand", "GET", "/v2/backends/nothing")).Status);
    }

    [Fact]
    public async Task Vulcand_validation_errors_are_500()
    {
        Assert.Equal(500, (await CallAsync("vulcand", "POST", "/v2/backends", "{\"Backend\":{\"Id\":\"web\",\"Type\":\"tcp\"}}")).Status);
        Assert.Equal(500, (await CallAsync("vulcand", "POST", "/v2/backends", "{\"Backend\":")).Status);
        Assert.Equal(500, (await CallAsync("vulcand", "POST", "/v2/listeners", "{\"Listener\":{\"Id\":\"l\",\"Protocol\":\"ftp\",\"Address\":{\"Network\":\"tcp\",\"Address\":\"0.0.0.0:80\"}}}")).Status);
        await CallAsync("vulcand", "POST", "/v2/backends", "{\"Backend\":{\"Id\":\"web\",\"Type\":\"http\"}}");
        Assert.Equal(500, (await CallAsync("vulcand", "POST", "/v2/backends/web/servers", "{\"Server\":{\"Id\":\"a\",\"URL\":\"not a url\"}}")).Status);
        Assert.Empty(Host.Vulcand.Backends.Single().Servers);
    }

    [Fact]
    public async Task Vulcand_unknown_path_is_json_object_not_found()
    {
        var (status, body, response) = await CallAsync("vulcand", "GET", "/v2/nothing-here/at/all");
        Assert.Equal(404, status);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Object not found", (string?)JObject.Parse(body)["message"]);
    }

    [Fact]
    public async Task Kong_nested_delete_of_a_missing_route_is_404_and_top_level_delete_stays_204()
    {
        Assert.Equal(200, (await CallAsync("kong", "PUT", "/services/web", "{\"url\":\"http://vulcand.example:8080\"}")).Status);
        Assert.Equal(404, (await CallAsync("kong", "DELETE", "/services/web/routes/none")).Status);
        Assert.Equal(204, (await CallAsync("kong", "DELETE", "/routes/none")).Status);
        Assert.Equal(200, (await CallAsync("kong", "PUT", "/services/web/routes/r1", "{\"hosts\":[\"web.example\"]}")).Status);
        Assert.Equal(204, (await CallAsync("kong", "DELETE", "/services/web/routes/r1")).Status);
    }

    [Fact]
    public async Task Kong_name_with_a_space_is_400_whether_in_the_path_or_the_body()
    {
        var (status, body, _) = await CallAsync("kong", "PUT", "/services/my%20web", "{\"url\":\"http://vulcand.example:8080\"}");
        Assert.Equal(400, status);
        Assert.Equal("schema violation", (string?)JObject.Parse(body)["name"]);
        Assert.Equal(400, (await CallAsync("kong", "POST", "/services", "{\"name\":\"my web\",\"url\":\"http://vulcand.example:8080\"}")).Status);
        Assert.Empty(Host.Kong.Services);
    }

    [Fact]
    public async Task Marathon_events_without_accept_event_stream_are_405()
    {
        Assert.Equal(405, (await CallAsync("marathon", "GET", "/v2/events")).Status);
    }

    [Fact]
    public async Task Marathon_normalizes_port_definitions_away_with_bridge_networking_rather_than_refusing()
    {
        // Marathon's app normalization drops portDefinitions when the networks are not host networking (read in its
        // AppNormalization source); platform-apis.md's claim of a 422 does not match the source.
        var app = "{\"id\":\"/pd\",\"cmd\":\"sleep 100\",\"cpus\":0.1,\"mem\":16,\"instances\":0,\"networks\":[{\"mode\":\"container/bridge\"}],"
            + "\"container\":{\"type\":\"DOCKER\",\"docker\":{\"image\":\"nginx\"},\"portMappings\":[{\"containerPort\":80}]},\"portDefinitions\":[{\"port\":0}]}";
        var (status, body, _) = await CallAsync("marathon", "POST", "/v2/apps", app);
        Assert.Equal(201, status);
        var created = JObject.Parse(body);
        Assert.True(created["portDefinitions"] is null or JArray { Count: 0 });
        Assert.Single((JArray)created["container"]!["portMappings"]!);
    }
}
