using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace ShowcaseOps.Sandbox.StandIns.Ssm;

/// <summary>The outcome of running <c>/bin/sh</c> on this machine.</summary>
internal sealed class ShellResult
{
    public ShellResult(int exitCode, string standardOutput, string standardError, bool timedOut, bool cancelled)
    {
        ExitCode = exitCode;
        StandardOutput = standardOutput;
        StandardError = standardError;
        TimedOut = timedOut;
        Cancelled = cancelled;
    }

    public int ExitCode { get; }

    public string StandardOutput { get; }

    public string StandardError { get; }

    public bool TimedOut { get; }

    public bool Cancelled { get; }
}

/// <summary>Runs a script with <c>/bin/sh</c> in its own process group so a timeout or a cancel kills all of it.</summary>
internal static class ShellRunner
{
    private const string Shell = "/bin/sh";
    private const string SetSid = "/usr/bin/setsid";

    /// <summary><c>sh -n</c>: parses the script without running it. Exit code 2 and the shell's message on a syntax error.</summary>
    public static async Task<ShellResult> CheckSyntaxAsync(string script, CancellationToken cancellationToken)
    {
        var dir = CreateTempDirectory("ssm-check-");
        try
        {
            var path = Path.Combine(dir, "_script.sh");
            File.WriteAllText(path, script, new UTF8Encoding(false));
            return await RunProcessAsync(new[] { "-n", path }, dir, null, TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            TryDelete(dir);
        }
    }

    /// <summary>Runs the script for real in a fresh temporary working directory.</summary>
    public static async Task<ShellResult> RunAsync(string script, IReadOnlyDictionary<string, string> environment, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var dir = CreateTempDirectory("ssm-run-");
        try
        {
            var path = Path.Combine(dir, "_script.sh");
            File.WriteAllText(path, script, new UTF8Encoding(false));
            return await RunProcessAsync(new[] { path }, dir, environment, timeout, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            TryDelete(dir);
        }
    }

    public static string CreateTempDirectory(string prefix)
    {
        var dir = Path.Combine(Path.GetTempPath(), "showcaseops-" + prefix + Guid.NewGuid().ToString("N").Substring(0, 12));
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>chmod 755 (netstandard2.0 has no File.SetUnixFileMode).</summary>
    public static void MakeExecutable(string path)
    {
        using var chmod = Process.Start(new ProcessStartInfo("chmod", "755 \"" + path + "\"") { UseShellExecute = false });
        chmod?.WaitForExit();
    }

    public static void TryDelete(string dir)
    {
        try
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static async Task<ShellResult> RunProcessAsync(string[] shellArgs, string workingDirectory, IReadOnlyDictionary<string, string>? environment, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var useSetSid = File.Exists(SetSid);
        var info = new ProcessStartInfo
        {
            FileName = useSetSid ? SetSid : Shell,
            Arguments = (useSetSid ? Shell + " " : string.Empty) + string.Join(" ", shellArgs),
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            CreateNoWindow = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        if (environment is not null)
        {
            foreach (var pair in environment)
            {
                info.Environment[pair.Key] = pair.Value;
            }
        }

        using var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var exited = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.Exited += (_, _) => exited.TrySetResult(true);
        process.Start();
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();

        var timedOut = false;
        var cancelled = false;
        using (var timer = new CancellationTokenSource(timeout))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(timer.Token, cancellationToken))
        {
            var gone = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            using (linked.Token.Register(() => gone.TrySetResult(true)))
            {
                if (process.HasExited)
                {
                    exited.TrySetResult(true);
                }

                var first = await Task.WhenAny(exited.Task, gone.Task).ConfigureAwait(false);
                if (first != exited.Task)
                {
                    cancelled = cancellationToken.IsCancellationRequested;
                    timedOut = !cancelled;
                    Kill(process, useSetSid);
                    await Task.WhenAny(exited.Task, Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None)).ConfigureAwait(false);
                }
            }
        }

        // Output pipes can stay open in orphaned grandchildren; never wait on them for long.
        await Task.WhenAny(Task.WhenAll(stdout, stderr), Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None)).ConfigureAwait(false);
        var exitCode = process.HasExited ? process.ExitCode : -1;
        return new ShellResult(
            timedOut || cancelled ? -1 : exitCode,
            stdout.Status == TaskStatus.RanToCompletion ? stdout.Result : string.Empty,
            stderr.Status == TaskStatus.RanToCompletion ? stderr.Result : string.Empty,
            timedOut,
            cancelled);
    }

    private static void Kill(Process process, bool processGroup)
    {
        try
        {
            if (processGroup)
            {
                using var kill = Process.Start(new ProcessStartInfo
                {
                    FileName = "/bin/kill",
                    Arguments = "-KILL -- -" + process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    UseShellExecute = false,
                    CreateNoWindow = true,
                });
                kill?.WaitForExit(5000);
            }

            if (!process.HasExited)
            {
                process.Kill();
            }
        }
        catch (InvalidOperationException)
        {
        }
        catch (System.ComponentModel.Win32Exception)
        {
        }
    }
}

/// <summary>Recognises ShowcaseOps' command encoding (quoted base64 chunks piped through <c>base64 -d | gunzip</c>).</summary>
internal static class SsmScriptDecoder
{
    private static readonly System.Text.RegularExpressions.Regex Chunk =
        new("printf '%s' '([A-Za-z0-9+/=]+)'", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    public static string? TryDecode(IReadOnlyList<string> commands)
    {
        var script = string.Join("\n", commands);
        if (script.IndexOf("gunzip", StringComparison.Ordinal) < 0)
        {
            return null;
        }

        var encoded = new StringBuilder();
        foreach (System.Text.RegularExpressions.Match match in Chunk.Matches(script))
        {
            encoded.Append(match.Groups[1].Value);
        }

        if (encoded.Length == 0)
        {
            return null;
        }

        try
        {
            var bytes = Convert.FromBase64String(encoded.ToString());
            using var input = new MemoryStream(bytes);
            using var gzip = new System.IO.Compression.GZipStream(input, System.IO.Compression.CompressionMode.Decompress);
            using var reader = new StreamReader(gzip, new UTF8Encoding(false));
            return reader.ReadToEnd();
        }
        catch (FormatException)
        {
            return null;
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }
}
