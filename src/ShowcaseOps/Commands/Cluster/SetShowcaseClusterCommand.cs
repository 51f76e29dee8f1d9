using System.Linq;
using System.Management.Automation;
using ShowcaseOps.Cmdlets;
using ShowcaseOps.Core.Cluster;
using ShowcaseOps.Model;

namespace ShowcaseOps.Commands.Cluster;

/// <summary>
/// Scales a cluster's agents up or down. Scaling down terminates agents (and the tasks on them), so the cmdlet declares
/// ConfirmImpact High and asks before a scale-down unless -Force; a scale-up is a Medium change.
/// </summary>
[Cmdlet(VerbsCommon.Set, "ShowcaseCluster", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = ByName)]
[OutputType(typeof(ShowcaseCluster))]
public sealed class SetShowcaseClusterCommand : AwsCmdlet
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

    /// <summary>The number of agents wanted: missing indexes are launched, the highest ones beyond it terminated.</summary>
    [Parameter(Mandatory = true)]
    [ValidateRange(0, 100)]
    public int AgentCount { get; set; }

    /// <summary>Launches new agents without installing the platform on them.</summary>
    [Parameter]
    public SwitchParameter SkipBootstrap { get; set; }

    /// <summary>Skips the confirmation prompt of a scale-down; -WhatIf, given or inherited, still only shows what would happen.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecordCore()
    {
        var name = InputObject?.Name ?? Name;
        var settings = ConnectionSettings;
        if (InputObject is not null && settings.Region is null)
        {
            settings.Region = InputObject.Region;
        }

        using var session = new ClusterSession(settings);
        var info = Run((reporter, ct) => session.FindScalableAsync(name, reporter, ct));
        var current = info.Agents.Count;
        if (current == AgentCount && Enumerable.Range(1, AgentCount).All(i => info.Agents.Any(a => a.Index == i)))
        {
            WriteVerbose($"Cluster '{name}' already has {current} agent(s).");
            WriteOutput(new ShowcaseCluster(info));
            return;
        }

        var scaleDown = info.Agents.Count(a => a.Index > AgentCount);
        var action = scaleDown > 0 ? $"Scale agents to {AgentCount} (terminates {scaleDown} agent(s) and the tasks on them)" : $"Scale agents to {AgentCount}";
        if (!ShouldChange(ClusterPlanText.DescribeScale(info, AgentCount), action, scaleDown > 0 ? ConfirmImpact.High : ConfirmImpact.Medium, Force))
        {
            return;
        }

        StopHint = $"Cluster '{name}' may be scaled in part: run Set-ShowcaseCluster -Name {name} -AgentCount {AgentCount} again to finish (Get-ShowcaseCluster {name} shows its agents).";
        var result = Run((reporter, ct) => session.ScaleAsync(info, AgentCount, reporter, ct));
        if (result.Report is not null)
        {
            Core.TestHooks.LastClusterRun = result.Report;
        }

        var cluster = new ShowcaseCluster(result.Cluster);
        if (!SkipBootstrap && result.AddedInstanceIds.Count > 0)
        {
            try
            {
                Run((reporter, ct) => session.BootstrapAddedHostsAsync(result.Cluster, result.AddedInstanceIds, reporter, ct));
            }
            catch (Core.ShowcaseException ex) when (!ex.Terminating)
            {
                // The agents exist: report the bootstrap failure and still return the cluster.
                WriteShowcaseError(ex);
            }
        }

        WriteOutput(cluster);
    }
}
