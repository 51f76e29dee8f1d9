using System.Diagnostics;
using System.Management.Automation;
using ShowcaseOps.Cmdlets;
using ShowcaseOps.Core.Cluster;
using ShowcaseOps.Model;

namespace ShowcaseOps.Commands.Cluster;

/// <summary>
/// Deletes every EC2 resource tagged with a cluster, in the order AWS requires. -WhatIf lists each resource with its id;
/// a run outputs what it deleted. An unknown name is an error (ShowcaseClusterNotFound) unless -IgnoreMissing.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "ShowcaseCluster", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = ByName)]
[OutputType(typeof(ShowcaseClusterRemoval))]
public sealed class RemoveShowcaseClusterCommand : AwsCmdlet
{
    private const string ByName = "Name";
    private const string ByObject = "InputObject";

    /// <summary>The cluster's name (case-sensitive, like the showcase:cluster tag it matches; also -Cluster).</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByName, ValueFromPipelineByPropertyName = true)]
    [Alias("Cluster", "ClusterName")]
    [ValidateClusterName]
    [ArgumentCompleter(typeof(ClusterNameCompleter))]
    public string Name { get; set; } = string.Empty;

    /// <summary>A cluster from Get-ShowcaseCluster (its region is used unless -Region is given).</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByObject, ValueFromPipeline = true)]
    public ShowcaseCluster? InputObject { get; set; }

    /// <summary>Skips the confirmation prompt; -WhatIf, given or inherited, still only shows what would be removed.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>A cluster with no resource left is not an error (for clean-up scripts that may run twice).</summary>
    [Parameter]
    public SwitchParameter IgnoreMissing { get; set; }

    protected override void ProcessRecordCore()
    {
        var name = InputObject?.Name ?? Name;
        var settings = ConnectionSettings;
        if (InputObject is not null && settings.Region is null)
        {
            settings.Region = InputObject.Region;
        }

        using var session = new ClusterSession(settings);
        var info = Run((reporter, ct) => ClusterDiscoveryRun(session, name, reporter, ct));
        if (!info.Exists)
        {
            if (IgnoreMissing)
            {
                WriteVerbose($"Cluster '{name}' has no resources left: nothing to remove (-IgnoreMissing).");
                return;
            }

            throw ClusterScaler.NotFound(name);
        }

        if (!ShouldChange(ClusterPlanText.DescribeRemoval(info), $"Remove every resource tagged with cluster '{name}'", Force))
        {
            return;
        }

        StopHint = $"Cluster '{name}' may be removed in part (what is left stays tagged and may cost money): run Remove-ShowcaseCluster -Name {name} again to finish.";
        var watch = Stopwatch.StartNew();
        var result = Run((reporter, ct) => session.RemoveAsync(info, reporter, ct));
        ForgetForCompletion(CompletionKind.Cluster, name);
        if (Session.CurrentCluster == name)
        {
            Session.CurrentCluster = null;
        }

        WriteOutput(new ShowcaseClusterRemoval(info.Region, result, watch.Elapsed));
    }

    private static async System.Threading.Tasks.Task<ClusterInfo> ClusterDiscoveryRun(ClusterSession session, string name, Core.Execution.IOperationReporter reporter, System.Threading.CancellationToken ct) =>
        await session.FindAsync(name, reporter, ct).ConfigureAwait(false) ?? new ClusterInfo(name, string.Empty);
}
