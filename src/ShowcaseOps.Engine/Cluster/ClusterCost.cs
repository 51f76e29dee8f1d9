using System.Collections.Generic;

namespace ShowcaseOps.Core.Cluster;

/// <summary>
/// Rough on-demand prices (USD per hour, Linux, eu-west-1, 2025) for the -WhatIf estimate. Prices change and differ by
/// region; data transfer, NAT data processing and SSM are extra. The estimate is a hint, not a quote.
/// </summary>
public static class ClusterCost
{
    private static readonly Dictionary<string, decimal> InstanceHourly = new()
    {
        ["t3.micro"] = 0.0114m,
        ["t3.small"] = 0.0228m,
        ["t3.medium"] = 0.0456m,
        ["t3.large"] = 0.0912m,
        ["t3.xlarge"] = 0.1824m,
        ["t3.2xlarge"] = 0.3648m,
        ["t3a.medium"] = 0.0408m,
        ["t3a.large"] = 0.0816m,
        ["m5.large"] = 0.107m,
        ["m5.xlarge"] = 0.214m,
        ["m6i.large"] = 0.107m,
        ["m7i.large"] = 0.1176m,
        ["c5.large"] = 0.096m,
        ["r5.large"] = 0.141m,
    };

    /// <summary>A NAT gateway, per hour (data processing extra).</summary>
    public const decimal NatGatewayHourly = 0.048m;

    /// <summary>A public IPv4 address (every Elastic IP, associated or not), per hour.</summary>
    public const decimal PublicIpv4Hourly = 0.005m;

    /// <summary>gp3 storage per GiB-month.</summary>
    public const decimal Gp3GibMonth = 0.088m;

    /// <summary>An instance with its gp3 root volume; null when the instance type is not in the table.</summary>
    public static decimal? Instance(string instanceType, int rootVolumeGiB) =>
        InstanceHourly.TryGetValue(instanceType, out var hourly) ? hourly + Volume(rootVolumeGiB) : null;

    public static decimal Volume(int gib) => gib * Gp3GibMonth / 730m;
}
