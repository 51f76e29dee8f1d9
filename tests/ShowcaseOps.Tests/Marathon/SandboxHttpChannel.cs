using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using ShowcaseOps.Core.Execution;
using ShowcaseOps.Core.Platform;
using ShowcaseOps.Sandbox;

namespace ShowcaseOps.Tests.Marathon;

/// <summary>Test-only channel: carries platform requests straight to the sandbox stand-ins over HttpClient.</summary>
internal sealed class SandboxHttpChannel : IPlatformChannel
{
    private readonly SandboxHost _host;
    private readonly HttpClient _http;

    public SandboxHttpChannel(SandboxHost host, HttpClient http)
    {
        _host = host;
        _http = http;
    }

    public string Name => "http";

    public int Requests { get; private set; }

    public async Task<IReadOnlyList<PlatformResponse>> SendAsync(IReadOnlyList<PlatformRequest> batch, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var responses = new List<PlatformResponse>(batch.Count);
        foreach (var request in batch)
        {
            Requests++;
            var baseUri = _host.Endpoint(request.Target.ToString().ToLowerInvariant());
            using var message = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(baseUri, request.PathAndQuery.TrimStart('/')));
            if (request.JsonBody is not null)
            {
                message.Content = new StringContent(request.JsonBody, Encoding.UTF8, "application/json");
            }

            try
            {
                using var response = await _http.SendAsync(message, cancellationToken);
                responses.Add(new PlatformResponse(request, (int)response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken)));
            }
            catch (HttpRequestException ex)
            {
                responses.Add(new PlatformResponse(request, 0, ex.Message));
            }
        }

        return responses;
    }
}

internal static class RepoPaths
{
    public static string Root
    {
        get
        {
            var dir = new System.IO.DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !System.IO.File.Exists(System.IO.Path.Combine(dir.FullName, "ShowcaseOps.sln")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException("Could not find the repository root above " + AppContext.BaseDirectory);
        }
    }

    public static string ExampleAppSpec => System.IO.File.ReadAllText(System.IO.Path.Combine(Root, "examples", "specs", "app.json"));
}
