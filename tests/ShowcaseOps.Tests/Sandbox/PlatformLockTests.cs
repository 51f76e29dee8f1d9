using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using ShowcaseOps.Core.Execution;
using ShowcaseOps.Core.Platform;
using ShowcaseOps.Core.Services;
using ShowcaseOps.Core.Ssm;
using ShowcaseOps.Sandbox;
using ShowcaseOps.Sandbox.StandIns;
using ShowcaseOps.Tests.Ssm;
using Xunit;

namespace ShowcaseOps.Tests.Sandbox;

/// <summary>
/// Issue 15, "a platform with a lock on it": the sandbox's IMDS and SSM endpoint for host scripts, the cluster secrets,
/// the channels that carry them, and the Consul / Marathon stand-ins that refuse requests without them.
/// </summary>
public sealed class PlatformLockTests : IDisposable
{
    private static readonly RetryPolicy Fast = new(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(5));
    private static readonly string Register = "{\"Name\":\"web\",\"Port\":10000,\"Tags\":[\"showcaseops\"]}";
    private readonly SsmTestSandbox _sandbox = new();
    private readonly HttpClient _http = new();

    public void Dispose()
    {
        _http.Dispose();
        _sandbox.Dispose();
    }

    private SandboxHost Host => _sandbox.Host;

    [Fact]
    public async Task Imds_gives_role_credentials_only_with_a_token_of_the_same_instance()
    {
        var (a, b) = (_sandbox.AddHosts(1, "gateway").Single(), _sandbox.AddHosts(1, "master").Single());
        var role = Url(a.InstanceId, "/latest/meta-data/iam/security-credentials/");

        Assert.Equal(HttpStatusCode.Unauthorized, (await _http.GetAsync(role)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _http.PutAsync(Url(a.InstanceId, "/latest/api/token"), null)).StatusCode);
        var token = await TokenAsync(a.InstanceId);
        var tokenOfB = await TokenAsync(b.InstanceId);

        Assert.Equal(ImdsStandIn.TestRole, await GetAsync(role, token));
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(HttpMethod.Get, role, tokenOfB)).StatusCode);
        Assert.Equal("eu-west-1", await GetAsync(Url(a.InstanceId, "/latest/meta-data/placement/region"), token));
        var credentials = await GetAsync(new Uri(role + ImdsStandIn.TestRole), token);
        Assert.Contains("\"AccessKeyId\": \"" + ImdsStandIn.AccessKeyIdOf(a.InstanceId) + "\"", credentials, StringComparison.Ordinal);
        Assert.Contains("\"Token\"", credentials, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ssm_refuses_an_unsigned_request()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Host.Endpoint("ssm"))
        {
            Content = new StringContent("{\"Name\":\"/showcaseops/demo/gateway-api-key\",\"WithDecryption\":true}", Encoding.UTF8, "application/x-amz-json-1.1"),
        };
        request.Headers.Add("X-Amz-Target", "AmazonSSM.GetParameter");

        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("MissingAuthenticationTokenException", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_gateway_key_install_runs_on_the_gateway_in_the_sandbox_and_kong_gets_the_key()
    {
        var gateway = _sandbox.AddHosts(1, "gateway").Single();
        var key = GatewayPlan.NewKey();
        Host.Ssm.Parameters.Put(GatewayPlan.KeyParameterName("demo"), "SecureString", key, overwrite: true);
        using (var consumer = await _http.PutAsync(new Uri(Host.Endpoint("kong"), "/consumers/" + GatewayPlan.Consumer), new StringContent("{}", Encoding.UTF8, "application/json")))
        {
            Assert.True(consumer.IsSuccessStatusCode);
        }

        var script = new SsmScript(GatewayKeyScript.Create(new Uri("http://10.0.12.10:8001"), "demo"));
        var result = (await _sandbox.Runner.RunAsync(script, new[] { gateway }, SsmTestSandbox.FastOptions(o => o.PlatformOperation = true), NullReporter.Instance, CancellationToken.None)).Single();

        Assert.True("ok 200" == GatewayKeyScript.ParseOutcome(result.StandardOutput), result.StandardOutput + result.StandardError);
        Assert.Equal(key, Assert.Single(Host.Kong.KeyAuthCredentials).Get<string>("key"));
        // The script read the parameter itself, signed with the gateway's role credentials from IMDS.
        var get = Assert.Single(Host.Log.Entries, e => e.Service == "ssm" && e.Operation == "GetParameter");
        Assert.Equal(ImdsStandIn.AccessKeyIdOf(gateway.InstanceId), get.AccessKeyId);
        AssertNoSecretInAnyCommand(key);
    }

    [Fact]
    public async Task Secrets_are_created_once_in_the_contracted_shape_and_never_replaced()
    {
        Host.Faults.AddLostAnswer("ssm", "PutParameter", 2, 1);

        var created = await ClusterSecrets.EnsureAsync(_sandbox.Ssm, "demo", Fast, NullReporter.Instance, CancellationToken.None);
        var values = Secrets("demo");
        var again = await ClusterSecrets.EnsureAsync(_sandbox.Ssm, "demo", Fast, NullReporter.Instance, CancellationToken.None);

        // The second create acted but its answer was lost: the retry finds it exists and keeps it.
        Assert.Equal(4, created.Count);
        Assert.Equal(5, values.Count);
        Assert.Empty(again);
        Assert.Equal(values, Secrets("demo"));
        Assert.All(Host.Ssm.Parameters.All.Where(p => p.Name.StartsWith("/showcaseops/demo/", StringComparison.Ordinal)), p => Assert.Equal("SecureString", p.Type));
        Assert.Equal(32, Convert.FromBase64String(values["consul-gossip-key"]).Length);
        foreach (var leaf in new[] { "consul-management-token", "consul-agent-token", "consul-registrar-token" })
        {
            Assert.Matches("\\A[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\\z", values[leaf]);
        }

        Assert.Matches("\\Ashowcaseops:[A-Za-z0-9]{32}\\z", values["marathon-credentials"]);
        Assert.Equal(5, values.Values.Distinct().Count());
    }

    [Fact]
    public async Task Without_a_token_consul_refuses_a_registration_with_403_and_marathon_answers_401()
    {
        await ClusterSecrets.EnsureAsync(_sandbox.Ssm, "demo", Fast, NullReporter.Instance, CancellationToken.None);
        var consul = new Uri(Host.Endpoint("consul"), "/v1/agent/service/register");

        var anonymous = await SendAsync(HttpMethod.Put, consul, null, Register);
        var unknown = await SendAsync(HttpMethod.Put, consul, null, Register, ("X-Consul-Token", Guid.NewGuid().ToString()));
        var list = await SendAsync(HttpMethod.Get, new Uri(Host.Endpoint("consul"), "/v1/agent/services"), null);
        var marathon = await SendAsync(HttpMethod.Get, new Uri(Host.Endpoint("marathon"), "/v2/apps"), null);
        var wrong = await SendAsync(HttpMethod.Get, new Uri(Host.Endpoint("marathon"), "/v2/apps"), null, null, ("Authorization", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("showcaseops:wrong"))));

        Assert.Equal(HttpStatusCode.Forbidden, anonymous.StatusCode);
        Assert.StartsWith("Permission denied", await anonymous.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, unknown.StatusCode);
        Assert.Equal("ACL not found", await unknown.Content.ReadAsStringAsync());
        Assert.Equal("{}", await list.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, marathon.StatusCode);
        Assert.Equal("Basic realm=\"Mesosphere Marathon\"", marathon.Headers.WwwAuthenticate.Single().ToString());
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Empty(Host.Consul.Services);
    }

    [Fact]
    public async Task Creating_the_secrets_rides_out_throttling_through_the_engine_retry()
    {
        Host.Faults.Add("ssm", "PutParameter", 1, 400, "ThrottlingException", "Rate exceeded", times: 2);

        var created = await ClusterSecrets.EnsureAsync(_sandbox.Ssm, "demo", Fast, NullReporter.Instance, CancellationToken.None);

        Assert.Equal(5, created.Count);
        Assert.Equal(7, Host.Log.Count("ssm", "PutParameter"));
    }

    [Fact]
    public async Task A_stored_secret_outside_its_alphabet_is_never_sent()
    {
        await ClusterSecrets.EnsureAsync(_sandbox.Ssm, "demo", Fast, NullReporter.Instance, CancellationToken.None);
        Host.Ssm.Parameters.Put("/showcaseops/demo/consul-registrar-token", "SecureString", "x\r\nX-Injected: 1", overwrite: true);

        var error = await Assert.ThrowsAsync<ShowcaseOps.Core.ShowcaseException>(() => ClusterSecrets.ReadAsync(_sandbox.Ssm, "demo", NullReporter.Instance, CancellationToken.None));
        var gateway = _sandbox.AddHosts(1, "gateway").Single();
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => new SsmPlatformChannel(_sandbox.Ssm, gateway, PlatformEndpoints.ForCluster("10.0.12.20"), secretsCluster: "demo").SendAsync(Batch(), NullReporter.Instance, CancellationToken.None));

        Assert.Equal("ShowcaseClusterSecretInvalid", error.ErrorId);
        Assert.DoesNotContain("X-Injected", error.Message, StringComparison.Ordinal);
        Assert.True((refused.Message + refused.InnerException?.Message).Contains("Consul token", StringComparison.Ordinal), refused.Message);
        Assert.Empty(Host.Consul.Services);
    }

    [Fact]
    public async Task Consul_takes_the_token_from_the_header_a_bearer_or_the_query_like_consul()
    {
        await ClusterSecrets.EnsureAsync(_sandbox.Ssm, "demo", Fast, NullReporter.Instance, CancellationToken.None);
        var token = Secrets("demo")["consul-agent-token"];
        var register = new Uri(Host.Endpoint("consul"), "/v1/agent/service/register");

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Put, register, null, Register, ("Authorization", "Bearer " + token))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Put, new Uri(register + "?token=" + token), null, Register)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, new Uri(Host.Endpoint("consul"), "/v1/status/leader"), null)).StatusCode);
        var single = await SendAsync(HttpMethod.Get, new Uri(Host.Endpoint("consul"), "/v1/agent/service/web"), null);
        Assert.Equal(HttpStatusCode.Forbidden, single.StatusCode);
        Assert.Contains("lacks permission 'service:read'", await single.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_the_cluster_secrets_or_with_enforcement_off_nothing_needs_a_token()
    {
        var consul = new Uri(Host.Endpoint("consul"), "/v1/agent/service/register");
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Put, consul, null, Register)).StatusCode);

        await ClusterSecrets.EnsureAsync(_sandbox.Ssm, "demo", Fast, NullReporter.Instance, CancellationToken.None);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Put, consul, null, Register)).StatusCode);
        Host.Options.EnforcePlatformCredentials = false;
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Put, consul, null, Register)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, new Uri(Host.Endpoint("marathon"), "/v2/apps"), null)).StatusCode);
    }

    [Fact]
    public async Task Over_http_the_channel_sends_the_cluster_token_and_credentials_read_with_the_sdk()
    {
        await ClusterSecrets.EnsureAsync(_sandbox.Ssm, "demo", Fast, NullReporter.Instance, CancellationToken.None);
        var credentials = await ClusterSecrets.ReadAsync(_sandbox.Ssm, "demo", NullReporter.Instance, CancellationToken.None);
        using var bare = new HttpPlatformChannel(PlatformEndpoints.FromServiceMap(Host.Endpoints));
        using var channel = new HttpPlatformChannel(PlatformEndpoints.FromServiceMap(Host.Endpoints)) { Credentials = credentials };

        var refused = await bare.SendAsync(Batch(), NullReporter.Instance, CancellationToken.None);
        var accepted = await channel.SendAsync(Batch(), NullReporter.Instance, CancellationToken.None);

        Assert.Equal(new[] { 403, 401 }, refused.Select(r => r.Status));
        Assert.Equal(new[] { 200, 200 }, accepted.Select(r => r.Status));
        Assert.Equal(Secrets("demo")["consul-registrar-token"], credentials.ConsulToken);
        Assert.DoesNotContain(credentials.ConsulToken!, credentials.ToString(), StringComparison.Ordinal);
        Assert.True(Host.Consul.Services.ContainsKey("web"));
    }

    [Fact]
    public async Task Over_ssm_the_gateway_reads_the_secrets_itself_and_no_secret_is_in_the_command()
    {
        await ClusterSecrets.EnsureAsync(_sandbox.Ssm, "demo", Fast, NullReporter.Instance, CancellationToken.None);
        var gateway = _sandbox.AddHosts(1, "gateway").Single();
        var endpoints = PlatformEndpoints.ForCluster("10.0.12.20");
        var bare = new SsmPlatformChannel(_sandbox.Ssm, gateway, endpoints);
        var channel = new SsmPlatformChannel(_sandbox.Ssm, gateway, endpoints, secretsCluster: "demo");

        var refused = await bare.SendAsync(Batch(), NullReporter.Instance, CancellationToken.None);
        var accepted = await channel.SendAsync(Batch(), NullReporter.Instance, CancellationToken.None);

        Assert.Equal(new[] { 403, 401 }, refused.Select(r => r.Status));
        Assert.Equal(new[] { 200, 200 }, accepted.Select(r => r.Status));
        Assert.True(Host.Consul.Services.ContainsKey("web"));
        Assert.Equal(2, Host.Log.Entries.Count(e => e.Service == "ssm" && e.Operation == "GetParameter" && e.AccessKeyId == ImdsStandIn.AccessKeyIdOf(gateway.InstanceId)));
        AssertNoSecretInAnyCommand(Secrets("demo").Values.ToArray());
    }

    [Fact]
    public async Task Over_ssm_a_cluster_without_secrets_still_registers_and_a_host_without_a_role_fails_clearly()
    {
        var gateway = _sandbox.AddHosts(1, "gateway").Single();
        var channel = new SsmPlatformChannel(_sandbox.Ssm, gateway, PlatformEndpoints.ForCluster("10.0.12.20"), secretsCluster: "old");

        var responses = await channel.SendAsync(Batch(), NullReporter.Instance, CancellationToken.None);

        Assert.Equal(new[] { 200, 200 }, responses.Select(r => r.Status));
        Assert.Equal(2, Host.Log.Entries.Count(e => e.Service == "ssm" && e.Operation == "GetParameter" && e.ErrorCode == "ParameterNotFound"));
    }

    [Fact]
    public async Task Teardown_deletes_every_parameter_of_the_cluster_over_pages_and_only_those()
    {
        await ClusterSecrets.EnsureAsync(_sandbox.Ssm, "demo", Fast, NullReporter.Instance, CancellationToken.None);
        await ClusterSecrets.EnsureAsync(_sandbox.Ssm, "other", Fast, NullReporter.Instance, CancellationToken.None);
        for (var i = 0; i < 12; i++)
        {
            Host.Ssm.Parameters.Put($"/showcaseops/demo/extra/p{i}", "String", "v", overwrite: true);
        }

        Host.Ssm.Parameters.Put(GatewayPlan.KeyParameterName("demo"), "SecureString", GatewayPlan.NewKey(), overwrite: true);
        Host.Ssm.Parameters.Put("/showcaseops/demo-2/gateway-api-key", "SecureString", GatewayPlan.NewKey(), overwrite: true);

        var deleted = await ClusterSecrets.DeleteAllAsync(_sandbox.Ssm, "demo", NullReporter.Instance, CancellationToken.None);

        Assert.Equal(18, deleted.Count);
        Assert.DoesNotContain(Host.Ssm.Parameters.All, p => p.Name.StartsWith("/showcaseops/demo/", StringComparison.Ordinal));
        Assert.Equal(5, Host.Ssm.Parameters.All.Count(p => p.Name.StartsWith("/showcaseops/other/", StringComparison.Ordinal)));
        Assert.NotNull(Host.Ssm.Parameters.Get("/showcaseops/demo-2/gateway-api-key"));
        Assert.True(Host.Log.Count("ssm", "GetParametersByPath") > 4, "the listing must have been paged");
        Assert.Empty(await ClusterSecrets.DeleteAllAsync(_sandbox.Ssm, "demo", NullReporter.Instance, CancellationToken.None));
    }

    [Fact]
    public async Task The_batch_with_credentials_is_shellcheck_clean_and_names_only_the_parameters()
    {
        var script = PlatformBatchScript.Create(PlatformEndpoints.ForCluster("10.0.12.20"), Batch(), new PlatformBatchScriptOptions { SecretsCluster = "demo" });
        Assert.Contains("/showcaseops/demo/consul-registrar-token", script.Text, StringComparison.Ordinal);
        Assert.Contains("/showcaseops/demo/marathon-credentials", script.Text, StringComparison.Ordinal);
        var plain = PlatformBatchScript.Create(PlatformEndpoints.ForCluster("10.0.12.20"), new[] { new PlatformRequest(PlatformTarget.Kong, "GET", "/status") }, new PlatformBatchScriptOptions { SecretsCluster = "demo" });
        Assert.DoesNotContain("169.254.169.254", plain.Text, StringComparison.Ordinal);
        if (!System.IO.File.Exists("/usr/bin/shellcheck"))
        {
            return;
        }

        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "showcase-lock-" + Guid.NewGuid().ToString("N") + ".sh");
        await System.IO.File.WriteAllTextAsync(path, script.Text);
        try
        {
            using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("shellcheck", $"--shell=sh --severity=style {path}") { RedirectStandardOutput = true, UseShellExecute = false })!;
            var output = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, output);
        }
        finally
        {
            System.IO.File.Delete(path);
        }
    }

    private static List<PlatformRequest> Batch() => new()
    {
        new PlatformRequest(PlatformTarget.Consul, "PUT", "/v1/agent/service/register", Register),
        new PlatformRequest(PlatformTarget.Marathon, "GET", "/v2/apps"),
    };

    private Dictionary<string, string> Secrets(string cluster) =>
        Host.Ssm.Parameters.All.Where(p => p.Name.StartsWith("/showcaseops/" + cluster + "/", StringComparison.Ordinal))
            .ToDictionary(p => p.Name.Substring(p.Name.LastIndexOf('/') + 1), p => p.Value, StringComparer.Ordinal);

    private void AssertNoSecretInAnyCommand(params string[] secrets)
    {
        Assert.NotEmpty(Host.Ssm.Commands);
        foreach (var command in Host.Ssm.Commands)
        {
            var texts = new[] { command.Script, command.DecodedScript ?? string.Empty, command.Comment }
                .Concat(command.Parameters.SelectMany(p => p.Value))
                .Concat(command.Invocations.SelectMany(i => new[] { i.StandardOutput, i.StandardError }));
            foreach (var text in texts)
            {
                foreach (var secret in secrets)
                {
                    Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
                }
            }
        }
    }

    private Uri Url(string instanceId, string path) => new(Host.ImdsEndpoint, "/" + instanceId + path);

    private async Task<string> TokenAsync(string instanceId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, Url(instanceId, "/latest/api/token"));
        request.Headers.Add(ImdsStandIn.TtlHeader, "300");
        using var response = await _http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private async Task<string> GetAsync(Uri uri, string token)
    {
        using var response = await SendAsync(HttpMethod.Get, uri, token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, Uri uri, string? imdsToken, string? body = null, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(method, uri);
        if (imdsToken is not null)
        {
            request.Headers.Add(ImdsStandIn.TokenHeader, imdsToken);
        }

        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        return await _http.SendAsync(request);
    }
}
