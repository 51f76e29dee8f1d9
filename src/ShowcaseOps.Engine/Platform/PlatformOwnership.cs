using System;
using System.Text;

namespace ShowcaseOps.Core.Platform;

/// <summary>How ShowcaseOps marks what it registered, so reads and the sync touch only what they own.</summary>
public static class PlatformOwnership
{
    /// <summary>Tag on Consul services and Kong services/routes.</summary>
    public const string Tag = "showcaseops";

    /// <summary>Consul service Meta key and value marking ownership.</summary>
    public const string MetaKey = "managed-by";

    public const string MetaValue = "showcaseops";

    /// <summary>Consul Meta key: <c>service</c> (the service's own entry) or <c>instance</c>.</summary>
    public const string RoleKey = "showcase-role";

    /// <summary>Consul Meta key of an instance entry: the instance id.</summary>
    public const string InstanceKey = "showcase-instance";

    /// <summary>Consul Meta key of a service entry: the DNS domain of its Vulcand host.</summary>
    public const string DomainKey = "showcase-domain";

    public const string ServiceRole = "service";

    public const string InstanceRole = "instance";
}

/// <summary>Percent-encoding for path segments of admin API requests.</summary>
public static class PlatformPath
{
    /// <summary>
    /// Encodes one path segment: everything but <c>A-Z a-z 0-9 - _ . ~</c> is percent-encoded (UTF-8), and a segment
    /// made only of dots is encoded entirely so no client or server treats it as <c>.</c> or <c>..</c>.
    /// </summary>
    public static string Segment(string value)
    {
        if (value is null)
        {
            throw new ArgumentNullException(nameof(value));
        }

        var onlyDots = value.Length > 0 && value.Trim('.').Length == 0;
        var builder = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            var plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '~' || (c == '.' && !onlyDots);
            if (plain)
            {
                builder.Append(c);
            }
            else
            {
                builder.Append('%').Append(((int)b).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }
}
