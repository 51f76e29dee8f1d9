using System;
using System.Globalization;
using System.Linq;
using ShowcaseOps.Core.Cluster;
using ShowcaseOps.Core.Net;

namespace ShowcaseOps.Core.Services;

/// <summary>
/// What the registration cmdlets accept before anything is sent: service names are DNS labels (they become
/// <c>&lt;name&gt;.&lt;domain&gt;</c>), instance ids are platform names, addresses are IPv4 or host names, ports 1–65535,
/// CIDRs are IPv4 blocks or single addresses. Everything else is refused at the parameter, so no user text that could
/// mean something to a shell ever reaches a script (the scripts carry it only inside a base64 archive anyway).
/// </summary>
public static class RegistrationInput
{
    /// <summary>RFC 1123 label, lower case: <c>a-z 0-9 -</c>, 1–63 characters, no leading or trailing hyphen.</summary>
    public static bool IsServiceName(string? name) =>
        !string.IsNullOrEmpty(name) && name!.Length <= 63 && name[0] != '-' && name[name.Length - 1] != '-'
        && name.All(c => (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-');

    /// <summary>An instance id: ASCII letters, digits, <c>.</c>, <c>_</c>, <c>-</c>, 1–128 characters, not only dots (what MarathonTaskInfo.InstanceId produces).</summary>
    public static bool IsInstanceId(string? id) =>
        !string.IsNullOrEmpty(id) && id!.Length <= 128 && id.Trim('.').Length > 0
        && id.All(c => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c is '.' or '_' or '-');

    /// <summary>A dotted-quad IPv4 address (each part 0–255, no leading zeros) or a DNS host name (labels of <c>a-z A-Z 0-9 -</c>, at most 253 characters).</summary>
    public static bool IsHostAddress(string? address)
    {
        if (string.IsNullOrEmpty(address) || address!.Length > 253)
        {
            return false;
        }

        if (address.All(c => (c >= '0' && c <= '9') || c == '.'))
        {
            return IsIpv4(address);
        }

        var labels = address.TrimEnd('.').Split('.');
        return labels.All(l => l.Length is > 0 and <= 63 && l[0] != '-' && l[l.Length - 1] != '-'
                               && l.All(c => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'))
               && !labels[labels.Length - 1].All(char.IsDigit);
    }

    public static bool IsIpv4(string? address) => Ipv4Address.IsValid(address);

    public static bool IsPort(int port) => port >= 1 && port <= 65535;

    /// <summary>An IPv4 CIDR block with its network address (<c>203.0.113.0/24</c>) or a single IPv4 address, as Kong's ip-restriction takes them.</summary>
    public static bool IsCidr(string? text) => IsIpv4(text) || (text is not null && Ipv4Cidr.TryParse(text, out _) && IsIpv4(text.Substring(0, text.IndexOf('/'))));

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="name"/> is a service name.</summary>
    public static string RequireServiceName(string name, string parameter = "name") =>
        IsServiceName(name) ? name : throw new ArgumentException($"'{name}' is not a DNS label: use lower-case letters, digits and '-' (1 to 63, not starting or ending with '-').", parameter);
}
