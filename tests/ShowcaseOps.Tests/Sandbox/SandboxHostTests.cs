using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading.Tasks;
using ShowcaseOps.Sandbox;
using Xunit;

namespace ShowcaseOps.Tests.Sandbox;

public sealed class SandboxHostTests : IDisposable
{
    private readonly SandboxHost _host = SandboxHost.Start();
    private readonly HttpClient _http = new();

    public void Dispose()
    {
        _http.Dispose();
        _host.Dispose();
    }

    [Fact]
    public void Every_service_gets_its_own_loopback_port()
    {
        Assert.Equal(SandboxHost.Services, _host.Endpoints.Keys.OrderBy(k => Array.IndexOf(SandboxHost.Services.ToArray(), k)));
        Assert.All(_host.Endpoints.Values, uri => Assert.Equal("127.0.0.1", uri.Host));
        Assert.Equal(_host.Endpoints.Count, _host.Endpoints.Values.Select(u => u.Port).Distinct().Count());
    }

    [Fact]
    public async Task Requests_are_logged_with_operation_and_status()
    {
        using var response = await _http.GetAsync(new Uri(_host.Endpoint("marathon"), "v2/nothing-here"));
        var entry = Assert.Single(_host.Log.Entries);
        Assert.Equal("marathon", entry.Service);
        Assert.Equal((int)response.StatusCode, entry.Status);
    }

    [Fact]
    public async Task The_nth_call_fails_as_planned_and_only_that_one()
    {
        _host.Faults.Add("consul", "GET /v1/status/leader", nthCall: 2, httpStatus: 503);
        var url = new Uri(_host.Endpoint("consul"), "v1/status/leader");
        using var first = await _http.GetAsync(url);
        using var second = await _http.GetAsync(url);
        using var third = await _http.GetAsync(url);
        Assert.NotEqual(HttpStatusCode.ServiceUnavailable, first.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, second.StatusCode);
        Assert.NotEqual(HttpStatusCode.ServiceUnavailable, third.StatusCode);
        Assert.Equal(0, _host.Faults.Pending);
    }

    [Fact]
    public async Task Aws_faults_use_the_aws_error_shapes()
    {
        _host.Faults.Add("ec2", "DescribeVpcs", errorCode: "RequestLimitExceeded", httpStatus: 0);
        using var content = new StringContent("Action=DescribeVpcs&Version=2016-11-15", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded");
        using var response = await _http.PostAsync(_host.Endpoint("ec2"), content);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("<Code>RequestLimitExceeded</Code>", body, StringComparison.Ordinal);
        Assert.Equal("RequestLimitExceeded", _host.Log.Entries.Single().ErrorCode);
    }

    [Fact]
    public async Task Latency_is_injected_per_operation()
    {
        _host.Latency.Set("kong", "*", TimeSpan.FromMilliseconds(150));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        using var response = await _http.GetAsync(new Uri(_host.Endpoint("kong"), "status"));
        Assert.True(watch.ElapsedMilliseconds >= 140, $"took {watch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task Dispose_frees_the_ports()
    {
        var url = _host.Endpoint("kong");
        _host.Dispose();
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => _http.GetAsync(url));
    }
}
