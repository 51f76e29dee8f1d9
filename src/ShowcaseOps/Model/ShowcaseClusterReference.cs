using System;

namespace ShowcaseOps.Model;

/// <summary>
/// What -Cluster takes: a cluster name, or a ShowcaseCluster (from Get-ShowcaseCluster or the pipeline). PowerShell
/// converts either to this type through its constructors.
/// </summary>
public sealed class ShowcaseClusterReference
{
    public ShowcaseClusterReference(string name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException("A cluster name cannot be empty.", nameof(name));
        }

        Name = name;
    }

    public ShowcaseClusterReference(ShowcaseCluster cluster)
    {
        Cluster = cluster ?? throw new ArgumentNullException(nameof(cluster));
        Name = cluster.Name;
    }

    public string Name { get; }

    /// <summary>The cluster itself when one was given (no lookup needed).</summary>
    public ShowcaseCluster? Cluster { get; }

    public override string ToString() => Name;
}
