using System;
using System.Globalization;

namespace ShowcaseOps.Core.Net;

/// <summary>The http URLs of hosts and ports (Vulcand server URLs, platform API base URLs), written and read one way.</summary>
public static class HttpUrl
{
    /// <summary><c>http://host:port</c>; an IPv6 address is put in brackets.</summary>
    public static string Format(string host, int port) =>
        string.Format(CultureInfo.InvariantCulture, "http://{0}:{1}", host.Contains(":") ? "[" + host + "]" : host, port);

    /// <summary>The host (IPv6 without its brackets) and port of an absolute URL such as a Vulcand server's.</summary>
    public static bool TryParseHostPort(string? url, out string host, out int port)
    {
        if (Uri.TryCreate(url, UriKind.Absolute, out var parsed))
        {
            host = parsed.Host.Trim('[', ']');
            port = parsed.Port;
            return true;
        }

        host = string.Empty;
        port = 0;
        return false;
    }

    /// <summary>An absolute http or https URL, as a platform API endpoint must be.</summary>
    public static bool TryParseEndpoint(string? text, out Uri uri)
    {
        if (Uri.TryCreate(text, UriKind.Absolute, out var parsed) && (parsed.Scheme == Uri.UriSchemeHttp || parsed.Scheme == Uri.UriSchemeHttps))
        {
            uri = parsed;
            return true;
        }

        uri = null!;
        return false;
    }
}
