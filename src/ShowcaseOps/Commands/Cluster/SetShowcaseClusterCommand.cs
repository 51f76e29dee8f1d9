using System.Linq;
using System.Management.Automation;
using ShowcaseOps.Cmdlets;
using ShowcaseOps.Core.Cluster;
using ShowcaseOps.Model;

namespace ShowcaseOps.Commands.Cluster;

/// <summary>Scales a cluster's agents up or down.</summary>
[Cmdlet(VerbsCommon.Set, "ShowcaseCluster", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ByName)]
[OutputType(typeof(ShowcaseCluster))]
public sealed class SetShowcaseClusterCommand : AwsCmdlet
{
    private const string ByName = "Name";
    private const string ByObject = "InputObject";

    /// <summary>The cluster's name.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByName, ValueFromPipelineByPropertyName = true)]
    [ValidatePattern(ClusterSpec.NamePattern)]
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
            WriteObject(new ShowcaseCluster(info));
            return;
        }

        if (!ShouldProcess($"cluster '{name}' ({current} agents)", $"Scale agents to {AgentCount}"))
        {
            return;
        }

        var result = Run((reporter, ct) => session.ScaleAsync(info, AgentCount, reporter, ct));
        if (result.Report is not null)
        {
            ClusterInternalHooks.LastRun = result.Report;
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

        WriteObject(cluster);
    }
}
