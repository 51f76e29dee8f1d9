using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using ShowcaseOps.Core.Aws;
using ShowcaseOps.Core.Execution;

namespace ShowcaseOps.Core.Services;

/// <summary>Where Invoke-ShowcaseRequest sends its requests: the gateway's address and port, the service's host name and the path.</summary>
public sealed class GatewayRequestTarget
{
    public GatewayRequestTarget(string cluster, string service, string domain, string gatewayAddress, int port, string scheme, string path)
    {
        if (!RegistrationInput.IsServiceName(service))
        {
            throw new ArgumentException($"'{service}' is not a service name (a DNS label).", nameof(service));
        }

        if (!RegistrationInput.IsHostAddress(gatewayAddress) || !RegistrationInput.IsPort(port))
        {
            throw new ArgumentException($"'{gatewayAddress}:{port}' is not an address and port.", nameof(gatewayAddress));
        }

        if (scheme is not ("http" or "https"))
        {
            throw new ArgumentException("The scheme is http or https.", nameof(scheme));
        }

        if (string.IsNullOrEmpty(path) || path[0] != '/' || path.Any(c => c <= ' ' || c >= 127 || c == '#'))
        {
            throw new ArgumentException("The path starts with / and has no spaces, controls or #.", nameof(path));
        }

        Cluster = cluster;
        Service = service;
        HostName = service + "." + domain;
        GatewayAddress = gatewayAddress;
        Port = port;
        Scheme = scheme;
        Path = path;
    }

    public string Cluster { get; }

    public string Service { get; }

    /// <summary><c>&lt;service&gt;.&lt;domain&gt;</c>: the URL's host, so the Host header and the TLS server name (SNI).</summary>
    public string HostName { get; }

    /// <summary>Where the connection goes (the gateway's public address, or the sandbox's loopback): like <c>curl --resolve</c>.</summary>
    public string GatewayAddress { get; }

    public int Port { get; }

    public string Scheme { get; }

    public string Path { get; }

    /// <summary>
    /// The URL as a client names it, on the scheme's port: <c>https://web.service.consul/</c>. The connection goes to
    /// <see cref="GatewayAddress"/>:<see cref="Port"/> (the public address on 443/80, or the sandbox's loopback ports).
    /// </summary>
    public Uri Url => new UriBuilder(Scheme, HostName, -1, Path.Split('?')[0]) { Query = Path.Contains('?') ? Path.Substring(Path.IndexOf('?') + 1) : string.Empty }.Uri;
}

/// <summary>One request through the gateway and its answer.</summary>
public sealed record GatewayRequestResult(int Sequence, string Service, Uri Url, int StatusCode, string? Instance, string? Location, TimeSpan Elapsed, string Body);

/// <summary>
/// Sends requests through the gateway as a client on the internet would: connects to the gateway's address (like
/// <c>curl --resolve</c>) with the service's host name in the URL (so Host and SNI are <c>&lt;service&gt;.&lt;domain&gt;</c>),
/// never following redirects, trusting for these requests only — besides what the system trusts — the certificate kept in
/// Parameter Store for the cluster (<see cref="GatewayCertificate.CertificateParameterName"/>). The answering task is the
/// <c>X-Showcase-Instance</c> header (the sandbox's tasks send it; an app may too).
/// </summary>
public static class GatewayRequester
{
    public const string InstanceHeader = "X-Showcase-Instance";

    public static async Task<IReadOnlyList<GatewayRequestResult>> SendAsync(
        AwsConnectionSettings settings, GatewayRequestTarget target, int count, Action<GatewayRequestResult>? each, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        if (settings is null || target is null)
        {
            throw new ArgumentNullException(settings is null ? nameof(settings) : nameof(target));
        }

        string? pinned = null;
        if (target.Scheme == "https")
        {
            using var ssm = AwsClientFactory.CreateSsm(settings);
            var pem = await GatewayCertificateStore.ReadCertificatePemAsync(ssm, target.Cluster, reporter, cancellationToken).ConfigureAwait(false);
            pinned = pem is null ? null : Thumbprint(pem);
            reporter.Verbose(pinned is null
                ? $"No certificate in {GatewayCertificate.CertificateParameterName(target.Cluster)}: only certificates the system trusts are accepted."
                : $"Trusting for these requests the gateway certificate from {GatewayCertificate.CertificateParameterName(target.Cluster)} (SHA-256 {pinned}).");
        }

        using var handler = Handler(target, pinned);
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        var results = new List<GatewayRequestResult>();
        for (var i = 1; i <= count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var result = await SendOneAsync(client, target, i, cancellationToken).ConfigureAwait(false);
            results.Add(result);
            each?.Invoke(result);
        }

        return results;
    }

    private static async Task<GatewayRequestResult> SendOneAsync(HttpClient client, GatewayRequestTarget target, int sequence, CancellationToken cancellationToken)
    {
        var url = target.Url;
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.TryAddWithoutValidation("User-Agent", "ShowcaseOps-Invoke-ShowcaseRequest");
        var watch = Stopwatch.StartNew();
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            watch.Stop();
            var instance = response.Headers.TryGetValues(InstanceHeader, out var values) ? values.FirstOrDefault() : null;
            return new GatewayRequestResult(sequence, target.Service, url, (int)response.StatusCode, instance, response.Headers.Location?.ToString(), watch.Elapsed, body.Length > 2000 ? body.Substring(0, 2000) : body);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            var reason = Innermost(ex).Message;
            throw new ShowcaseException(ShowcaseErrors.ShowcaseRequestFailed, url.ToString(),
                $"Request {sequence.ToString(CultureInfo.InvariantCulture)} to {url} through the gateway at {target.GatewayAddress}:{target.Port.ToString(CultureInfo.InvariantCulture)} got no HTTP answer: {reason}")
            {
                RecommendedAction = "Check the gateway runs and is reachable on that port (Test-ShowcaseCluster), and that Register-ShowcaseGateway installed its certificate; then try again.",
            };
        }
    }

    private static SocketsHttpHandler Handler(GatewayRequestTarget target, string? pinned) => new()
    {
        AllowAutoRedirect = false,
        UseProxy = false,
        UseCookies = false,
        ConnectTimeout = TimeSpan.FromSeconds(10),
        ConnectCallback = async (context, ct) =>
        {
            // Always the gateway, whatever the URL's host resolves to (as curl --resolve does).
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(target.GatewayAddress, target.Port, ct).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
        SslOptions = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                errors == SslPolicyErrors.None || (pinned is not null && certificate is not null && Thumbprint(certificate.GetRawCertData()) == pinned),
        },
    };

    private static string Thumbprint(string pem)
    {
        using var certificate = X509Certificate2.CreateFromPem(pem);
        return Thumbprint(certificate.RawData);
    }

    private static string Thumbprint(byte[] der)
    {
        using var sha = SHA256.Create();
        return string.Concat(sha.ComputeHash(der).Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
    }

    private static Exception Innermost(Exception ex)
    {
        while (ex.InnerException is not null)
        {
            ex = ex.InnerException;
        }

        return ex;
    }
}
