using System.Globalization;

namespace ShowcaseOps.Core.Net;

/// <summary>Dotted-quad IPv4 addresses (<c>10.0.12.223</c>), parsed to their 32-bit value.</summary>
public static class Ipv4Address
{
    /// <summary>
    /// Parses four parts of one to three decimal digits, each 0–255. With <paramref name="allowLeadingZeros"/> false,
    /// a part such as <c>010</c> is refused (some parsers read it as octal, so it is ambiguous in user input).
    /// </summary>
    public static bool TryParse(string? text, out uint address, bool allowLeadingZeros = true)
    {
        address = 0;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var parts = text!.Split('.');
        if (parts.Length != 4)
        {
            return false;
        }

        foreach (var part in parts)
        {
            if (part.Length == 0 || part.Length > 3 || (!allowLeadingZeros && part.Length > 1 && part[0] == '0')
                || !byte.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var b))
            {
                return false;
            }

            address = (address << 8) | b;
        }

        return true;
    }

    /// <summary>True for a dotted-quad address without leading zeros, as user input must be written.</summary>
    public static bool IsValid(string? text) => TryParse(text, out _, allowLeadingZeros: false);
}
