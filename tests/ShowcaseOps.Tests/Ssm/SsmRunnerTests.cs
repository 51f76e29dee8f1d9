using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using ShowcaseOps.Core;
using ShowcaseOps.Core.Execution;
using ShowcaseOps.Core.Ssm;
using ShowcaseOps.Sandbox.StandIns.Ssm;
using Xunit;

namespace ShowcaseOps.Tests.Ssm;

public sealed class SsmRunnerTests : IDisposable
{
    private readonly SsmTestSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task One_failing_host_fails_alone_with_its_exit_code_and_stderr()
    {
        var targets = _sandbox.AddHosts(3);
        _sandbox.Host.Ssm.Behaviors.FailOn(targets[1].InstanceId, 7, "docker: not found\n");

        var results = await _sandbox.Runner.RunAsync(new SsmScript("echo hello\n"), targets, SsmTestSandbox.FastOptions(), NullReporter.Instance, CancellationToken.None);

        Assert.Equal(targets.Select(t => t.InstanceId), results.Select(r => r.InstanceId));
        Assert.True(results[0].Succeeded);
        Assert.True(results[2].Succeeded);
        var failed = results[1];
        Assert.Equal(SsmCommandStatus.Failed, failed.Status);
        Assert.Equal(7, failed.ExitCode);
        Assert.Contains("docker: not found", failed.StandardErrorTail, StringComparison.Ordinal);
        Assert.Equal("agent", failed.Role);
        var error = failed.ToException();
        Assert.NotNull(error);
        Assert.Equal("SsmCommandFailed", error!.ErrorId);
        Assert.Equal(targets[1].InstanceId, error.Target);
        Assert.Equal(1, _sandbox.Host.Log.Count("ssm", "SendCommand"));
    }

    [Fact]
    public async Task Sixty_hosts_take_exactly_two_SendCommand_calls()
    {
        var targets = _sandbox.AddHosts(60);

        var results = await _sandbox.Runner.RunAsync(new SsmScript("true\n"), targets, SsmTestSandbox.FastOptions(), NullReporter.Instance, CancellationToken.None);

        Assert.Equal(60, results.Count);
        Assert.All(results, r => Assert.True(r.Succeeded, r.ToString()));
        Assert.Equal(2, _sandbox.Host.Log.Count("ssm", "SendCommand"));
        var commands = _sandbox.Host.Ssm.Commands;
        Assert.Equal(new[] { 50, 10 }, commands.Select(c => c.InstanceIds.Count).ToArray());
        Assert.Equal(2, results.Select(r => r.CommandId).Distinct().Count());
    }

    [Fact]
    public async Task Output_beyond_24000_characters_arrives_whole_with_CaptureFullOutput()
    {
        var targets = _sandbox.AddHosts(1, "gateway");
        var directory = Path.Combine(Path.GetTempPath(), "showcaseops-capture-" + Guid.NewGuid().ToString("N"));
        // Incompressible, deterministic text: 100,000 printable characters.
        const string body = "awk 'BEGIN { srand(42); for (i = 0; i < 100000; i++) printf \"%c\", 33 + int(rand() * 94) }'\n";
        var options = SsmTestSandbox.FastOptions(o =>
        {
            o.CaptureFullOutput = true;
            o.PlatformOperation = true;
            o.HostOutputDirectory = directory;
        });

        var result = (await _sandbox.Runner.RunAsync(new SsmScript(body), targets, options, NullReporter.Instance, CancellationToken.None)).Single();

        Assert.True(result.Succeeded, result.Error ?? result.StandardErrorTail);
        Assert.Null(result.Error);
        Assert.False(result.StandardOutputTruncated);
        Assert.Equal(100000, result.StandardOutput.Length);
        Assert.Equal(Sha256(await RunLocallyAsync(body)), Sha256(result.StandardOutput));
        Assert.EndsWith(result.StandardOutputTail, result.StandardOutput, StringComparison.Ordinal);
        Assert.True(_sandbox.Host.Log.Count("ssm", "SendCommand") > 2, "the rest of the output is read with follow-up commands");
        Assert.All(_sandbox.Host.Ssm.Invocations(), i => Assert.True(i.Executed));
        Assert.All(_sandbox.Host.Ssm.Invocations(), i => Assert.True(i.StandardOutput.Length <= 24000, "each page fits in what SSM returns"));
        Assert.Empty(Directory.Exists(directory) ? Directory.GetFiles(directory) : Array.Empty<string>());
        Directory.Delete(directory, true);
    }

    [Theory]
    [InlineData(20, 2)]
    [InlineData(1000, 3)]
    public async Task Each_command_also_carries_output_on_stderr_when_its_own_stderr_is_short(int ownStderr, int commands)
    {
        var targets = _sandbox.AddHosts(1, "gateway");
        var directory = Path.Combine(Path.GetTempPath(), "showcaseops-capture-" + Guid.NewGuid().ToString("N"));
        // ~54,600 encoded characters: two commands of 23,000 + 7,400 hold them, two of 23,000 do not.
        var body = "awk 'BEGIN { srand(7); for (i = 0; i < 50000; i++) printf \"%c\", 33 + int(rand() * 94) }'\n"
            + "awk 'BEGIN { for (i = 0; i < " + ownStderr.ToString(System.Globalization.CultureInfo.InvariantCulture) + "; i++) printf \"e\" }' >&2\n";
        var options = SsmTestSandbox.FastOptions(o =>
        {
            o.CaptureFullOutput = true;
            o.PlatformOperation = true;
            o.HostOutputDirectory = directory;
        });

        var result = (await _sandbox.Runner.RunAsync(new SsmScript(body), targets, options, NullReporter.Instance, CancellationToken.None)).Single();

        Assert.Null(result.Error);
        Assert.Equal(Sha256(await RunLocallyAsync(body.Split('\n')[0] + "\n")), Sha256(result.StandardOutput));
        Assert.Equal(new string('e', ownStderr), result.StandardError);
        Assert.Equal(commands, _sandbox.Host.Log.Count("ssm", "SendCommand"));
        Assert.All(_sandbox.Host.Ssm.Invocations(), i => Assert.True(i.StandardError.Length <= 8000, "each lane fits in what SSM returns of stderr"));
        Assert.Empty(Directory.Exists(directory) ? Directory.GetFiles(directory) : Array.Empty<string>());
        Directory.Delete(directory, true);
    }

    [Fact]
    public async Task Small_captured_output_needs_no_follow_up_and_leaves_no_file()
    {
        var targets = _sandbox.AddHosts(1, "gateway");
        var directory = Path.Combine(Path.GetTempPath(), "showcaseops-capture-" + Guid.NewGuid().ToString("N"));
        var options = SsmTestSandbox.FastOptions(o =>
        {
            o.CaptureFullOutput = true;
            o.PlatformOperation = true;
            o.HostOutputDirectory = directory;
        });

        var result = (await _sandbox.Runner.RunAsync(new SsmScript("printf 'line1\\nline2\\n'\necho oops >&2\nexit 3\n"), targets, options, NullReporter.Instance, CancellationToken.None)).Single();

        Assert.Equal("line1\nline2\n", result.StandardOutput);
        Assert.Equal(3, result.ExitCode);
        Assert.Equal(SsmCommandStatus.Failed, result.Status);
        Assert.Contains("oops", result.StandardError, StringComparison.Ordinal);
        Assert.Equal(1, _sandbox.Host.Log.Count("ssm", "SendCommand"));
        Assert.Empty(Directory.GetFiles(directory));
        Directory.Delete(directory, true);
    }

    [Fact]
    public async Task Cancelling_sends_CancelCommand_and_the_invocations_end_Cancelled()
    {
        var targets = _sandbox.AddHosts(3);
        _sandbox.Host.Ssm.Behaviors.Add(new SsmBehavior { Delay = TimeSpan.FromSeconds(30) });
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(400));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            _sandbox.Runner.RunAsync(new SsmScript("sleep 600\n"), targets, SsmTestSandbox.FastOptions(), NullReporter.Instance, cts.Token));

        Assert.Equal(1, _sandbox.Host.Log.Count("ssm", "CancelCommand"));
        await _sandbox.Host.Ssm.WaitForIdleAsync(TimeSpan.FromSeconds(5));
        var invocations = _sandbox.Host.Ssm.Invocations();
        Assert.Equal(3, invocations.Count);
        Assert.All(invocations, i => Assert.Equal(SsmStatus.Cancelled, i.Status));
    }

    [Fact]
    public async Task InvocationDoesNotExist_right_after_sending_is_retried()
    {
        var targets = _sandbox.AddHosts(2);
        _sandbox.Host.Ssm.InvocationNotFoundCalls = 3;

        var results = await _sandbox.Runner.RunAsync(new SsmScript("true\n"), targets, SsmTestSandbox.FastOptions(), NullReporter.Instance, CancellationToken.None);

        Assert.All(results, r => Assert.True(r.Succeeded));
        var misses = _sandbox.Host.Log.Entries.Count(e => e.Operation == "GetCommandInvocation" && e.ErrorCode == "InvocationDoesNotExist");
        Assert.Equal(6, misses);
    }

    [Fact]
    public async Task Throttling_is_retried_with_backoff()
    {
        var targets = _sandbox.AddHosts(1);
        _sandbox.Host.Faults.Add("ssm", "SendCommand", errorCode: "ThrottlingException", httpStatus: 400, times: 5);
        _sandbox.Host.Faults.Add("ssm", "GetCommandInvocation", errorCode: "ThrottlingException", httpStatus: 400, times: 5);

        var results = await _sandbox.Runner.RunAsync(new SsmScript("true\n"), targets, SsmTestSandbox.FastOptions(), NullReporter.Instance, CancellationToken.None);

        Assert.True(results.Single().Succeeded);
        Assert.Equal(0, _sandbox.Host.Faults.Pending);
    }

    [Fact]
    public async Task A_platform_operation_reaches_the_consul_stand_in_through_curl()
    {
        var targets = _sandbox.AddHosts(1, "gateway");
        var options = SsmTestSandbox.FastOptions(o => o.PlatformOperation = true);

        var result = (await _sandbox.Runner.RunAsync(new SsmScript("curl -sS http://10.0.12.10:8500/v1/agent/services\n"), targets, options, NullReporter.Instance, CancellationToken.None)).Single();

        Assert.True(result.Succeeded, result.StandardErrorTail);
        var consul = Assert.Single(_sandbox.Host.Log.Entries, e => e.Service == "consul");
        Assert.Equal("GET /v1/agent/services", consul.Operation);
        Assert.Equal(200, consul.Status);
        Assert.Equal("{}", result.StandardOutput.Trim());
        Assert.StartsWith("showcaseops:platform", _sandbox.Host.Ssm.Commands.Single().Comment, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ordinary_commands_are_syntax_checked_not_run()
    {
        var targets = _sandbox.AddHosts(1);
        var marker = Path.Combine(Path.GetTempPath(), "showcaseops-must-not-exist-" + Guid.NewGuid().ToString("N"));

        var ok = (await _sandbox.Runner.RunAsync(new SsmScript($"touch '{marker}'\n"), targets, SsmTestSandbox.FastOptions(), NullReporter.Instance, CancellationToken.None)).Single();
        var bad = (await _sandbox.Runner.RunAsync(new SsmScript("if true; then\n  echo unterminated\n"), targets, SsmTestSandbox.FastOptions(), NullReporter.Instance, CancellationToken.None)).Single();

        Assert.True(ok.Succeeded);
        Assert.False(File.Exists(marker));
        Assert.Equal(SsmCommandStatus.Failed, bad.Status);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("Syntax error", bad.StandardError, StringComparison.Ordinal);
        var command = _sandbox.Host.Ssm.Commands.First();
        Assert.Contains($"touch '{marker}'", command.DecodedScript, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_injected_timeout_is_reported_as_TimedOut()
    {
        var targets = _sandbox.AddHosts(2);
        _sandbox.Host.Ssm.Behaviors.Add(new SsmBehavior { InstanceId = targets[0].InstanceId, Status = SsmStatus.TimedOut });

        var results = await _sandbox.Runner.RunAsync(new SsmScript("true\n"), targets, SsmTestSandbox.FastOptions(), NullReporter.Instance, CancellationToken.None);

        Assert.Equal(SsmCommandStatus.TimedOut, results[0].Status);
        Assert.Equal("SsmCommandTimedOut", results[0].ToException()!.ErrorId);
        Assert.True(results[1].Succeeded);
    }

    [Fact]
    public async Task A_too_large_script_fails_before_any_call()
    {
        var targets = _sandbox.AddHosts(1);
        var random = new Random(7);
        var noise = new string(Enumerable.Range(0, 200_000).Select(_ => (char)random.Next(33, 127)).ToArray());

        var error = await Assert.ThrowsAsync<ShowcaseException>(() =>
            _sandbox.Runner.RunAsync(new SsmScript("cat <<'EOF'\n" + noise + "\nEOF\n"), targets, SsmTestSandbox.FastOptions(), NullReporter.Instance, CancellationToken.None));

        Assert.Equal("SsmScriptTooLarge", error.ErrorId);
        Assert.Empty(_sandbox.Host.Log.Entries);
    }

    [Fact]
    public async Task A_script_split_over_several_lines_still_runs_byte_exact()
    {
        var targets = _sandbox.AddHosts(1, "gateway");
        var random = new Random(11);
        var noise = new string(Enumerable.Range(0, 30_000).Select(_ => (char)random.Next(65, 91)).ToArray());
        var options = SsmTestSandbox.FastOptions(o =>
        {
            o.PlatformOperation = true;
            o.MaxCommandLineLength = 4096;
        });

        var result = (await _sandbox.Runner.RunAsync(new SsmScript("printf '%s' \"$NOISE\" | wc -c\n", new System.Collections.Generic.Dictionary<string, string> { ["NOISE"] = noise }), targets, options, NullReporter.Instance, CancellationToken.None)).Single();

        Assert.True(result.Succeeded, result.StandardErrorTail);
        Assert.Equal("30000", result.StandardOutput.Trim());
        Assert.True(_sandbox.Host.Ssm.Commands.Single().Commands.Count > 3);
        Assert.All(_sandbox.Host.Ssm.Commands.Single().Commands, line => Assert.True(line.Length <= 4096));
    }

    [Fact]
    public async Task Bad_input_makes_no_call()
    {
        var targets = _sandbox.AddHosts(1);

        var badName = await Assert.ThrowsAsync<ShowcaseException>(() => _sandbox.Runner.RunAsync(
            new SsmScript("true", new System.Collections.Generic.Dictionary<string, string> { ["lower"] = "x" }), targets, SsmTestSandbox.FastOptions(), NullReporter.Instance, CancellationToken.None));
        var duplicate = await Assert.ThrowsAsync<ShowcaseException>(() => _sandbox.Runner.RunAsync(
            new SsmScript("true"), new[] { targets[0], targets[0] }, SsmTestSandbox.FastOptions(), NullReporter.Instance, CancellationToken.None));

        Assert.Equal("SsmEnvironmentNameInvalid", badName.ErrorId);
        Assert.Equal("SsmDuplicateTarget", duplicate.ErrorId);
        Assert.Empty(_sandbox.Host.Log.Entries);
    }

    [Fact]
    public async Task An_unknown_instance_yields_NotSent_results()
    {
        var results = await _sandbox.Runner.RunAsync(new SsmScript("true"), new[] { new SsmTarget("i-0deadbeef00000000") }, SsmTestSandbox.FastOptions(), NullReporter.Instance, CancellationToken.None);

        var result = results.Single();
        Assert.Equal(SsmCommandStatus.NotSent, result.Status);
        Assert.Contains("InvalidInstanceId", result.Error, StringComparison.Ordinal);
        Assert.Equal("SsmCommandNotSent", result.ToException()!.ErrorId);
    }

    [Fact]
    public async Task Progress_always_completes()
    {
        var targets = _sandbox.AddHosts(2);
        var reporter = new RecordingReporter();

        await _sandbox.Runner.RunAsync(new SsmScript("true"), targets, SsmTestSandbox.FastOptions(), reporter, CancellationToken.None);

        Assert.True(reporter.Progress.Last().Completed);
        Assert.Contains(reporter.Verbose, v => v.Contains("SSM command", StringComparison.Ordinal));
    }

    private static string Sha256(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static async Task<string> RunLocallyAsync(string script)
    {
        var info = new System.Diagnostics.ProcessStartInfo("/bin/sh") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        using var process = System.Diagnostics.Process.Start(info)!;
        await process.StandardInput.WriteAsync(script);
        process.StandardInput.Close();
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return output;
    }

    private sealed class RecordingReporter : IOperationReporter
    {
        public System.Collections.Concurrent.ConcurrentQueue<string> Verbose { get; } = new();

        public System.Collections.Concurrent.ConcurrentQueue<ProgressUpdate> Progress { get; } = new();

        void IOperationReporter.Verbose(string message) => Verbose.Enqueue(message);

        public void Warning(string message)
        {
        }

        void IOperationReporter.Progress(ProgressUpdate update) => Progress.Enqueue(update);

        public void Output(object value)
        {
        }

        public void Failure(ShowcaseException failure)
        {
        }
    }
}
