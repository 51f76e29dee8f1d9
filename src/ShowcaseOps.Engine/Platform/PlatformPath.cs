using System;
using System.Text;

namespace ShowcaseOps.Core.Platform;

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
