using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net.Http;
using System.Net.Security;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json.Linq;
using ShowcaseOps.Core.Execution;
using ShowcaseOps.Core.Platform;
using ShowcaseOps.Core.Services;
using ShowcaseOps.Sandbox;
using ShowcaseOps.Sandbox.StandIns;
using ShowcaseOps.Tests.Platform;
using Xunit;
using Xunit.Abstractions;

namespace ShowcaseOps.Tests.Sandbox;

/// <summary>
/// The sandbox's data plane over real loopback HTTP: Kong's proxy listeners (http and https) route by Host to the Vulcand
/// stand-in, which routes by its frontends to a registered server, which the task network answers for the Marathon task
/// listening there.
/// </summary>
public sealed class DataPlaneTests : SandboxTestBase
{
    private const string Master = "10.0.12.5";
    private readonly ITestOutputHelper _output;

    public DataPlaneTests(ITestOutputHelper output)
    {
        _output = output;
        Host.Ec2.AddInstance(new SandboxInstanceInfo("i-0master", Master, "running", DateTime.UtcNow, DateTime.UtcNow, new Dictionary<string, string> { ["showcase:role"] = "master" }));
    }

    [Fact]
    public async Task Requests_through_the_https_gateway_alternate_between_the_marathon_tasks()
    {
        var tasks = await DeployAsync("web", 2);
        await RegisterAsync("web", 10000, tasks);
        using var client = GatewayClient(trustAnything: true);

        var answers = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await client.SendAsync(Request(Host.GatewayHttpsEndpoint, "web.service.consul", "/hello?x=1"));
            Assert.Equal(200, (int)response.StatusCode);
            answers.Add(response.Headers.GetValues("X-Showcase-Instance").Single());
            var body = JObject.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal(answers[^1], (string?)body["instance"]);
            Assert.Equal("/hello", (string?)body["path"]);
        }

        Assert.Equal(tasks.Select(t => t.Id).OrderBy(x => x, StringComparer.Ordinal), answers.Distinct().OrderBy(x => x, StringComparer.Ordinal));
        Assert.NotEqual(answers[0], answers[1]);
        Assert.Equal(answers[0], answers[2]);
    }

    [Fact]
    public async Task Plain_http_is_redirected_308_to_https_and_426_when_the_route_keeps_kongs_default()
    {
        await RegisterAsync("web", 10000, Array.Empty<(string, string, int)>());
        using var client = GatewayClient(trustAnything: true);
        using var redirect = await client.SendAsync(Request(Host.GatewayHttpEndpoint, "web.service.consul", "/a/b?c=d"));
        Assert.Equal(308, (int)redirect.StatusCode);
        Assert.Equal("https://web.service.consul/a/b?c=d", redirect.Headers.Location?.ToString());

        var route = await CallAsync("kong", "PATCH", "/routes/web", "{\"https_redirect_status_code\":426}");
        Assert.Equal(200, route.Status);
        using var upgrade = await client.SendAsync(Request(Host.GatewayHttpEndpoint, "web.service.consul", "/"));
        Assert.Equal(426, (int)upgrade.StatusCode);
        Assert.Contains("Please use HTTPS protocol", await upgrade.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_route_is_404_no_server_503_and_a_server_nobody_listens_on_502()
    {
        await RegisterAsync("web", 10000, Array.Empty<(string, string, int)>());
        using var client = GatewayClient(trustAnything: true);
        using (var none = await client.SendAsync(Request(Host.GatewayHttpsEndpoint, "nothing.service.consul", "/")))
        {
            Assert.Equal(404, (int)none.StatusCode);
            Assert.Contains("no Route matched", await none.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var empty = await client.SendAsync(Request(Host.GatewayHttpsEndpoint, "web.service.consul", "/")))
        {
            Assert.Equal(503, (int)empty.StatusCode);
        }

        await new HttpPlatformChannel(Endpoints).SendAsync(ServiceRegistrationPlan.RegisterInstance(new PlatformInstanceSpec("web", "ghost", "10.0.12.101", 59999)), NullReporter.Instance, CancellationToken.None);
        using var refused = await client.SendAsync(Request(Host.GatewayHttpsEndpoint, "web.service.consul", "/"));
        Assert.Equal(502, (int)refused.StatusCode);
        Assert.False(refused.Headers.Contains("X-Showcase-Instance"));
    }

    [Fact]
    public async Task The_https_listener_serves_the_certificate_kong_holds_for_the_sni_else_kongs_default()
    {
        var certificate = GatewayCertificate.Generate("service.consul", DateTimeOffset.UtcNow);
        var put = await new HttpPlatformChannel(Endpoints).SendAsync(new[] { certificate.KongRequest("demo") }, NullReporter.Instance, CancellationToken.None);
        Assert.Equal(200, put[0].Status);
        Assert.Equal(new[] { "*.service.consul", "service.consul" }, Host.Kong.Certificates.Single()["snis"]!.ToObject<string[]>());

        Assert.Equal(certificate.Thumbprint, Thumbprint(Host.Kong.ServerCertificate("web.service.consul")));
        Assert.NotEqual(certificate.Thumbprint, Thumbprint(Host.Kong.ServerCertificate("web.example.org")));
        Assert.Contains("CN=localhost", Host.Kong.ServerCertificate(null).Subject, StringComparison.Ordinal);

        await RegisterAsync("web", 10000, Array.Empty<(string, string, int)>());
        string? seen = null;
        using var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) => { var s = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp); await s.ConnectAsync("127.0.0.1", Host.GatewayHttpsEndpoint.Port, ct); return new System.Net.Sockets.NetworkStream(s, true); },
#pragma warning disable CA5359 // accepts any certificate on purpose: the test reads which one the gateway served
            SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, c, _, _) => { seen = Thumbprint(new System.Security.Cryptography.X509Certificates.X509Certificate2(c!)); return true; } },
#pragma warning restore CA5359
        };
        using var client = new HttpClient(handler);
        using var response = await client.GetAsync("https://web.service.consul/");
        Assert.Equal(503, (int)response.StatusCode);
        Assert.Equal(certificate.Thumbprint, seen);
    }

    [Fact]
    public async Task Two_hundred_requests_over_five_hundred_tasks_are_fast()
    {
        Host.Marathon.TaskStartTime = TimeSpan.Zero;
        Host.Marathon.DeploymentDuration = TimeSpan.FromMilliseconds(10);
        var tasks = await DeployAsync("web", 500);
        var watch = Stopwatch.StartNew();
        await RegisterAsync("web", 10000, tasks);
        _output.WriteLine($"registering 500 servers: {watch.ElapsedMilliseconds} ms");
        using var client = GatewayClient(trustAnything: true);
        using (var warm = await client.SendAsync(Request(Host.GatewayHttpsEndpoint, "web.service.consul", "/")))
        {
            Assert.Equal(200, (int)warm.StatusCode);
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        watch.Restart();
        for (var i = 0; i < 200; i++)
        {
            using var response = await client.SendAsync(Request(Host.GatewayHttpsEndpoint, "web.service.consul", "/"));
            Assert.Equal(200, (int)response.StatusCode);
            seen.Add(response.Headers.GetValues("X-Showcase-Instance").Single());
        }

        watch.Stop();
        _output.WriteLine($"200 requests over 500 tasks: {watch.ElapsedMilliseconds} ms ({watch.Elapsed.TotalMilliseconds / 200:F2} ms each)");
        Assert.Equal(200, seen.Count);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"200 requests took {watch.Elapsed}");
    }

    private static HttpClient GatewayClient(bool trustAnything) => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseProxy = false,
        SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, _, _, errors) => trustAnything || errors == SslPolicyErrors.None },
    });

    private static HttpRequestMessage Request(Uri gateway, string host, string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(gateway, path));
        request.Headers.Host = host;
        return request;
    }

    private async Task<IReadOnlyList<(string Id, string Host, int Port)>> DeployAsync(string app, int instances)
    {
        var created = await CallAsync("marathon", "POST", "/v2/apps", $"{{\"id\":\"/{app}\",\"cmd\":\"serve\",\"instances\":{instances},\"cpus\":0.01,\"mem\":8,\"portDefinitions\":[{{\"port\":0}}]}}");
        Assert.True(created.Status == 201, created.Body);
        for (var i = 0; i < 200; i++)
        {
            var listed = JObject.Parse((await CallAsync("marathon", "GET", $"/v2/apps/{app}/tasks")).Body);
            var running = listed["tasks"]!.Where(t => (string?)t["state"] == "TASK_RUNNING").Select(t => ((string)t["id"]!, (string)t["host"]!, (int)t["ports"]![0]!)).ToList();
            if (running.Count == instances)
            {
                return running;
            }

            await Task.Delay(25);
        }

        throw new TimeoutException("The tasks did not start.");
    }

    private async Task RegisterAsync(string service, int port, IReadOnlyList<(string Id, string Host, int Port)> tasks)
    {
        var channel = new HttpPlatformChannel(Endpoints);
        var requests = ServiceRegistrationPlan.RegisterService(new PlatformServiceSpec(service, "service.consul", port)).ToList();
        requests.AddRange(tasks.SelectMany(t => ServiceRegistrationPlan.RegisterInstance(new PlatformInstanceSpec(service, t.Id.Replace(':', '-'), t.Host, t.Port))));
        var responses = await channel.SendAsync(requests, NullReporter.Instance, CancellationToken.None);
        Assert.All(responses, r => Assert.True(r.Succeeded, r.Request.Description + ": " + r.Status + " " + r.Body));
    }

    private static string Thumbprint(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(certificate.RawData)).ToLowerInvariant();
}
