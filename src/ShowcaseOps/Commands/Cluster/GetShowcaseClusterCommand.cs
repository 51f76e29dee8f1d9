using System.Management.Automation;
using ShowcaseOps.Core.Cluster;
using ShowcaseOps.Cmdlets;
using ShowcaseOps.Model;

namespace ShowcaseOps.Commands.Cluster;

/// <summary>Gets clusters, rebuilt from the tags of their EC2 resources.</summary>
[Cmdlet(VerbsCommon.Get, "ShowcaseCluster")]
[OutputType(typeof(ShowcaseCluster))]
public sealed class GetShowcaseClusterCommand : AwsCmdlet
{
    /// <summary>Cluster name (also -Cluster), case-sensitive like the tag; wildcards allowed; default: every cluster in the region.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [Alias("Cluster", "ClusterName")]
    [ValidateClusterNamePattern]
    [ArgumentCompleter(typeof(ClusterNameCompleter))]
    public string? Name { get; set; }

    protected override void ProcessRecordCore()
    {
        using var session = new ClusterSession(ConnectionSettings);
        var clusters = Run((reporter, ct) => session.GetAsync(Name, reporter, ct));
        foreach (var cluster in clusters)
        {
            WriteOutput(new ShowcaseCluster(cluster));
        }
    }
}
