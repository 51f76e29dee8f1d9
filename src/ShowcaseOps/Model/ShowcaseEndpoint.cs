using System;
using System.Collections.Generic;
using System.Linq;

namespace ShowcaseOps.Model;

/// <summary>Whether an endpoint is a registered service or one of the gateway's own UIs (Mesos, Marathon).</summary>
public enum ShowcaseEndpointKind
{
    Service,
    Gateway,
}

/// <summary>
/// How to reach a service (or a gateway UI) from outside: the gateway's public URL (https; plain http is redirected),
/// the Host header Kong routes on, the hosts-file line that makes <c>https://web.service.consul/</c> work in a browser,
/// and a curl command line that needs no hosts file.
/// </summary>
public sealed class ShowcaseEndpoint
{
    private static readonly string[] HttpsOnly = { "https" };

    internal ShowcaseEndpoint(string cluster, string name, ShowcaseEndpointKind kind, string hostName, string publicIpAddress, IReadOnlyList<string> protection, string? apiKeyParameter)
        : this(cluster, name, kind, hostName, publicIpAddress, protection, apiKeyParameter, HttpsOnly, 308)
    {
    }

    internal ShowcaseEndpoint(string cluster, string name, ShowcaseEndpointKind kind, string hostName, string publicIpAddress, IReadOnlyList<string> protection, string? apiKeyParameter,
        IReadOnlyList<string> protocols, int httpsRedirectStatusCode)
    {
        Protocols = protocols;
        HttpsRedirectStatusCode = httpsRedirectStatusCode;
        Cluster = cluster;
        Name = name;
        Kind = kind;
        HostName = hostName;
        PublicIpAddress = publicIpAddress;
        Protection = protection;
        ApiKeyParameter = apiKeyParameter;
    }

    public string Cluster { get; }

    /// <summary>The service (<c>web</c>) or gateway UI (<c>mesos</c>, <c>marathon</c>).</summary>
    public string Name { get; }

    public ShowcaseEndpointKind Kind { get; }

    /// <summary>The Host header Kong routes on (<c>web.service.consul</c>).</summary>
    public string HostName { get; }

    /// <summary>The gateway's public IP address.</summary>
    public string PublicIpAddress { get; }

    /// <summary>The route's protocols in Kong: <c>https</c> only for what this module registers.</summary>
    public IReadOnlyList<string> Protocols { get; }

    /// <summary>What a plain-HTTP request gets when the route is https-only: 308 (a redirect to https), or Kong's 426.</summary>
    public int HttpsRedirectStatusCode { get; }

    private bool Https => Protocols.Contains("https");

    private string Scheme => Https ? "https://" : "http://";

    /// <summary>The URL to call, with <see cref="HostHeader"/>: <c>https://&lt;gateway public ip&gt;/</c> (http when the route allows only http).</summary>
    public string Url => Scheme + PublicIpAddress + "/";

    /// <summary>The plain-HTTP URL that answers <see cref="HttpsRedirectStatusCode"/> (redirects to https), or null when the route serves http itself.</summary>
    public string? RedirectUrl => Https && !Protocols.Contains("http") ? "http://" + PublicIpAddress + "/" : null;

    /// <summary>The header to send with <see cref="Url"/>: <c>Host: web.service.consul</c>.</summary>
    public string HostHeader => "Host: " + HostName;

    /// <summary>The URL once <see cref="HostsFileLine"/> is in the hosts file: <c>https://web.service.consul/</c>.</summary>
    public string NamedUrl => Scheme + HostName + "/";

    /// <summary>
    /// A curl command line that needs no hosts file: <c>curl --resolve web.service.consul:443:&lt;ip&gt; --cacert gateway-&lt;cluster&gt;.pem https://web.service.consul/</c>
    /// (write the pem from the gateway-tls-certificate parameter, see docs/gateway.md; drop --cacert for a certificate from a public CA).
    /// </summary>
    public string CurlCommand => Https
        ? "curl --resolve " + HostName + ":443:" + PublicIpAddress + " --cacert gateway-" + Cluster + ".pem " + NamedUrl
        : "curl --resolve " + HostName + ":80:" + PublicIpAddress + " " + NamedUrl;

    /// <summary>The line for /etc/hosts (or C:\Windows\System32\drivers\etc\hosts): <c>&lt;public ip&gt; web.service.consul</c>.</summary>
    public string HostsFileLine => PublicIpAddress + " " + HostName;

    /// <summary>Kong plugins on the route: <c>ip-restriction</c>, <c>key-auth</c>; empty when open to everyone.</summary>
    public IReadOnlyList<string> Protection { get; }

    /// <summary>For key-auth: the SecureString parameter holding the key (send it as header <c>apikey</c>).</summary>
    public string? ApiKeyParameter { get; }

    public override string ToString() => NamedUrl;
}
