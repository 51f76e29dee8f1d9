using ShowcaseOps.Cmdlets;
using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using ShowcaseOps.Core.Cluster;
using ShowcaseOps.Commands.Cluster;
using ShowcaseOps.Core.Bootstrap;
using ShowcaseOps.Core.Execution;
using ShowcaseOps.Model;

namespace ShowcaseOps.Commands.Bootstrap;

/// <summary>Installs the platform on a cluster's hosts through SSM Run Command (master first, then gateway and agents).</summary>
[Cmdlet(VerbsLifecycle.Invoke, "ShowcaseBootstrap", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ShowcaseHostResult))]
public sealed class InvokeShowcaseBootstrapCommand : ClusterHostCmdlet
{
    /// <summary>Only hosts of these roles: gateway, master, agent (default: all).</summary>
    [Parameter]
    [ValidateSet("gateway", "master", "agent")]
    [ValidateNoControlCharacter]
    public string[]? Role { get; set; }

    /// <summary>Only these instances (also bound from the pipeline's InstanceId property).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateEc2InstanceId]
    [ArgumentCompleter(typeof(AgentInstanceIdCompleter))]
    public string[]? InstanceId { get; set; }

    /// <summary>Runs on every selected host, also those already bootstrapped with the current scripts.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>How long to wait for the hosts to be Online in SSM (default 600 seconds).</summary>
    [Parameter]
    [ValidateRange(1, 86400)]
    public int TimeoutSeconds { get; set; } = 600;

    private protected override IReadOnlyCollection<string>? RecordInstanceIds => InstanceId;

    private protected override void RunCluster(ClusterSession session, string clusterName, IReadOnlyCollection<string>? instanceIds)
    {
        var cluster = Discover(session, clusterName);
        IOperationReporter? sink = null;
        var request = new BootstrapRequest
        {
            Roles = Role,
            InstanceIds = instanceIds,
            Force = Force,
            OnlineTimeout = TimeSpan.FromSeconds(TimeoutSeconds),
            HostCompleted = result => sink?.Output(result),
        };
        var orchestrator = session.CreateBootstrapOrchestrator();
        var plan = Run((reporter, ct) => Task.FromResult(orchestrator.Plan(cluster, request, reporter)));
        var planned = plan.ToRun.Count;
        foreach (var host in plan.ToRun.ToList())
        {
            if (!ShouldChange(Describe(host), $"Bootstrap the {host.Role} (install the platform, scripts version {plan.VersionOf(host.Role)})"))
            {
                plan.ToRun.Remove(host);
            }
        }

        if (planned > 0 && plan.ToRun.Count == 0)
        {
            return;
        }

        StopHint = $"The bootstrap of cluster '{clusterName}' may be unfinished on some hosts (cancelled on them): run Invoke-ShowcaseBootstrap -Cluster {clusterName} again; hosts already done are skipped.";
        Run((reporter, ct) =>
        {
            sink = reporter;
            return orchestrator.ExecuteAsync(plan, reporter, ct);
        });
    }
}
