using ShowcaseOps.Cmdlets;
using ShowcaseOps.Core.Platform;
using System.Linq;
using System.Management.Automation;
using ShowcaseOps.Core.Services;
using ShowcaseOps.Model;

namespace ShowcaseOps.Commands.Services;

/// <summary>
/// Removes instances from Vulcand and Consul (ConfirmImpact High: it asks unless -Force or -Confirm:$false). All
/// pipeline input goes in one read batch and one write batch per cluster; an instance already gone is success.
/// </summary>
[Cmdlet(VerbsLifecycle.Unregister, "ShowcaseInstance", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(ShowcaseInstance))]
public sealed class UnregisterShowcaseInstanceCommand : PlatformCmdlet
{
    private readonly PlatformClusterBatches<InstanceKey> _instances = new();

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

    /// <summary>
    /// Seconds to drain before the Consul entries are removed (default 5): the instances are taken out of Vulcand and put
    /// in Consul maintenance mode first, so no new traffic reaches them while requests in flight finish. 0: no drain.
    /// </summary>
    [Parameter]
    [ValidateRange(0, 3600)]
    public int DrainSeconds { get; set; } = 5;

    /// <summary>Skips the confirmation prompt; -WhatIf, given or inherited, still only shows what would be removed.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecordCore()
    {
        if (ShouldChange($"{ServiceName}/{InstanceId}", "Unregister from Consul and Vulcand", Force))
        {
            _instances.Add(ClusterChoice, new InstanceKey(ServiceName, InstanceId));
        }
    }

    protected override void EndProcessingCore()
    {
        if (_instances.Count == 0)
        {
            return;
        }

        var batches = Run((reporter, ct) => _instances.SendAsync(
            Connections,
            (connection, instances, token) =>
            {
                reporter.Verbose($"Unregistering {instances.Count} instance(s) from cluster {connection.ClusterName} through the {connection.Channel.Name} channel.");
                return InstanceRegistrar.UnregisterAsync(connection.Channel, instances, System.TimeSpan.FromSeconds(DrainSeconds), reporter, token);
            },
            reporter,
            ct));
        foreach (var batch in batches)
        {
            foreach (var outcome in batch.Result.Where(o => o.Error is not null))
            {
                WriteShowcaseError(outcome.Error!);
            }

            WriteOutput(batch.Result.Select(o => new ShowcaseInstance(batch.ClusterName, o)), enumerateCollection: true);
        }
    }
}
