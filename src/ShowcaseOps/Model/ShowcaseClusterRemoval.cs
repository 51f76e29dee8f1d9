using System;
using System.Collections.Generic;
using System.Linq;
using ShowcaseOps.Core.Cluster;

namespace ShowcaseOps.Model;

/// <summary>What Remove-ShowcaseCluster did: the resources it deleted (type and id, in order), as terraform's "Destroy complete!".</summary>
public sealed class ShowcaseClusterRemoval
{
    internal ShowcaseClusterRemoval(string region, ClusterRemoveResult result, TimeSpan duration)
    {
        Cluster = result.Name;
        Region = region;
        Resources = result.Deleted.ToArray();
        Destroyed = Resources.Count;
        Instances = Resources.Count(r => r.StartsWith("instance ", StringComparison.Ordinal));
        Duration = duration;
    }

    public string Cluster { get; }

    public string Region { get; }

    /// <summary>How many resources were deleted (instances terminated, addresses released…).</summary>
    public int Destroyed { get; }

    /// <summary>How many of them were instances.</summary>
    public int Instances { get; }

    /// <summary>"type id" of every resource deleted, in the order it went (instance i-…, elastic-ip eipalloc-…, vpc vpc-…).</summary>
    public IReadOnlyList<string> Resources { get; }

    public TimeSpan Duration { get; }

    /// <summary>The cluster's parameters deleted from Parameter Store (/showcaseops/&lt;name&gt;/*; none with -KeepSecrets).</summary>
    public IReadOnlyList<string> Parameters { get; init; } = Array.Empty<string>();

    public override string ToString() => $"Destroyed cluster '{Cluster}' in {Region}: {Destroyed} resources ({Instances} instances) and {Parameters.Count} parameters in {Duration.TotalSeconds:0.#} s.";
}
