using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using ShowcaseOps.Core.Execution;
using ShowcaseOps.Core.Platform;
using ShowcaseOps.Sandbox;

namespace ShowcaseOps.Tests.Platform;

/// <summary>Runs the generated batch script with /bin/sh on this machine (what SSM does on the gateway) and parses its output.</summary>
internal sealed class ShellScriptChannel : IPlatformChannel
{
    private readonly PlatformEndpoints _endpoints;
    private readonly PlatformBatchScriptOptions? _options;

    public ShellScriptChannel(PlatformEndpoints endpoints, PlatformBatchScriptOptions? options = null)
    {
        _endpoints = endpoints;
        _options = options;
    }

    public string Name => "sh";

    public string? LastScript { get; private set; }

    public string? LastOutput { get; private set; }

    /// <summary>Run the script as on a host without python3 (a stub that fails comes first on PATH).</summary>
    public bool HidePython { get; init; }

    public async Task<IReadOnlyList<PlatformResponse>> SendAsync(IReadOnlyList<PlatformRequest> batch, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var script = PlatformBatchScript.Create(_endpoints, batch, _options);
        LastScript = script.Text;
        var (stdout, stderr, _) = HidePython ? await Shell.RunWithoutPythonAsync(script.Text, cancellationToken) : await Shell.RunAsync(script.Text, cancellationToken);
        LastOutput = stdout;
        return script.ParseOutput(stdout, stderr);
    }
}

internal static class Shell
{
    /// <summary>Runs the script with a <c>python3</c> that exits 127 first on PATH, as a host without python3.</summary>
    public static async Task<(string Stdout, string Stderr, int ExitCode)> RunWithoutPythonAsync(string scriptText, CancellationToken cancellationToken)
    {
        var bin = Directory.CreateTempSubdirectory("showcase-nopython-").FullName;
        try
        {
            var stub = Path.Combine(bin, "python3");
            await File.WriteAllTextAsync(stub, "#!/bin/sh\nexit 127\n", cancellationToken);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(stub, UnixFileMode.UserRead | UnixFileMode.UserExecute);
            }
            return await RunAsync("PATH='" + bin + "':\"$PATH\"\nexport PATH\n" + scriptText, cancellationToken);
        }
        finally
        {
            Directory.Delete(bin, true);
        }
    }

#pragma warning disable CA1068 // shell last keeps the callers that pass (script, token) positionally unchanged
    public static async Task<(string Stdout, string Stderr, int ExitCode)> RunAsync(string scriptText, CancellationToken cancellationToken = default, string shell = "/bin/sh")
#pragma warning restore CA1068
    {
        var path = Path.Combine(Path.GetTempPath(), "showcase-batch-" + Guid.NewGuid().ToString("N") + ".sh");
        await File.WriteAllTextAsync(path, scriptText, new UTF8Encoding(false), cancellationToken);
        try
        {
            var info = new ProcessStartInfo(shell) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            info.ArgumentList.Add(path);
            using var process = Process.Start(info)!;
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            return (await stdout, await stderr, process.ExitCode);
        }
        finally
        {
            File.Delete(path);
        }
    }
}

/// <summary>A sandbox plus helpers to call a stand-in directly.</summary>
public abstract class SandboxTestBase : IDisposable
{
    protected SandboxTestBase()
    {
        Host = SandboxHost.Start();
        Http = new HttpClient();
        Endpoints = PlatformEndpoints.FromServiceMap(Host.Endpoints);
    }

    protected SandboxHost Host { get; }

    protected HttpClient Http { get; }

    protected PlatformEndpoints Endpoints { get; }

    public void Dispose()
    {
        Http.Dispose();
        Host.Dispose();
        GC.SuppressFinalize(this);
    }

    protected async Task<(int Status, string Body, HttpResponseMessage Response)> CallAsync(string service, string method, string path, string? body = null, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), Host.Endpoint(service).AbsoluteUri.TrimEnd('/') + path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, contentType);
        }

        var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text, response);
    }
}
