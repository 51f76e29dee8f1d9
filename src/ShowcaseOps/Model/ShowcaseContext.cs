using System.Collections.Generic;

namespace ShowcaseOps.Model;

/// <summary>Where the calls of this session's commands go (Get-ShowcaseContext), the way Get-AzContext answers it for Az.</summary>
public sealed class ShowcaseContext
{
    /// <summary>The current cluster (used when -Cluster is left out), or null when none is chosen.</summary>
    public string? Cluster { get; init; }

    /// <summary>Where the current cluster comes from: Use-ShowcaseCluster / New-ShowcaseCluster (the session), $env:SHOWCASE_CLUSTER, or none.</summary>
    public string ClusterSource { get; init; } = "none";

    /// <summary>How platform calls reach Consul, Vulcand, Kong and Marathon: Ssm or Http.</summary>
    public string Channel { get; init; } = "Ssm";

    /// <summary>Where the channel comes from: Use-ShowcaseCluster -Channel, $env:SHOWCASE_CHANNEL, or the default.</summary>
    public string ChannelSource { get; init; } = "default";

    /// <summary>Sandbox (this session's loopback stand-ins), Aws (AWS's own endpoints) or Endpoint (another -EndpointUrl / AWS_ENDPOINT_URL).</summary>
    public string Target { get; init; } = "Aws";

    /// <summary>True while Start-ShowcaseSandbox's stand-ins run in this session.</summary>
    public bool SandboxRunning { get; init; }

    /// <summary>The AWS account, when the credential source names it (a role ARN, an SSO profile); null otherwise.</summary>
    public string? Account { get; init; }

    public string? Region { get; init; }

    /// <summary>Where the region comes from (-Region, the sandbox, $StoredAWSRegion, a profile, AWS_REGION…).</summary>
    public string? RegionSource { get; init; }

    /// <summary>Where the credentials come from (a profile, the sandbox, AWS_* variables, an instance role…).</summary>
    public string? CredentialSource { get; init; }

    /// <summary>The EC2 endpoint URL when it is not AWS's own (the sandbox, an emulator); null for AWS.</summary>
    public string? Endpoint { get; init; }

    /// <summary>Why the AWS part is unknown (no region or credentials found), when it is.</summary>
    public string? Problem { get; init; }

    /// <summary>The context in one line, as -Verbose shows it at the start of every command.</summary>
    public override string ToString() => Describe("AWS: ");

    /// <summary>The context in one line, the AWS part after <paramref name="awsPrefix"/> ("AWS: ", or "AWS calls would use " for -WhatIf).</summary>
    internal string Describe(string awsPrefix)
    {
        var parts = new List<string>
        {
            Target == "Sandbox" ? "sandbox" : Target == "Endpoint" ? "endpoint " + Endpoint : "AWS",
            Cluster is null ? "no current cluster" : $"cluster {Cluster} ({ClusterSource})",
            $"channel {Channel} ({ChannelSource})",
        };
        if (Problem is not null)
        {
            parts.Add(Problem);
        }
        else if (Region is not null)
        {
            parts.Add(awsPrefix + (Account is null ? string.Empty : $"account {Account}, ") + $"region {Region} ({RegionSource}), credentials from {CredentialSource}" + (Endpoint is null ? string.Empty : $", endpoint {Endpoint}"));
        }

        return string.Join("; ", parts);
    }
}
