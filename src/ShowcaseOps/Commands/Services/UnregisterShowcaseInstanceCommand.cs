using ShowcaseOps.Cmdlets;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using ShowcaseOps.Core.Services;
using ShowcaseOps.Model;

namespace ShowcaseOps.Commands.Services;

/// <summary>
/// Removes instances from Vulcand and Consul (ConfirmImpact High: it asks unless -Force or -Confirm:$false). All
/// pipeline input goes in one read batch and one write batch; an instance already gone is success.
/// </summary>
[Cmdlet(VerbsLifecycle.Unregister, "ShowcaseInstance", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(ShowcaseInstance))]
public sealed class UnregisterShowcaseInstanceCommand : PlatformCmdlet
{
    private readonly List<InstanceKey> _instances = new();

    /// <summary>The service the instance belongs to (binds from MarathonTask.ServiceName or ShowcaseInstance.ServiceName).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Service")]
    [ValidateServiceName]
    [ArgumentCompleter(typeof(ServiceNameCompleter))]
    public string ServiceName { get; set; } = string.Empty;

    /// <summary>The instance id (binds from MarathonTask.InstanceId or ShowcaseInstance.InstanceId).</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [ValidateInstanceId]
    [ArgumentCompleter(typeof(InstanceIdCompleter))]
    public string InstanceId { get; set; } = string.Empty;

    /// <summary>Skips the confirmation prompt; -WhatIf, given or inherited, still only shows what would be removed.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecordCore()
    {
        if (ShouldChange($"{ServiceName}/{InstanceId}", "Unregister from Consul and Vulcand", Force))
        {
            _instances.Add(new InstanceKey(ServiceName, InstanceId));
        }
    }

    protected override void EndProcessingCore()
    {
        if (_instances.Count == 0)
        {
            return;
        }

        var (cluster, outcomes) = Run(async (reporter, ct) =>
        {
            var connection = await ConnectAsync(reporter, ct).ConfigureAwait(false);
            reporter.Verbose($"Unregistering {_instances.Count} instance(s) from cluster {connection.ClusterName} through the {connection.Channel.Name} channel.");
            return (connection.ClusterName, await InstanceRegistrar.UnregisterAsync(connection.Channel, _instances, reporter, ct).ConfigureAwait(false));
        });
        foreach (var outcome in outcomes.Where(o => o.Error is not null))
        {
            WriteShowcaseError(outcome.Error!);
        }

        WriteOutput(outcomes.Select(o => new ShowcaseInstance(cluster, o)), enumerateCollection: true);
    }
}
