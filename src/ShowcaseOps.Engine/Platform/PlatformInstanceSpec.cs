using System;
using System.Linq;
using ShowcaseOps.Core.Net;

namespace ShowcaseOps.Core.Platform;

/// <summary>One running instance of a service (for example a Marathon task): where it listens.</summary>
public sealed class PlatformInstanceSpec
{
    public PlatformInstanceSpec(string service, string instanceId, string address, int port)
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

        Address = address;
        Port = port;
    }

    public string Service { get; }

    public string InstanceId { get; }

    public string Address { get; }

    public int Port { get; }

    /// <summary>The Vulcand server URL, <c>http://address:port</c>.</summary>
    public string Url => HttpUrl.Format(Address, Port);

    public override string ToString() => $"{Service}/{InstanceId} {Address}:{Port}";
}
