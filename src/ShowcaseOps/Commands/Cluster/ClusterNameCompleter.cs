using ShowcaseOps.Cmdlets;
using ShowcaseOps.Commands.Completion;

namespace ShowcaseOps.Commands.Cluster;

/// <summary>Completes cluster names this session has read (from their tags, by Get-/New-/Set-ShowcaseCluster).</summary>
public sealed class ClusterNameCompleter : CachedNameCompleter
{
    private protected override CompletionKind Kind => CompletionKind.Cluster;

    private protected override string Describe(string name) => "Showcase cluster " + name;
}
