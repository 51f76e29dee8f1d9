using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using ShowcaseOps.Core;
using ShowcaseOps.Core.Execution;
using ShowcaseOps.Core.Platform;
using ShowcaseOps.Core.Services;
using ShowcaseOps.Tests.Platform;
using Xunit;

namespace ShowcaseOps.Tests.Services;

public sealed class RegistrationInputTests
{
    [Theory]
    [InlineData("web", true)]
    [InlineData("shop-web2", true)]
    [InlineData("Web", false)]
    [InlineData("-web", false)]
    [InlineData("web-", false)]
    [InlineData("web.api", false)]
    [InlineData("web_1", false)]
    [InlineData("", false)]
    public void Service_names_are_lower_case_dns_labels(string name, bool valid) => Assert.Equal(valid, RegistrationInput.IsServiceName(name));

    [Theory]
    [InlineData("10.0.12.223", true)]
    [InlineData("ip-10-0-12-223.ec2.internal", true)]
    [InlineData("localhost", true)]
    [InlineData("10.0.12.256", false)]
    [InlineData("10.0.012.1", false)]
    [InlineData("10.0.12", false)]
    [InlineData("10.0.0.1;reboot", false)]
    [InlineData("a..b", false)]
    [InlineData("host name", false)]
    public void Addresses_are_ipv4_or_host_names(string address, bool valid) => Assert.Equal(valid, RegistrationInput.IsHostAddress(address));

    [Theory]
    [InlineData("203.0.113.0/24", true)]
    [InlineData("198.51.100.7", true)]
    [InlineData("0.0.0.0/0", true)]
    [InlineData("10.0.0.1/8", false)]
    [InlineData("10.0.0.0/33", false)]
    [InlineData("fe80::/10", false)]
    public void Cidrs_are_ipv4_blocks_or_addresses(string cidr, bool valid) => Assert.Equal(valid, RegistrationInput.IsCidr(cidr));

    [Fact]
    public void Ten_thousand_hostile_strings_are_refused_or_made_only_of_plain_characters()
    {
        var random = new Random(2016);
        string[] pieces = { "'", "\"", "$(", ")", "`", "\n", "\r", ";", "|", "&", "\\", " ", "$HOME", "%s", "*", "é", "日本", "🙂", "\0", "\u202E", "a", "Z", "9", "-", "_", ".", "/" };
        const string safe = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./";
        var accepted = 0;
        for (var i = 0; i < 10_000; i++)
        {
            var b = new StringBuilder();
            var n = random.Next(1, 30);
            for (var k = 0; k < n; k++)
            {
                b.Append(i % 2 == 0 ? pieces[random.Next(pieces.Length)] : safe[random.Next(safe.Length)].ToString());
            }

            var s = b.ToString();
            if (RegistrationInput.IsServiceName(s))
            {
                Assert.Matches("^[a-z0-9-]+$", s);
                accepted++;
            }

            if (RegistrationInput.IsInstanceId(s))
            {
                Assert.Matches("^[A-Za-z0-9._-]+$", s);
                Assert.True(PlatformNames.IsValid(s));
                accepted++;
            }

            if (RegistrationInput.IsHostAddress(s))
            {
                Assert.Matches("^[A-Za-z0-9.-]+$", s);
                accepted++;
            }

            if (RegistrationInput.IsCidr(s))
            {
                Assert.Matches("^[0-9./]+$", s);
            }
        }

        Assert.True(accepted > 100, "the generator must also produce acceptable strings");
    }
}

public sealed class RegistrarTests : SandboxTestBase
{
    private HttpPlatformChannel Channel() => new(Endpoints);

    [Fact]
    public async Task A_service_registered_twice_sends_nothing_the_second_time_and_unregisters_to_empty()
    {
        using var channel = Channel();
        var spec = new PlatformServiceSpec("web", "service.consul", 10000);
        var first = await ServiceRegistrar.RegisterAsync(channel, spec, NullReporter.Instance, CancellationToken.None);
        Assert.Equal(7, first.Sent.Count);
        Assert.True(first.After!.InConsul && first.After.InVulcand && first.After.InKong);
        var second = await ServiceRegistrar.RegisterAsync(channel, spec, NullReporter.Instance, CancellationToken.None);
        Assert.Empty(second.Sent);

        var moved = await ServiceRegistrar.RegisterAsync(channel, new PlatformServiceSpec("web", "service.consul", 10001), NullReporter.Instance, CancellationToken.None);
        Assert.Equal(new[] { "/v2/listeners", "/services/web", "/v1/agent/service/register" }, moved.Sent.Select(r => r.PathAndQuery));

        var instances = await InstanceRegistrar.RegisterAsync(channel, new[] { new PlatformInstanceSpec("web", "w1", "10.0.12.1", 31001) }, NullReporter.Instance, CancellationToken.None);
        Assert.True(instances[0].InConsul && instances[0].InVulcand && instances[0].Changed);

        var removed = await ServiceRegistrar.UnregisterAsync(channel, "web", "service.consul", NullReporter.Instance, CancellationToken.None);
        Assert.True(removed.Changed);
        Assert.Empty(Host.Consul.Services);
        Assert.Empty(Host.Vulcand.Backends);
        Assert.Empty(Host.Kong.Services);
        var again = await ServiceRegistrar.UnregisterAsync(channel, "web", "service.consul", NullReporter.Instance, CancellationToken.None);
        Assert.False(again.Changed);
    }

    [Fact]
    public async Task Instances_go_in_one_read_and_one_write_batch_with_per_instance_errors()
    {
        using var inner = Channel();
        var channel = new CountingChannel(inner);
        await ServiceRegistrar.RegisterAsync(inner, new PlatformServiceSpec("web", "service.consul", 10000), NullReporter.Instance, CancellationToken.None);
        var specs = Enumerable.Range(1, 50).Select(i => new PlatformInstanceSpec("web", "w" + i, "10.0.12." + i, 31000 + i))
            .Append(new PlatformInstanceSpec("nosuch", "n1", "10.0.12.99", 31099)).ToArray();
        var outcomes = await InstanceRegistrar.RegisterAsync(channel, specs, NullReporter.Instance, CancellationToken.None);
        Assert.Equal(2, channel.Batches);
        Assert.Equal(50, outcomes.Count(o => o.Succeeded && o.InConsul && o.InVulcand));
        var failed = Assert.Single(outcomes, o => !o.Succeeded);
        Assert.Equal("ShowcaseServiceNotRegistered", failed.Error!.ErrorId);
        Assert.Equal("nosuch/n1", failed.Error.Target);
        Assert.False(failed.InConsul);

        channel.Batches = 0;
        var again = await InstanceRegistrar.RegisterAsync(channel, specs.Take(50).ToArray(), NullReporter.Instance, CancellationToken.None);
        Assert.Equal(1, channel.Batches);
        Assert.All(again, o => Assert.False(o.Changed));

        var gone = await InstanceRegistrar.UnregisterAsync(channel, new[] { new InstanceKey("web", "w1"), new InstanceKey("web", "w1"), new InstanceKey("web", "zz") }, NullReporter.Instance, CancellationToken.None);
        Assert.Equal(2, gone.Count);
        Assert.All(gone, o => Assert.True(o.Succeeded && !o.InConsul && !o.InVulcand));
        Assert.True(gone[0].Changed);
        Assert.False(gone[1].Changed);
    }

    private sealed class CountingChannel : IPlatformChannel
    {
        private readonly IPlatformChannel _inner;

        public CountingChannel(IPlatformChannel inner) => _inner = inner;

        public int Batches { get; set; }

        public string Name => _inner.Name;

        public Task<System.Collections.Generic.IReadOnlyList<PlatformResponse>> SendAsync(System.Collections.Generic.IReadOnlyList<PlatformRequest> batch, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            Batches++;
            return _inner.SendAsync(batch, reporter, cancellationToken);
        }
    }
}

public sealed class GatewayTests
{
    [Fact]
    public void A_gateway_needs_a_protection_or_an_explicit_anonymous_choice()
    {
        Assert.Throws<ArgumentException>(() => new GatewaySpec("demo", "service.consul", "10.0.12.4", Array.Empty<string>(), false, false));
        Assert.Throws<ArgumentException>(() => new GatewaySpec("demo", "service.consul", "10.0.12.4", new[] { "10.0.0.1/8" }, false, false));
        Assert.False(new GatewaySpec("demo", "service.consul", "10.0.12.4", Array.Empty<string>(), false, true).Protected);
    }

    [Fact]
    public void The_plan_upserts_services_routes_and_plugins_and_never_carries_the_key()
    {
        var plan = GatewayPlan.Create(new GatewaySpec("demo", "service.consul", "10.0.12.4", new[] { "203.0.113.0/24" }, true, false));
        Assert.Contains(plan, r => r.PathAndQuery == "/services/gateway-mesos" && r.JsonBody!.Contains("http://10.0.12.4:5050", StringComparison.Ordinal));
        Assert.Contains(plan, r => r.PathAndQuery == "/services/gateway-marathon/routes/gateway-marathon" && r.JsonBody!.Contains("marathon.service.consul", StringComparison.Ordinal));
        Assert.Contains(plan, r => r.PathAndQuery == "/services/gateway-mesos/plugins/gateway-mesos-ip-restriction" && r.JsonBody!.Contains("\"allow\":[\"203.0.113.0/24\"]", StringComparison.Ordinal));
        Assert.Contains(plan, r => r.PathAndQuery == "/consumers/showcase-gateway" && r.Method == "PUT");
        Assert.DoesNotContain(plan, r => r.PathAndQuery.Contains("key-auth/", StringComparison.Ordinal));
        Assert.All(plan, r => Assert.Contains(r.Method, new[] { "PUT", "DELETE" }));

        var open = GatewayPlan.Create(new GatewaySpec("demo", "service.consul", "10.0.12.4", Array.Empty<string>(), false, true));
        Assert.Equal(5, open.Count(r => r.Method == "DELETE"));
    }

    [Fact]
    public void Keys_and_credential_ids()
    {
        var key = GatewayPlan.NewKey();
        Assert.Matches("^[A-Za-z0-9_-]{43}$", key);
        Assert.NotEqual(key, GatewayPlan.NewKey());
        Assert.Equal(GatewayPlan.CredentialId("demo"), GatewayPlan.CredentialId("demo"));
        Assert.True(Guid.TryParse(GatewayPlan.CredentialId("demo"), out _));
        Assert.NotEqual(GatewayPlan.CredentialId("demo"), GatewayPlan.CredentialId("prod"));
        Assert.Equal("/showcaseops/demo/gateway-api-key", GatewayPlan.KeyParameterName("demo"));
        Assert.Throws<ArgumentException>(() => GatewayPlan.KeyParameterName("de mo"));
        Assert.Throws<ArgumentException>(() => GatewayPlan.CredentialRequest("demo", "short"));
    }

    [Fact]
    public async Task The_key_script_is_shellcheck_clean()
    {
        if (!File.Exists("/usr/bin/shellcheck") && !File.Exists("/usr/local/bin/shellcheck"))
        {
            return; // build.sh installs shellcheck; a bare dev box may not have it.
        }

        var path = Path.Combine(Path.GetTempPath(), "showcase-keyscript-" + Guid.NewGuid().ToString("N") + ".sh");
        File.WriteAllText(path, GatewayKeyScript.Create(new Uri("http://10.0.5.10:8001"), "demo"));
        try
        {
            var info = new ProcessStartInfo("shellcheck", $"--shell=sh --severity=style {path}") { RedirectStandardOutput = true, UseShellExecute = false };
            using var process = Process.Start(info)!;
            var output = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, output);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task The_key_script_reads_the_key_on_the_gateway_and_sends_it_only_to_kong()
    {
        // A fake curl stands in for IMDS, Parameter Store and Kong: nothing leaves this machine.
        var key = GatewayPlan.NewKey();
        var dir = Path.Combine(Path.GetTempPath(), "showcase-keyscript-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var script = GatewayKeyScript.Create(new Uri("http://10.0.5.10:8001"), "demo");
            Assert.DoesNotContain(key, script, StringComparison.Ordinal);
            Assert.Contains("/showcaseops/demo/gateway-api-key", script, StringComparison.Ordinal);
            File.WriteAllText(Path.Combine(dir, "curl"), "#!/bin/sh\n"
                + "out=''; data=''; url=''\n"
                + "while [ $# -gt 0 ]; do case $1 in -o) out=$2; shift ;; --data-binary) data=${2#@}; shift ;; -K|-H|-X|-w|--aws-sigv4|--connect-timeout|--max-time) shift ;; http*) url=$1 ;; esac; shift; done\n"
                + "case $url in\n"
                + "  */api/token) printf tok ;;\n"
                + "  */security-credentials/) printf 'showcase-ssm\\n' ;;\n"
                + "  */security-credentials/showcase-ssm) printf '{\\n  \"Code\" : \"Success\",\\n  \"AccessKeyId\" : \"ASIAEXAMPLE\",\\n  \"SecretAccessKey\" : \"se/cr+et\",\\n  \"Token\" : \"to/ken==\"\\n}\\n' ;;\n"
                + "  */placement/region) printf us-east-1 ;;\n"
                + "  https://ssm.us-east-1.amazonaws.com/) cp \"$data\" \"$FAKE_DIR/ssm-request\"; printf '{\"Parameter\":{\"Name\":\"/showcaseops/demo/gateway-api-key\",\"Type\":\"SecureString\",\"Value\":\"" + key + "\",\"Version\":1}}' > \"$out\"; printf 200 ;;\n"
                + "  http://10.0.5.10:8001/consumers/showcase-gateway/key-auth/*) cp \"$data\" \"$FAKE_DIR/kong-body\"; printf '%s' \"$url\" > \"$FAKE_DIR/kong-url\"; printf '{}' > \"$out\"; printf 200 ;;\n"
                + "  *) exit 7 ;;\n"
                + "esac\n");
            File.WriteAllText(Path.Combine(dir, "run.sh"), script);
            using (var chmod = Process.Start("chmod", $"755 {dir}/curl"))
            {
                await chmod!.WaitForExitAsync();
            }

            var info = new ProcessStartInfo("/bin/sh", Path.Combine(dir, "run.sh")) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            info.Environment["PATH"] = dir + ":/usr/bin:/bin";
            info.Environment["FAKE_DIR"] = dir;
            using var process = Process.Start(info)!;
            var stdout = await process.StandardOutput.ReadToEndAsync();
            var stderr = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, stdout + stderr);
            Assert.Equal("ok 200", GatewayKeyScript.ParseOutcome(stdout));
            Assert.DoesNotContain(key, stdout + stderr, StringComparison.Ordinal);
            Assert.Equal("{\"key\":\"" + key + "\",\"tags\":[\"showcaseops\",\"showcase-gateway\"]}", File.ReadAllText(Path.Combine(dir, "kong-body")));
            Assert.EndsWith(GatewayPlan.CredentialId("demo"), File.ReadAllText(Path.Combine(dir, "kong-url")), StringComparison.Ordinal);
            Assert.Equal("{\"Name\":\"/showcaseops/demo/gateway-api-key\",\"WithDecryption\":true}", File.ReadAllText(Path.Combine(dir, "ssm-request")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
