using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using ShowcaseOps.Core.Execution;
using ShowcaseOps.Core.Text;

namespace ShowcaseOps.Core.Platform;

/// <summary>
/// Calls the admin APIs directly from this machine (a VPN or SSH tunnel to the cluster, or the sandbox). Same
/// semantics as the SSM batch channel: requests in order, one response each, status 0 when a request could not be
/// made at all (connection refused, DNS failure, timeout) with the reason as body; a failure never stops the batch.
/// </summary>
public sealed class HttpPlatformChannel : IPlatformChannel, IDisposable
{
    private const int ProgressActivityId = 7301;
    private readonly HttpClient _client;

    public HttpPlatformChannel(PlatformEndpoints endpoints, TimeSpan? requestTimeout = null, HttpMessageHandler? handler = null)
    {
        Endpoints = endpoints ?? throw new ArgumentNullException(nameof(endpoints));
        RequestTimeout = requestTimeout ?? TimeSpan.FromSeconds(30);
        if (RequestTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(requestTimeout), "The timeout must be positive.");
        }

        _client = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        _client.Timeout = Timeout.InfiniteTimeSpan;
    }

    public string Name => "http";

    public PlatformEndpoints Endpoints { get; }

    public TimeSpan RequestTimeout { get; }

    /// <summary>Sent with every Consul request (<c>X-Consul-Token</c>) and Marathon request (<c>Authorization: Basic</c>); never narrated.</summary>
    public Services.PlatformCredentials Credentials { get; set; } = Services.PlatformCredentials.None;

    public async Task<IReadOnlyList<PlatformResponse>> SendAsync(IReadOnlyList<PlatformRequest> batch, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        if (batch is null)
        {
            throw new ArgumentNullException(nameof(batch));
        }

        reporter ??= NullReporter.Instance;
        var responses = new List<PlatformResponse>(batch.Count);
        var showProgress = batch.Count > 3;
        try
        {
            for (var i = 0; i < batch.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var request = batch[i];
                if (showProgress)
                {
                    reporter.Progress(new ProgressUpdate(ProgressActivityId, "Platform requests (http)", $"{i + 1} of {batch.Count}")
                    {
                        CurrentOperation = request.Description,
                        PercentComplete = i * 100 / batch.Count,
                    });
                }

                var watch = Stopwatch.StartNew();
                var response = await SendOneAsync(request, cancellationToken).ConfigureAwait(false);
                reporter.Verbose($"{request.Method} {request.Target} {request.PathAndQuery} ({request.Description}) -> {Describe(response.Status)} in {watch.ElapsedMilliseconds} ms");
                responses.Add(response);
            }
        }
        finally
        {
            if (showProgress)
            {
                reporter.Progress(new ProgressUpdate(ProgressActivityId, "Platform requests (http)", "Done") { Completed = true });
            }
        }

        return responses;
    }

    public void Dispose()
    {
        _client.Dispose();
    }

    private static string Describe(int status) => status == 0 ? "no response" : status.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private async Task<PlatformResponse> SendOneAsync(PlatformRequest request, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RequestTimeout);
        var url = Endpoints.UrlFor(request);
        try
        {
            using var message = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(url, UriKind.Absolute));
            if (request.Target == PlatformTarget.Consul && Credentials.ConsulToken is { } token)
            {
                message.Headers.Add("X-Consul-Token", token);
            }
            else if (request.Target == PlatformTarget.Marathon && Credentials.MarathonAuthorization is { } authorization)
            {
                message.Headers.TryAddWithoutValidation("Authorization", authorization);
            }
            if (request.JsonBody is not null)
            {
                message.Content = new ByteArrayContent(new UTF8Encoding(false).GetBytes(request.JsonBody));
                message.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            }

            using var response = await _client.SendAsync(message, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
            var bytes = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
            return new PlatformResponse(request, (int)response.StatusCode, new UTF8Encoding(false, false).GetString(bytes));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new PlatformResponse(request, 0, $"No answer from {url} within {RequestTimeout.TotalSeconds:0.#} s.");
        }
        catch (HttpRequestException ex)
        {
            return new PlatformResponse(request, 0, $"Could not reach {url}: {Flatten(ex)}");
        }
    }

    private static string Flatten(Exception ex)
    {
        var text = new StringBuilder(ex.Message);
        for (var inner = ex.InnerException; inner is not null; inner = inner.InnerException)
        {
            text.Append(' ').Append(inner.Message);
        }

        return text.ToString();
    }
}

