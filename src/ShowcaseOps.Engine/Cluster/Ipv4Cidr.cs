using System.Globalization;
using ShowcaseOps.Core.Net;

namespace ShowcaseOps.Core.Cluster;

/// <summary>An IPv4 CIDR block (network address aligned to the prefix).</summary>
public readonly struct Ipv4Cidr : System.IEquatable<Ipv4Cidr>
{
    private Ipv4Cidr(uint network, int prefix)
    {
        Network = network;
        Prefix = prefix;
    }

    public uint Network { get; }

    public int Prefix { get; }

    public ulong Size => 1UL << (32 - Prefix);

    public uint Last => (uint)(Network + Size - 1);

    public bool Contains(Ipv4Cidr other) => other.Prefix >= Prefix && other.Network >= Network && other.Last <= Last;

    public bool Overlaps(Ipv4Cidr other) => Network <= other.Last && other.Network <= Last;

    public bool Contains(string address) => Ipv4Address.TryParse(address, out var value) && value >= Network && value <= Last;

    public override string ToString() =>
        string.Join(".", (Network >> 24) & 255, (Network >> 16) & 255, (Network >> 8) & 255, Network & 255) + "/" + Prefix.ToString(CultureInfo.InvariantCulture);

    /// <summary>Parses <c>a.b.c.d/n</c>; false when malformed or when host bits are set (10.0.5.1/24).</summary>
    public static bool TryParse(string? text, out Ipv4Cidr cidr)
    {
        cidr = default;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var slash = text!.IndexOf('/');
        if (slash < 0 || !Ipv4Address.TryParse(text.Substring(0, slash), out var address)
            || !int.TryParse(text.Substring(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var prefix) || prefix > 32)
        {
            return false;
        }

        var mask = prefix == 0 ? 0u : uint.MaxValue << (32 - prefix);
        if ((address & mask) != address)
        {
            return false;
        }

        cidr = new Ipv4Cidr(address, prefix);
        return true;
    }

    public bool Equals(Ipv4Cidr other) => Network == other.Network && Prefix == other.Prefix;

    public override bool Equals(object? obj) => obj is Ipv4Cidr other && Equals(other);

    public override int GetHashCode() => unchecked((int)Network * 397) ^ Prefix;

    public static bool operator ==(Ipv4Cidr left, Ipv4Cidr right) => left.Equals(right);

    public static bool operator !=(Ipv4Cidr left, Ipv4Cidr right) => !left.Equals(right);
}
