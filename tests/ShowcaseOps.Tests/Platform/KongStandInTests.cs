using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Newtonsoft.Json.Linq;
using Xunit;

namespace ShowcaseOps.Tests.Platform;

public sealed class KongStandInTests : SandboxTestBase
{
    [Fact]
    public async Task Put_upserts_by_name_with_a_full_replace()
    {
        var created = await CallAsync("kong", "PUT", "/services/web", "{\"url\":\"http://vulcand.example.com:10000/api\",\"retries\":9}");
        Assert.Equal(200, created.Status);
        var first = JObject.Parse(created.Body);
        Assert.True(Guid.TryParse((string?)first["id"], out _));
        Assert.Equal("web", (string?)first["name"]);
        Assert.Equal("vulcand.example.com", (string?)first["host"]);
        Assert.Equal(10000, (int)first["port"]!);
        Assert.Equal("/api", (string?)first["path"]);
        Assert.Equal("http", (string?)first["protocol"]);
        Assert.NotNull(first["created_at"]);
        Assert.NotNull(first["updated_at"]);

        var replaced = JObject.Parse((await CallAsync("kong", "PUT", "/services/web", "{\"host\":\"other\"}")).Body);
        Assert.Equal((string?)first["id"], (string?)replaced["id"]);
        Assert.Equal(5, (int)replaced["retries"]!);
        Assert.Equal(80, (int)replaced["port"]!);
        Assert.Equal(JTokenType.Null, replaced["path"]!.Type);
        Assert.Single(Host.Kong.Services);
        Assert.Equal("PUT /services/{name}", Host.Log.Entries.Last().Operation);
        Assert.Equal("web", Host.Log.Entries.Last().Target);
    }

    [Fact]
    public async Task Post_creates_201_and_a_duplicate_name_is_409()
    {
        Assert.Equal(201, (await CallAsync("kong", "POST", "/services", "{\"name\":\"web\",\"url\":\"http://a:1\"}")).Status);
        var duplicate = await CallAsync("kong", "POST", "/services", "{\"name\":\"web\",\"url\":\"http://b:2\"}");
        Assert.Equal(409, duplicate.Status);
        var error = JObject.Parse(duplicate.Body);
        Assert.Equal(5, (int)error["code"]!);
        Assert.Equal("unique constraint violation", (string?)error["name"]);
        Assert.Equal("UNIQUE violation detected on '{name=\"web\"}'", (string?)error["message"]);
        Assert.Equal("web", (string?)error["fields"]!["name"]);
    }

    [Fact]
    public async Task Delete_is_204_even_when_missing_but_a_service_with_routes_is_refused()
    {
        Assert.Equal(204, (await CallAsync("kong", "DELETE", "/services/nothing")).Status);
        await CallAsync("kong", "PUT", "/services/web", "{\"url\":\"http://a:1\"}");
        var route = await CallAsync("kong", "PUT", "/services/web/routes/web", "{\"hosts\":[\"web.example.com\"]}");
        Assert.Equal(200, route.Status);
        Assert.Equal("PUT /services/{service}/routes/{name}", Host.Log.Entries.Last().Operation);
        var routeJson = JObject.Parse(route.Body);
        Assert.True((bool)routeJson["strip_path"]!);
        Assert.False((bool)routeJson["preserve_host"]!);
        Assert.Equal(new[] { "http", "https" }, routeJson["protocols"]!.ToObject<string[]>());

        var refused = await CallAsync("kong", "DELETE", "/services/web");
        Assert.Equal(400, refused.Status);
        var error = JObject.Parse(refused.Body);
        Assert.Equal("foreign key violation", (string?)error["name"]);
        Assert.Equal("an existing 'routes' entity references this 'services' entity", (string?)error["message"]);
        Assert.Equal("routes", (string?)error["fields"]!["@referenced_by"]);

        Assert.Equal(204, (await CallAsync("kong", "DELETE", "/routes/web")).Status);
        Assert.Equal(204, (await CallAsync("kong", "DELETE", "/services/web")).Status);
        Assert.Empty(Host.Kong.Services);
        Assert.Empty(Host.Kong.Routes);
    }

    [Fact]
    public async Task Lists_page_with_size_offset_and_a_relative_next()
    {
        for (var i = 0; i < 7; i++)
        {
            await CallAsync("kong", "POST", "/services", $"{{\"name\":\"s{i}\",\"url\":\"http://h{i}:80\"}}");
        }

        var seen = new List<string>();
        var path = "/services?size=3";
        var pages = 0;
        while (path is not null)
        {
            var page = JObject.Parse((await CallAsync("kong", "GET", path)).Body);
            pages++;
            seen.AddRange(page["data"]!.Select(s => (string)s["name"]!));
            path = page["next"]!.Type == JTokenType.Null ? null : (string)page["next"]!;
            Assert.True(path is null || path.StartsWith("/services?offset=", StringComparison.Ordinal));
        }

        Assert.Equal(3, pages);
        Assert.Equal(7, seen.Distinct().Count());
        var empty = JObject.Parse((await CallAsync("kong", "GET", "/routes")).Body);
        Assert.Empty((JArray)empty["data"]!);
        Assert.Equal(JTokenType.Null, empty["next"]!.Type);
        Assert.Equal(400, (await CallAsync("kong", "GET", "/services?size=0")).Status);
        Assert.Equal(400, (await CallAsync("kong", "GET", "/services?offset=%21%21")).Status);
    }

    [Fact]
    public async Task The_apis_endpoint_is_gone_and_root_and_status_answer()
    {
        Assert.Equal(404, (await CallAsync("kong", "GET", "/apis")).Status);
        Assert.Equal(404, (await CallAsync("kong", "POST", "/apis", "{\"name\":\"x\",\"upstream_url\":\"http://a\"}")).Status);
        var root = JObject.Parse((await CallAsync("kong", "GET", "/")).Body);
        Assert.StartsWith("3.", (string?)root["version"]);
        Assert.Equal("postgres", (string?)root["configuration"]!["database"]);
        Assert.True((bool)JObject.Parse((await CallAsync("kong", "GET", "/status")).Body)["database"]!["reachable"]!);
    }

    [Fact]
    public async Task Plugins_use_kong_3_field_names()
    {
        await CallAsync("kong", "PUT", "/services/web", "{\"url\":\"http://a:1\"}");
        var old = await CallAsync("kong", "POST", "/services/web/plugins", "{\"name\":\"ip-restriction\",\"config\":{\"whitelist\":[\"10.0.0.0/8\"]}}");
        Assert.Equal(400, old.Status);
        Assert.Equal("unknown field", (string?)JObject.Parse(old.Body)["fields"]!["config"]!["whitelist"]);
        var ok = await CallAsync("kong", "POST", "/services/web/plugins", "{\"name\":\"ip-restriction\",\"config\":{\"allow\":[\"10.0.0.0/8\"],\"status\":403,\"message\":\"no\"}}");
        Assert.Equal(201, ok.Status);
        var keyAuth = JObject.Parse((await CallAsync("kong", "POST", "/plugins", "{\"name\":\"key-auth\",\"config\":{\"hide_credentials\":true}}")).Body);
        Assert.Equal(new[] { "apikey" }, keyAuth["config"]!["key_names"]!.ToObject<string[]>());
        Assert.True((bool)keyAuth["config"]!["hide_credentials"]!);
        Assert.Equal(2, Host.Kong.Plugins.Count);
    }

    [Fact]
    public async Task Consumers_and_key_auth_credentials()
    {
        Assert.Equal(201, (await CallAsync("kong", "POST", "/consumers", "{\"username\":\"alice\"}")).Status);
        Assert.Equal(409, (await CallAsync("kong", "POST", "/consumers", "{\"username\":\"alice\"}")).Status);
        Assert.Equal(404, (await CallAsync("kong", "POST", "/consumers/bob/key-auth", "{\"key\":\"k\"}")).Status);
        var key = JObject.Parse((await CallAsync("kong", "POST", "/consumers/alice/key-auth", "{\"key\":\"secret\"}")).Body);
        Assert.Equal("secret", (string?)key["key"]);
        Assert.Equal("POST /consumers/{consumer}/key-auth", Host.Log.Entries.Last().Operation);
        Assert.Equal(409, (await CallAsync("kong", "POST", "/consumers/alice/key-auth", "{\"key\":\"secret\"}")).Status);
        Assert.Equal(204, (await CallAsync("kong", "DELETE", "/consumers/alice")).Status);
        Assert.Empty(Host.Kong.KeyAuthCredentials);
    }

    [Fact]
    public async Task Schema_violations_have_kongs_shape_and_form_bodies_work()
    {
        var bad = await CallAsync("kong", "POST", "/services", "{\"name\":\"web\"}");
        Assert.Equal(400, bad.Status);
        var error = JObject.Parse(bad.Body);
        Assert.Equal(2, (int)error["code"]!);
        Assert.Equal("schema violation", (string?)error["name"]);
        Assert.Equal("required field missing", (string?)error["fields"]!["host"]);

        var noMatch = await CallAsync("kong", "POST", "/routes", "{\"name\":\"r\"}");
        Assert.Equal(400, noMatch.Status);
        Assert.Contains("must set one of", noMatch.Body);

        var form = await CallAsync("kong", "POST", "/services", "name=form&host=example.com&port=8080", "application/x-www-form-urlencoded");
        Assert.Equal(201, form.Status);
        Assert.Equal(8080, Host.Kong.Services.Single().Get<int>("port"));
    }
}
