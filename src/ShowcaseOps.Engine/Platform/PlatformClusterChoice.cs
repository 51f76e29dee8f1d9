using ShowcaseOps.Core.Cluster;

namespace ShowcaseOps.Core.Platform;

/// <summary>
/// Which cluster one input record goes to: a cluster already read (<see cref="Known"/>, from a piped ShowcaseCluster), a
/// name (<c>-Cluster demo</c>), or neither (<see cref="Default"/>: the session's current cluster, else the only one).
/// </summary>
public sealed record PlatformClusterChoice(string? Name, ClusterInfo? Known)
{
    public static PlatformClusterChoice Default { get; } = new(null, null);

    public static PlatformClusterChoice Named(string name) => new(name, null);

    public static PlatformClusterChoice Of(ClusterInfo cluster) => new(cluster?.Name, cluster);

    /// <summary>How the pool caches the choice before it is resolved: the name, or empty for the default.</summary>
    internal string Key => Known?.Name ?? Name ?? string.Empty;

    public override string ToString() => Key.Length == 0 ? "(default cluster)" : Key;
}
