using System;
using System.Diagnostics;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Threading;
using Xunit;

namespace ShowcaseOps.Tests.Cluster;

/// <summary>
/// moto (<c>python3 -m moto.server</c>) on a free loopback port, for the fixture's lifetime: an independent EC2 oracle.
/// Started and killed here, so <c>./build.sh test</c> runs it with nothing else to set up.
/// </summary>
public sealed class MotoServer : IDisposable
{
    private readonly Process? _process;

    public MotoServer()
    {
        if (MotoFactAttribute.Unavailable is not null)
        {
            return;
        }

        Port = FreePort();
        var start = new ProcessStartInfo("python3")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { "-m", "moto.server", "-H", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("python3 -m moto.server did not start.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        Endpoint = $"http://127.0.0.1:{Port}/";
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                using var response = http.GetAsync(Endpoint + "moto-api/").GetAwaiter().GetResult();
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    break;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline && !_process.HasExited)
            {
            }
            catch (System.Threading.Tasks.TaskCanceledException) when (DateTime.UtcNow < deadline && !_process.HasExited)
            {
            }

            if (_process.HasExited || DateTime.UtcNow >= deadline)
            {
                throw new InvalidOperationException("moto.server did not answer within 30 s.");
            }

            Thread.Sleep(200);
        }
    }

    public int Port { get; }

    public string Endpoint { get; } = string.Empty;

    /// <summary>A Query-protocol call moto accepts unsigned (IAM here, which the engine has no client for).</summary>
    public string Query(string service, string body)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, Endpoint) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/x-www-form-urlencoded") };
        request.Headers.TryAddWithoutValidation("Authorization", $"AWS4-HMAC-SHA256 Credential=AKIAMOTO/20260101/us-east-1/{service}/aws4_request, SignedHeaders=host, Signature=0");
        using var response = http.Send(request);
        return response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
    }

    public void Dispose()
    {
        if (_process is null)
        {
            return;
        }

        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

/// <summary>A fact that runs when python3 can import moto, and is skipped with the reason otherwise.</summary>
public sealed class MotoFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> Probe = new(() =>
    {
        try
        {
            var start = new ProcessStartInfo("python3") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var argument in new[] { "-c", "import moto.server" })
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start);
            if (process is null || !process.WaitForExit(60_000))
            {
                return "python3 did not answer";
            }

            return process.ExitCode == 0 ? null : "python3 cannot import moto.server (moto is not installed)";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "python3 is not installed";
        }
    });

    public MotoFactAttribute()
    {
        if (Unavailable is { } reason)
        {
            Skip = "moto oracle skipped: " + reason;
        }
    }

    public static string? Unavailable => Probe.Value;
}
