using System;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using ShowcaseOps.Sandbox.Hosting;

namespace ShowcaseOps.Sandbox.DataPlane;

/// <summary>
/// Kong's proxy listeners on the gateway (80 and 443 on AWS) as loopback ports: a request's Host header picks the route
/// (<see cref="StandIns.KongStandIn.ProxyAsync"/>), over plain HTTP or TLS (the certificate Kong holds for the SNI, else
/// its self-signed default). Logged in the request log as service <c>kong-proxy</c>.
/// </summary>
public sealed class GatewayProxyStandIn : StandIn
{
    public GatewayProxyStandIn(string scheme)
    {
        Scheme = scheme is "http" or "https" ? scheme : throw new ArgumentException("http or https.", nameof(scheme));
    }

    /// <summary><c>http</c> (port 80 on AWS) or <c>https</c> (443).</summary>
    public string Scheme { get; }

    public override string Service => "kong-proxy";

    public override RequestIdentity Identify(SandboxRequest request) =>
        new(request.Method + " " + Scheme + "://{host}/", HostOnly(request.Headers["Host"]) + request.Path);

    public override async Task<SandboxResponse> HandleAsync(SandboxRequest request, RequestIdentity identity, CancellationToken cancellationToken)
    {
        var host = HostOnly(request.Headers["Host"]);
        if (host.Length == 0)
        {
            return SandboxResponse.RawJson(400, "{\"message\":\"Bad request: no Host header\"}");
        }

        var target = request.Path + Query(request);
        var proxied = await Host.Kong.ProxyAsync(host, target, Scheme, request.Method, cancellationToken).ConfigureAwait(false);
        var response = new SandboxResponse(proxied.Status, proxied.ContentType, Encoding.UTF8.GetBytes(proxied.Body));
        foreach (var header in proxied.Headers)
        {
            response.Headers[header.Key] = header.Value;
        }

        response.Headers["Via"] = "kong/" + StandIns.KongStandIn.Version;
        if (proxied.Status >= 400)
        {
            response.ErrorCode = proxied.Hops.Count > 0 ? proxied.Hops[proxied.Hops.Count - 1] : null;
        }

        return response;
    }

    public override void Reset()
    {
    }

    private static string HostOnly(string? host)
    {
        var value = (host ?? string.Empty).Trim().ToLowerInvariant();
        var colon = value.LastIndexOf(':');
        return colon > 0 && value.Substring(colon + 1).All(char.IsDigit) ? value.Substring(0, colon) : value;
    }

    private static string Query(SandboxRequest request)
    {
        if (request.Query.Count == 0)
        {
            return string.Empty;
        }

        var parts = request.Query.AllKeys.SelectMany(k => (request.Query.GetValues(k) ?? Array.Empty<string>())
            .Select(v => k is null ? Uri.EscapeDataString(v) : Uri.EscapeDataString(k) + "=" + Uri.EscapeDataString(v)));
        return "?" + string.Join("&", parts.Select(p => p.ToString(CultureInfo.InvariantCulture)));
    }
}
