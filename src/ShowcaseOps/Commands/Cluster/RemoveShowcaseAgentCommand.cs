using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using ShowcaseOps.Cmdlets;
using ShowcaseOps.Core;
using ShowcaseOps.Core.Cluster;
using ShowcaseOps.Model;

namespace ShowcaseOps.Commands.Cluster;

/// <summary>
/// Terminates given agents of a cluster and waits until they are gone. Their index becomes free: Set-ShowcaseCluster
/// (or New-ShowcaseCluster) with the same -AgentCount launches and bootstraps a replacement — the way to rotate an agent.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "ShowcaseAgent", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(ShowcaseClusterHost))]
public sealed class RemoveShowcaseAgentCommand : AwsCmdlet
{
    private readonly List<ShowcaseClusterHost> _hosts = new();

    /// <summary>The cluster the agents belong to. Default: the session's current cluster (Use-ShowcaseCluster).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("ClusterName")]
    [ValidateClusterName]
    [ArgumentCompleter(typeof(ClusterNameCompleter))]
    public string? Cluster { get; set; }

    /// <summary>The agents' instance ids (a ShowcaseClusterHost from the pipeline binds by property name).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateEc2InstanceId]
    [ArgumentCompleter(typeof(AgentInstanceIdCompleter))]
    public string[] InstanceId { get; set; } = System.Array.Empty<string>();

    /// <summary>Skips the confirmation prompt; -WhatIf, given or inherited, still only shows what would happen.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Outputs each removed agent as it was before removal.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecordCore()
    {
        var cluster = Cluster ?? Session.CurrentCluster ?? throw new ShowcaseException(ShowcaseErrors.ShowcaseClusterNotSpecified, null, "No cluster was given and the session has no current cluster.")
        {
            Terminating = true,
            RecommendedAction = "Pass -Cluster <name>, pipe agents in ((Get-ShowcaseCluster demo).Agents), or choose a cluster with Use-ShowcaseCluster.",
        };
        using var session = new ClusterSession(ConnectionSettings);
        var info = Run((reporter, ct) => session.FindAsync(cluster, reporter, ct)) ?? throw ClusterScaler.NotFound(cluster);
        foreach (var id in InstanceId)
        {
            var agent = info.Agents.FirstOrDefault(a => a.InstanceId == id);
            if (agent is null)
            {
                var other = info.Hosts.FirstOrDefault(h => h.InstanceId == id);
                WriteShowcaseError(new ShowcaseException(
                    other is null ? ShowcaseErrors.ShowcaseAgentNotFound : ShowcaseErrors.ShowcaseAgentRoleInvalid,
                    id,
                    other is null ? $"Cluster '{cluster}' has no agent {id}." : $"{id} is the cluster's {other.Role}, not an agent: only agents can be removed this way.")
                {
                    RecommendedAction = "List the agents with (Get-ShowcaseCluster " + cluster + ").Agents.",
                });
                continue;
            }

            var host = new ShowcaseClusterHost(cluster, agent);
            if (ShouldChange($"{agent.Name} ({id})", "Terminate the agent (Set-ShowcaseCluster relaunches its index)", Force))
            {
                _hosts.Add(host);
            }
        }

        if (_hosts.Count == 0)
        {
            return;
        }

        var ids = _hosts.Select(h => h.InstanceId).ToList();
        Run((reporter, ct) => session.TerminateAsync(ids, string.Join(", ", _hosts.Select(h => h.Name)), reporter, ct));
        foreach (var id in ids)
        {
            ForgetForCompletion(CompletionKind.AgentInstanceId, id);
        }

        if (PassThru)
        {
            WriteObject(_hosts, enumerateCollection: true);
        }

        _hosts.Clear();
    }
}
