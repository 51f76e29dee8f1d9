using System;
using System.Collections.Generic;

namespace ShowcaseOps.Model;

/// <summary>Whether an endpoint is a registered service or one of the gateway's own UIs (Mesos, Marathon).</summary>
public enum ShowcaseEndpointKind
{
    Service,
    Gateway,
}

/// <summary>
/// How to reach a service (or a gateway UI) from outside: the gateway's public URL, the Host header Kong routes on, and
/// the hosts-file line that makes <c>http://web.service.consul/</c> work in a browser.
/// </summary>
public sealed class ShowcaseEndpoint
{
    internal ShowcaseEndpoint(string cluster, string name, ShowcaseEndpointKind kind, string hostName, string publicIpAddress, IReadOnlyList<string> protection, string? apiKeyParameter)
    {
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

    /// <summary>The URL to call, with <see cref="HostHeader"/>: <c>http://&lt;gateway public ip&gt;/</c>.</summary>
    public string Url => "http://" + PublicIpAddress + "/";

    /// <summary>The header to send with <see cref="Url"/>: <c>Host: web.service.consul</c>.</summary>
    public string HostHeader => "Host: " + HostName;

    /// <summary>The URL once <see cref="HostsFileLine"/> is in the hosts file: <c>http://web.service.consul/</c>.</summary>
    public string NamedUrl => "http://" + HostName + "/";

    /// <summary>The line for /etc/hosts (or C:\Windows\System32\drivers\etc\hosts): <c>&lt;public ip&gt; web.service.consul</c>.</summary>
    public string HostsFileLine => PublicIpAddress + " " + HostName;

    /// <summary>Kong plugins on the route: <c>ip-restriction</c>, <c>key-auth</c>; empty when open to everyone.</summary>
    public IReadOnlyList<string> Protection { get; }

    /// <summary>For key-auth: the SecureString parameter holding the key (send it as header <c>apikey</c>).</summary>
    public string? ApiKeyParameter { get; }

    public override string ToString() => NamedUrl;
}
