using System;
using System.Collections.Generic;
using System.Globalization;
using ShowcaseOps.Core.Net;

namespace ShowcaseOps.Core.Platform;

/// <summary>
/// The base URL of each platform admin API, as seen from wherever the requests run: the gateway host for the SSM
/// channel (the batch script calls these URLs there), this machine for the HTTP channel.
/// </summary>
public sealed class PlatformEndpoints
{
    public PlatformEndpoints(Uri consul, Uri vulcand, Uri kong, Uri? marathon = null)
    {
        Consul = Check(consul, nameof(consul));
        Vulcand = Check(vulcand, nameof(vulcand));
        Kong = Check(kong, nameof(kong));
        Marathon = marathon is null ? null : Check(marathon, nameof(marathon));
    }

    /// <summary>The gateway's local Consul agent. Deregistration must reach the agent that registered, or anti-entropy brings the service back.</summary>
    public Uri Consul { get; }

    public Uri Vulcand { get; }

    public Uri Kong { get; }

    public Uri? Marathon { get; }

    /// <summary>
    /// The layout of a real cluster, seen from the gateway host: Consul <c>http://127.0.0.1:8500</c> (its own agent),
    /// Vulcand <c>http://&lt;master&gt;:8182</c>, Kong Admin <c>http://127.0.0.1:8001</c> (the gateway serves it on loopback
    /// only: no security group admits it, and the SSM channel runs on the gateway itself), Marathon <c>http://&lt;master&gt;:8080</c>.
    /// </summary>
    public static PlatformEndpoints ForCluster(string masterIp)
    {
        if (string.IsNullOrWhiteSpace(masterIp))
        {
            throw new ArgumentException("The master's IP address is required.", nameof(masterIp));
        }

        return new PlatformEndpoints(
            Url("127.0.0.1", PlatformTargets.DefaultPort(PlatformTarget.Consul)),
            Url(masterIp, PlatformTargets.DefaultPort(PlatformTarget.Vulcand)),
            Url("127.0.0.1", PlatformTargets.DefaultPort(PlatformTarget.Kong)),
            Url(masterIp, PlatformTargets.DefaultPort(PlatformTarget.Marathon)));
    }

    /// <summary>From a map keyed <c>consul</c>, <c>vulcand</c>, <c>kong</c> (and optionally <c>marathon</c>), such as the sandbox's endpoints.</summary>
    public static PlatformEndpoints FromServiceMap(IReadOnlyDictionary<string, Uri> services)
    {
        if (services is null)
        {
            throw new ArgumentNullException(nameof(services));
        }

        Uri Required(string key) => services.TryGetValue(key, out var uri) ? uri : throw new ArgumentException($"No endpoint for '{key}'.", nameof(services));
        services.TryGetValue("marathon", out var marathon);
        return new PlatformEndpoints(Required("consul"), Required("vulcand"), Required("kong"), marathon);
    }

    public Uri For(PlatformTarget target) => target switch
    {
        PlatformTarget.Consul => Consul,
        PlatformTarget.Vulcand => Vulcand,
        PlatformTarget.Kong => Kong,
        PlatformTarget.Marathon => Marathon ?? throw new InvalidOperationException("No Marathon endpoint was given."),
        _ => throw new ArgumentOutOfRangeException(nameof(target)),
    };

    /// <summary>The absolute URL of a request: the target's base URL (without its trailing slash) followed by the request's path and query.</summary>
    public string UrlFor(PlatformRequest request)
    {
        if (request is null)
        {
            throw new ArgumentNullException(nameof(request));
        }

        return For(request.Target).AbsoluteUri.TrimEnd('/') + request.PathAndQuery;
    }

    public override string ToString() => $"Consul {Consul}, Vulcand {Vulcand}, Kong {Kong}" + (Marathon is null ? string.Empty : $", Marathon {Marathon}");

    private static Uri Url(string host, int port) => new(HttpUrl.Format(host, port) + "/");

    private static Uri Check(Uri uri, string name)
    {
        if (uri is null)
        {
            throw new ArgumentNullException(name);
        }

        if (!uri.IsAbsoluteUri || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || !string.IsNullOrEmpty(uri.Query))
        {
            throw new ArgumentException($"'{uri}' is not an http(s) base URL.", name);
        }

        return uri;
    }
}
