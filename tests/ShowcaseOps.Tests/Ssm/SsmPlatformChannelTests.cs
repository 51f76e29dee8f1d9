using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ShowcaseOps.Core.Execution;
using ShowcaseOps.Core.Platform;
using ShowcaseOps.Core.Ssm;
using Xunit;

namespace ShowcaseOps.Tests.Ssm;

public sealed class SsmPlatformChannelTests : IDisposable
{
    private readonly SsmTestSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task One_batch_reaches_every_platform_stand_in_with_one_command()
    {
        var channel = _sandbox.AddGatewayChannel();
        var batch = new[]
        {
            new PlatformRequest(PlatformTarget.Consul, "PUT", "/v1/agent/service/register", "{\"Name\":\"web\",\"Port\":1}"),
            new PlatformRequest(PlatformTarget.Vulcand, "GET", "/v2/status"),
            new PlatformRequest(PlatformTarget.Kong, "GET", "/status"),
            new PlatformRequest(PlatformTarget.Marathon, "GET", "/ping"),
            new PlatformRequest(PlatformTarget.Consul, "GET", "/v1/agent/services"),
        };

        var responses = await channel.SendAsync(batch, NullReporter.Instance, CancellationToken.None);

        Assert.All(responses, r => Assert.Equal(200, r.Status));
        Assert.Equal(1, channel.CommandsSent);
        Assert.Equal(1, _sandbox.Host.Log.Count("ssm", "SendCommand"));
        Assert.Equal(new[] { "consul", "vulcand", "kong", "marathon", "consul" }, _sandbox.Host.Log.Entries.Where(e => e.Service != "ssm").Select(e => e.Service));
        Assert.Contains("web", responses[4].Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_platform_script_cannot_reach_anything_but_the_loopback_stand_ins()
    {
        // Every URL that is not a platform port is sent to a closed loopback port by the sandbox's curl: the requests
        // below fail locally (status 0) instead of leaving this machine.
        var gateway = _sandbox.AddHosts(1, "gateway").Single();
        var script = new SsmScript(
            "curl -sS -o /dev/null -w '%{http_code} %{remote_ip}\\n' http://10.0.12.4:9999/x || true\n"
            + "curl -sS -o /dev/null -w '%{http_code} %{remote_ip}\\n' https://example.invalid/ || true\n"
            + "curl -sS -o /dev/null -w '%{http_code} %{remote_ip}\\n' http://10.0.12.4:8182/v2/status --next -o /dev/null -w '%{http_code} %{remote_ip}\\n' http://10.0.5.5:8001/status\n");
        var options = SsmTestSandbox.FastOptions(o => o.PlatformOperation = true);

        var result = (await _sandbox.Runner.RunAsync(script, new[] { gateway }, options, NullReporter.Instance, CancellationToken.None)).Single();

        var lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()).ToArray();
        Assert.Equal(new[] { "000", "000", "200 127.0.0.1", "200 127.0.0.1" }, lines);
        Assert.Equal(2, result.StandardError.Split("127.0.0.1 port 9").Length - 1);
        Assert.Equal(new[] { "vulcand", "kong" }, _sandbox.Host.Log.Entries.Where(e => e.Service != "ssm").Select(e => e.Service));
    }
}
