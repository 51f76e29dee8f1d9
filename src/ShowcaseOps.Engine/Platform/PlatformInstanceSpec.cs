using System;
using System.Linq;
using ShowcaseOps.Core.Net;

namespace ShowcaseOps.Core.Platform;

/// <summary>One running instance of a service (for example a Marathon task): where it listens.</summary>
public sealed class PlatformInstanceSpec
{
    public PlatformInstanceSpec(string service, string instanceId, string address, int port, string? checkPath = null, int? checkPort = null)
    {
        Service = PlatformNames.Require(service, nameof(service));
        InstanceId = PlatformNames.Require(instanceId, nameof(instanceId));
        if (string.IsNullOrWhiteSpace(address) || address.Any(c => char.IsWhiteSpace(c) || c is '/' or '@' or '?' or '#'))
        {
            throw new ArgumentException($"'{address}' is not a host name or IP address.", nameof(address));
        }

        if (port < 1 || port > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(port), port, "A port is between 1 and 65535.");
        }

        if (checkPath is not null && !IsCheckPath(checkPath))
        {
            throw new ArgumentException($"'{checkPath}' is not a health check path (it starts with '/' and has letters, digits and - . _ ~ / only).", nameof(checkPath));
        }

        if (checkPort is < 1 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(checkPort), checkPort, "A port is between 1 and 65535.");
        }

        Address = address;
        Port = port;
        CheckPath = checkPath;
        CheckPort = checkPort ?? port;
    }

    /// <summary>The HTTP path of the instance's Consul check; null for a TCP check (the app's Marathon health check is TCP, or it has none).</summary>
    public string? CheckPath { get; }

    /// <summary>The port the check connects to (the instance port unless the Marathon health check names another).</summary>
    public int CheckPort { get; }

    /// <summary>How the check is marked in the entry's Meta (<c>http:8080:/health</c>, <c>tcp:31000</c>), so a re-run can tell it is unchanged.</summary>
    public string CheckMark => CheckPath is null
        ? "tcp:" + CheckPort.ToString(System.Globalization.CultureInfo.InvariantCulture)
        : "http:" + CheckPort.ToString(System.Globalization.CultureInfo.InvariantCulture) + ":" + CheckPath;

    /// <summary>A check path: <c>/</c> then letters, digits and <c>- . _ ~ /</c> (up to 200 characters).</summary>
    public static bool IsCheckPath(string? path) =>
        path is { Length: >= 1 and <= 200 } && path[0] == '/'
        && path.All(c => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c is '-' or '.' or '_' or '~' or '/');

    public string Service { get; }

    public string InstanceId { get; }

    public string Address { get; }

    public int Port { get; }

    /// <summary>The Vulcand server URL, <c>http://address:port</c>.</summary>
    public string Url => HttpUrl.Format(Address, Port);

    public override string ToString() => $"{Service}/{InstanceId} {Address}:{Port}";
}
