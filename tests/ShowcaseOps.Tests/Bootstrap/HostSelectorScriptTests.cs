using System.Diagnostics;
using System.IO;
using ShowcaseOps.Core.Bootstrap;
using Xunit;

namespace ShowcaseOps.Tests.Bootstrap;

/// <summary>Runs the host selector for real with /bin/sh, with a stub `ip` that reports this "host"'s addresses.</summary>
public sealed class HostSelectorScriptTests
{
    private const string Table = "i-0aaaaaaaaaaaaaaa1 10.0.12.11 demo-agent-1\ni-0aaaaaaaaaaaaaaa2 10.0.12.1 demo-agent-2\n\ni-0aaaaaaaaaaaaaaa3 10.0.12.13 demo-agent-3\n";

    private static (int ExitCode, string Stdout, string Stderr) Run(string hostAddress, string table)
    {
        var script = "set -eu\n"
            + "ip() { printf '%s\\n' '1: lo    inet 127.0.0.1/8 scope host lo' '2: ens5    inet " + hostAddress + "/24 brd 10.0.12.255 scope global ens5' '3: docker0    inet 172.17.0.1/16 scope global docker0'; }\n"
            + "SHOWCASE_ROLE=agent\n"
            + BootstrapScripts.HostSelector
            + "printf '%s|%s|%s\\n' \"$SHOWCASE_INSTANCE_ID\" \"$SHOWCASE_PRIVATE_IP\" \"$SHOWCASE_NODE_NAME\"\n";
        var path = Path.GetTempFileName();
        File.WriteAllText(path, script);
        try
        {
            var start = new ProcessStartInfo("/bin/sh", path) { RedirectStandardOutput = true, RedirectStandardError = true };
            start.Environment["SHOWCASE_HOSTS"] = table;
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEnd();
            var stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, stdout, stderr);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("10.0.12.11", "i-0aaaaaaaaaaaaaaa1|10.0.12.11|demo-agent-1")]
    [InlineData("10.0.12.1", "i-0aaaaaaaaaaaaaaa2|10.0.12.1|demo-agent-2")]
    [InlineData("10.0.12.13", "i-0aaaaaaaaaaaaaaa3|10.0.12.13|demo-agent-3")]
    public void Picks_the_row_of_the_address_configured_on_the_host(string address, string expected)
    {
        var (code, stdout, stderr) = Run(address, Table);
        Assert.True(code == 0, stderr);
        Assert.Equal(expected, stdout.Trim());
    }

    [Fact]
    public void A_host_not_in_the_table_fails_with_the_bootstrap_failure_marker()
    {
        var (code, stdout, stderr) = Run("10.0.12.99", Table);
        Assert.Equal(2, code);
        Assert.Equal("SHOWCASE-BOOTSTRAP-FAILED agent step=select-host exit=2 log=none", stdout.Trim());
        Assert.Contains("10.0.12.99", stderr, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Hostile_table_text_is_never_evaluated()
    {
        var (code, stdout, _) = Run("10.0.12.11", "i-0aaaaaaaaaaaaaaa1 10.0.12.11 $(touch /tmp/showcase-pwned)`id`\n");
        Assert.Equal(0, code);
        Assert.Equal("i-0aaaaaaaaaaaaaaa1|10.0.12.11|$(touch /tmp/showcase-pwned)`id`", stdout.Trim());
        Assert.False(File.Exists("/tmp/showcase-pwned"));
    }
}
