using System;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace ShowcaseOps.Sandbox.Hosting;

/// <summary>
/// Serves one stand-in on its own loopback port (an ephemeral one) with a small HTTP/1.1 server: keep-alive,
/// <c>Expect: 100-continue</c>, Content-Length and chunked request bodies, chunked streaming responses (SSE).
/// HttpListener was not used: it writes headers and body separately, and with Nagle and delayed ACKs every request on
/// a kept-alive connection stalled ~40 ms. Here each response is one write on a TCP_NODELAY socket.
/// </summary>
internal sealed class StandInListener : IDisposable
{
    private const int MaxHeaderBytes = 64 * 1024;
    private static readonly string[] LineSeparator = { "\r\n" };
    private readonly StandIn _standIn;
    private readonly SandboxHost _host;
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<TcpClient> _connections = new();
    private Task? _loop;

    private readonly Func<string?, System.Security.Cryptography.X509Certificates.X509Certificate2>? _serverCertificate;

    /// <param name="standIn">The stand-in that answers.</param>
    /// <param name="host">The sandbox (request log, faults, latency).</param>
    /// <param name="serverCertificate">Serves TLS (https) with the certificate this picks for the ClientHello's server name; null for plain HTTP.</param>
    public StandInListener(StandIn standIn, SandboxHost host, Func<string?, System.Security.Cryptography.X509Certificates.X509Certificate2>? serverCertificate = null)
    {
        _standIn = standIn;
        _host = host;
        _serverCertificate = serverCertificate;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Endpoint = new Uri($"{(serverCertificate is null ? "http" : "https")}://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
    }

    public Uri Endpoint { get; }

    public void Start() => _loop = Task.Run(AcceptLoopAsync);

    public void Dispose()
    {
        _stopping.Cancel();
        _listener.Stop();
        lock (_connections)
        {
            foreach (var connection in _connections)
            {
                connection.Dispose();
            }

            _connections.Clear();
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

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            client.NoDelay = true;
            lock (_connections)
            {
                _connections.Add(client);
            }

            _ = Task.Run(() => ServeConnectionAsync(client));
        }
    }

    private async Task ServeConnectionAsync(TcpClient client)
    {
        try
        {
            using var stream = await OpenAsync(client).ConfigureAwait(false);
            var reader = new BufferedReader(stream);
            while (!_stopping.IsCancellationRequested)
            {
                var head = await reader.ReadHeadAsync(MaxHeaderBytes, _stopping.Token).ConfigureAwait(false);
                if (head is null)
                {
                    return;
                }

                var keepAlive = await ServeRequestAsync(head, reader, stream).ConfigureAwait(false);
                if (!keepAlive)
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException or InvalidDataException)
        {
            // The client went away, sent garbage, or the sandbox is stopping.
        }
        finally
        {
            lock (_connections)
            {
                _connections.Remove(client);
            }

            client.Dispose();
        }
    }

    private async Task<Stream> OpenAsync(TcpClient client)
    {
        var network = client.GetStream();
        if (_serverCertificate is null)
        {
            return network;
        }

        var tls = new System.Net.Security.SslStream(network, leaveInnerStreamOpen: false);
        var options = new System.Net.Security.SslServerAuthenticationOptions
        {
            ServerCertificateSelectionCallback = (_, serverName) => _serverCertificate(serverName),
            ClientCertificateRequired = false,
        };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            await tls.AuthenticateAsServerAsync(options, timeout.Token).ConfigureAwait(false);
        }
        catch (System.Security.Authentication.AuthenticationException ex)
        {
            // A client that does not trust the certificate aborts the handshake: nothing to answer.
            await tls.DisposeAsync().ConfigureAwait(false);
            throw new IOException("TLS handshake failed: " + ex.Message, ex);
        }

        return tls;
    }

    private async Task<bool> ServeRequestAsync(string head, BufferedReader reader, Stream stream)
    {
        var watch = Stopwatch.StartNew();
        var started = DateTime.UtcNow;
        var (method, target, headers, keepAlive) = ParseHead(head);
        var body = await ReadBodyAsync(headers, reader, stream).ConfigureAwait(false);
        var (rawPath, query) = SplitTarget(target);
        var identity = new RequestIdentity("?", rawPath);
        var logged = false;
        var status = 500;
        string? errorCode = null;
        try
        {
            var request = new SandboxRequest(method, Uri.UnescapeDataString(rawPath), query, headers, body);
            identity = _standIn.Identify(request);
            var delay = _host.Latency.For(_standIn.Service, identity.Operation);
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, _stopping.Token).ConfigureAwait(false);
            }

            var fault = _host.Faults.Match(_standIn.Service, identity.Operation);
            SandboxResponse response;
            try
            {
                response = fault is { LosesAnswer: false }
                    ? _standIn.FaultResponse(fault)
                    : await _standIn.HandleAsync(request, identity, _stopping.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not (OperationCanceledException or OutOfMemoryException))
            {
                errorCode = "SandboxError: " + ex.GetType().Name + ": " + ex.Message;
                response = SandboxResponse.Json(500, new { message = "sandbox stand-in failed: " + ex.Message });
            }

            status = response.Status;
            errorCode ??= response.ErrorCode;
            if (fault is { LosesAnswer: true })
            {
                // Acted on, never answered: the connection closes as if reset after the server did the work.
                errorCode = "AnswerLost" + (errorCode is null ? string.Empty : " (" + errorCode + ")");
                LogOnce();
                return false;
            }

            LogOnce();
            if (response.Stream is not null)
            {
                await WriteStreamAsync(stream, response, method).ConfigureAwait(false);
                return false;
            }

            await WriteAsync(stream, response, method, keepAlive).ConfigureAwait(false);
            return keepAlive;
        }
        finally
        {
            LogOnce();
        }

        // Logged before the answer is written, so whoever reads the log right after the call sees this request.
        void LogOnce()
        {
            if (!logged)
            {
                logged = true;
                _host.Log.Add(started, _standIn.Service, identity.Operation, identity.Target, status, errorCode, watch.Elapsed.TotalMilliseconds, RequestLog.AccessKeyOf(headers));
            }
        }
    }

    private static (string Method, string Target, NameValueCollection Headers, bool KeepAlive) ParseHead(string head)
    {
        var lines = head.Split(LineSeparator, StringSplitOptions.None);
        var requestLine = lines[0].Split(' ');
        if (requestLine.Length != 3)
        {
            throw new InvalidDataException("Bad request line.");
        }

        var headers = new NameValueCollection(StringComparer.OrdinalIgnoreCase);
        for (var i = 1; i < lines.Length; i++)
        {
            var colon = lines[i].IndexOf(':');
            if (colon > 0)
            {
                headers.Add(lines[i].Substring(0, colon).Trim(), lines[i].Substring(colon + 1).Trim());
            }
        }

        var http10 = requestLine[2] == "HTTP/1.0";
        var connection = headers["Connection"] ?? string.Empty;
        var keepAlive = http10 ? connection.Equals("keep-alive", StringComparison.OrdinalIgnoreCase) : !connection.Equals("close", StringComparison.OrdinalIgnoreCase);
        return (requestLine[0], requestLine[1], headers, keepAlive);
    }

    private async Task<byte[]> ReadBodyAsync(NameValueCollection headers, BufferedReader reader, Stream stream)
    {
        if (string.Equals(headers["Expect"], "100-continue", StringComparison.OrdinalIgnoreCase))
        {
            var proceed = Encoding.ASCII.GetBytes("HTTP/1.1 100 Continue\r\n\r\n");
            await stream.WriteAsync(proceed, 0, proceed.Length, _stopping.Token).ConfigureAwait(false);
        }

        if ((headers["Transfer-Encoding"] ?? string.Empty).IndexOf("chunked", StringComparison.OrdinalIgnoreCase) >= 0)
        {
            return await reader.ReadChunkedAsync(_stopping.Token).ConfigureAwait(false);
        }

        var length = long.TryParse(headers["Content-Length"], NumberStyles.None, CultureInfo.InvariantCulture, out var declared) ? declared : 0;
        return await reader.ReadExactAsync(checked((int)length), _stopping.Token).ConfigureAwait(false);
    }

    private static (string RawPath, NameValueCollection Query) SplitTarget(string target)
    {
        var queryStart = target.IndexOf('?');
        var rawPath = queryStart < 0 ? target : target.Substring(0, queryStart);
        var query = queryStart < 0 ? new NameValueCollection(StringComparer.Ordinal) : FormEncoding.Parse(target.Substring(queryStart + 1));
        if (rawPath.StartsWith("http://", StringComparison.OrdinalIgnoreCase) && Uri.TryCreate(rawPath, UriKind.Absolute, out var absolute))
        {
            rawPath = absolute.AbsolutePath;
        }

        return (rawPath, query);
    }

    private async Task WriteAsync(Stream stream, SandboxResponse response, string method, bool keepAlive)
    {
        var head = Head(response, keepAlive, chunked: false);
        var body = method == "HEAD" ? Array.Empty<byte>() : response.Body;
        var buffer = new byte[head.Length + body.Length];
        Buffer.BlockCopy(head, 0, buffer, 0, head.Length);
        Buffer.BlockCopy(body, 0, buffer, head.Length, body.Length);
        await stream.WriteAsync(buffer, 0, buffer.Length, _stopping.Token).ConfigureAwait(false);
    }

    private async Task WriteStreamAsync(Stream stream, SandboxResponse response, string method)
    {
        var head = Head(response, keepAlive: false, chunked: true);
        await stream.WriteAsync(head, 0, head.Length, _stopping.Token).ConfigureAwait(false);
        if (method == "HEAD")
        {
            return;
        }

        var chunked = new ChunkedWriteStream(stream);
        await chunked.WriteAsync(response.Body, 0, response.Body.Length, _stopping.Token).ConfigureAwait(false);
        try
        {
            await response.Stream!.WriteAsync(chunked, _stopping.Token).ConfigureAwait(false);
            await chunked.CompleteAsync(_stopping.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away or the sandbox is stopping: the stream simply ends.
        }
    }

    private static byte[] Head(SandboxResponse response, bool keepAlive, bool chunked)
    {
        var head = new StringBuilder();
        head.Append("HTTP/1.1 ").Append(response.Status.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(Reason(response.Status)).Append("\r\n");
        head.Append("Content-Type: ").Append(response.ContentType).Append("\r\n");
        head.Append(chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + response.Body.Length.ToString(CultureInfo.InvariantCulture) + "\r\n");
        head.Append("Date: ").Append(DateTime.UtcNow.ToString("r", CultureInfo.InvariantCulture)).Append("\r\n");
        head.Append("Connection: ").Append(keepAlive ? "keep-alive" : "close").Append("\r\n");
        foreach (var header in response.Headers)
        {
            head.Append(header.Key).Append(": ").Append(header.Value).Append("\r\n");
        }

        head.Append("\r\n");
        return Encoding.ASCII.GetBytes(head.ToString());
    }

    private static string Reason(int status) => status switch
    {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        409 => "Conflict",
        413 => "Payload Too Large",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    };

    /// <summary>Reads a request head and bodies from a socket stream, keeping what it read ahead.</summary>
    private sealed class BufferedReader
    {
        private readonly Stream _stream;
        private byte[] _buffer = new byte[16 * 1024];
        private int _start;
        private int _end;

        public BufferedReader(Stream stream) => _stream = stream;

        /// <summary>The head up to (not including) the blank line, or null when the client closed the connection.</summary>
        public async Task<string?> ReadHeadAsync(int maxBytes, CancellationToken cancellationToken)
        {
            while (true)
            {
                var index = IndexOfHeadEnd();
                if (index >= 0)
                {
                    var head = Encoding.ASCII.GetString(_buffer, _start, index - _start);
                    _start = index + 4;
                    return head;
                }

                if (_end - _start > maxBytes)
                {
                    throw new InvalidDataException("Request head too large.");
                }

                if (!await FillAsync(cancellationToken).ConfigureAwait(false))
                {
                    return null;
                }
            }
        }

        public async Task<byte[]> ReadExactAsync(int count, CancellationToken cancellationToken)
        {
            var result = new byte[count];
            var copied = 0;
            while (copied < count)
            {
                if (_start == _end && !await FillAsync(cancellationToken).ConfigureAwait(false))
                {
                    throw new IOException("Connection closed in the middle of a body.");
                }

                var take = Math.Min(count - copied, _end - _start);
                Buffer.BlockCopy(_buffer, _start, result, copied, take);
                _start += take;
                copied += take;
            }

            return result;
        }

        public async Task<byte[]> ReadChunkedAsync(CancellationToken cancellationToken)
        {
            using var body = new MemoryStream();
            while (true)
            {
                var sizeLine = await ReadLineAsync(cancellationToken).ConfigureAwait(false);
                var semicolon = sizeLine.IndexOf(';');
                var size = int.Parse(semicolon < 0 ? sizeLine : sizeLine.Substring(0, semicolon), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                if (size == 0)
                {
                    while ((await ReadLineAsync(cancellationToken).ConfigureAwait(false)).Length > 0)
                    {
                        // trailers are ignored
                    }

                    return body.ToArray();
                }

                var chunk = await ReadExactAsync(size, cancellationToken).ConfigureAwait(false);
                body.Write(chunk, 0, chunk.Length);
                await ReadLineAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        private async Task<string> ReadLineAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                for (var i = _start; i + 1 < _end; i++)
                {
                    if (_buffer[i] == '\r' && _buffer[i + 1] == '\n')
                    {
                        var line = Encoding.ASCII.GetString(_buffer, _start, i - _start);
                        _start = i + 2;
                        return line;
                    }
                }

                if (!await FillAsync(cancellationToken).ConfigureAwait(false))
                {
                    throw new IOException("Connection closed in the middle of a chunked body.");
                }
            }
        }

        private int IndexOfHeadEnd()
        {
            for (var i = _start; i + 3 < _end; i++)
            {
                if (_buffer[i] == '\r' && _buffer[i + 1] == '\n' && _buffer[i + 2] == '\r' && _buffer[i + 3] == '\n')
                {
                    return i;
                }
            }

            return -1;
        }

        private async Task<bool> FillAsync(CancellationToken cancellationToken)
        {
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }

            if (_end == _buffer.Length)
            {
                Array.Resize(ref _buffer, _buffer.Length * 2);
            }

            var read = await _stream.ReadAsync(_buffer, _end, _buffer.Length - _end, cancellationToken).ConfigureAwait(false);
            _end += read;
            return read > 0;
        }
    }

    /// <summary>Frames every write as one HTTP chunk (and skips empty writes, which would end the response).</summary>
    private sealed class ChunkedWriteStream : Stream
    {
        private readonly Stream _inner;

        public ChunkedWriteStream(Stream inner) => _inner = inner;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override async Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            if (count == 0)
            {
                return;
            }

            var prefix = Encoding.ASCII.GetBytes(count.ToString("x", CultureInfo.InvariantCulture) + "\r\n");
            var frame = new byte[prefix.Length + count + 2];
            Buffer.BlockCopy(prefix, 0, frame, 0, prefix.Length);
            Buffer.BlockCopy(buffer, offset, frame, prefix.Length, count);
            frame[frame.Length - 2] = (byte)'\r';
            frame[frame.Length - 1] = (byte)'\n';
            await _inner.WriteAsync(frame, 0, frame.Length, cancellationToken).ConfigureAwait(false);
        }

        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

        public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

        public override void Flush() => _inner.Flush();

        public async Task CompleteAsync(CancellationToken cancellationToken)
        {
            var end = Encoding.ASCII.GetBytes("0\r\n\r\n");
            await _inner.WriteAsync(end, 0, end.Length, cancellationToken).ConfigureAwait(false);
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
