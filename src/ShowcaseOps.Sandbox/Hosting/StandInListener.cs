using System;
using System.Collections.Specialized;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace ShowcaseOps.Sandbox.Hosting;

/// <summary>Serves one stand-in on its own loopback port (an ephemeral one).</summary>
internal sealed class StandInListener : IDisposable
{
    private readonly StandIn _standIn;
    private readonly SandboxHost _host;
    private readonly HttpListener _listener;
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;

    public StandInListener(StandIn standIn, SandboxHost host)
    {
        _standIn = standIn;
        _host = host;
        _listener = new HttpListener();
        Endpoint = Bind(_listener);
    }

    public Uri Endpoint { get; }

    public void Start() => _loop = Task.Run(AcceptLoopAsync);

    public void Dispose()
    {
        _stopping.Cancel();
        try
        {
            _listener.Stop();
            _listener.Close();
        }
        catch (ObjectDisposedException)
        {
        }

        try
        {
            _loop?.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }

        _stopping.Dispose();
    }

    // HttpListener cannot bind port 0: reserve a free port, release it, bind it; retry if another process took it meanwhile.
    private static Uri Bind(HttpListener listener)
    {
        for (var attempt = 0; ; attempt++)
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            var prefix = $"http://127.0.0.1:{port}/";
            listener.Prefixes.Clear();
            listener.Prefixes.Add(prefix);
            try
            {
                listener.Start();
                return new Uri(prefix);
            }
            catch (HttpListenerException) when (attempt < 20)
            {
            }
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (HttpListenerException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(context));
        }
    }

    private async Task ServeAsync(HttpListenerContext context)
    {
        var watch = Stopwatch.StartNew();
        var started = DateTime.UtcNow;
        var identity = new RequestIdentity("?", context.Request.Url?.AbsolutePath ?? "/");
        var status = 500;
        string? errorCode = null;
        var logged = false;
        try
        {
            var request = await ReadAsync(context.Request).ConfigureAwait(false);
            identity = _standIn.Identify(request);
            var delay = _host.Latency.For(_standIn.Service, identity.Operation);
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, _stopping.Token).ConfigureAwait(false);
            }

            var fault = _host.Faults.Match(_standIn.Service, identity.Operation);
            var response = fault is not null
                ? _standIn.FaultResponse(fault)
                : await _standIn.HandleAsync(request, identity, _stopping.Token).ConfigureAwait(false);
            status = response.Status;
            errorCode = response.ErrorCode;

            // Log before answering: a client that reads the log right after its call must find the entry.
            _host.Log.Add(started, _standIn.Service, identity.Operation, identity.Target, status, errorCode, watch.Elapsed.TotalMilliseconds);
            logged = true;
            await WriteAsync(context.Response, response, _stopping.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            errorCode = "SandboxError: " + ex.GetType().Name + ": " + ex.Message;
            TryWriteServerError(context.Response, ex);
        }
        finally
        {
            if (!logged)
            {
                _host.Log.Add(started, _standIn.Service, identity.Operation, identity.Target, status, errorCode, watch.Elapsed.TotalMilliseconds);
            }
        }
    }

    private static async Task<SandboxRequest> ReadAsync(HttpListenerRequest request)
    {
        byte[] body;
        using (var buffer = new MemoryStream())
        {
            if (request.HasEntityBody)
            {
                await request.InputStream.CopyToAsync(buffer).ConfigureAwait(false);
            }

            body = buffer.ToArray();
        }

        var url = request.Url!;
        var query = new NameValueCollection(StringComparer.Ordinal);
        var raw = url.Query.TrimStart('?');
        if (raw.Length > 0)
        {
            query = FormEncoding.Parse(raw);
        }

        return new SandboxRequest(request.HttpMethod, Uri.UnescapeDataString(url.AbsolutePath), query, request.Headers, body);
    }

    private static async Task WriteAsync(HttpListenerResponse target, SandboxResponse response, CancellationToken cancellationToken)
    {
        target.StatusCode = response.Status;
        target.ContentType = response.ContentType;
        foreach (var header in response.Headers)
        {
            target.Headers[header.Key] = header.Value;
        }

        if (response.Stream is not null)
        {
            target.SendChunked = true;
            await target.OutputStream.WriteAsync(response.Body, 0, response.Body.Length, cancellationToken).ConfigureAwait(false);
            await target.OutputStream.FlushAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await response.Stream.WriteAsync(target.OutputStream, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or HttpListenerException or OperationCanceledException or ObjectDisposedException)
            {
                // The client went away or the sandbox is stopping: the stream simply ends.
            }
        }
        else
        {
            target.ContentLength64 = response.Body.Length;
            await target.OutputStream.WriteAsync(response.Body, 0, response.Body.Length, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            target.Close();
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or IOException)
        {
        }
    }

    private static void TryWriteServerError(HttpListenerResponse target, Exception ex)
    {
        try
        {
            var body = System.Text.Encoding.UTF8.GetBytes("{\"message\":\"sandbox stand-in failed: " + ex.Message.Replace("\"", "'") + "\"}");
            target.StatusCode = 500;
            target.ContentType = "application/json";
            target.ContentLength64 = body.Length;
            target.OutputStream.Write(body, 0, body.Length);
            target.Close();
        }
        catch (Exception inner) when (inner is HttpListenerException or ObjectDisposedException or InvalidOperationException or IOException)
        {
        }
    }
}
