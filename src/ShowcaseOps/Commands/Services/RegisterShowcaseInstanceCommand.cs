using ShowcaseOps.Cmdlets;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using ShowcaseOps.Core.Platform;
using ShowcaseOps.Core.Services;
using ShowcaseOps.Model;

namespace ShowcaseOps.Commands.Services;

/// <summary>
/// Registers instances of a service: a server of its Vulcand backend and a Consul entry each. All pipeline input is
/// collected and sent in EndProcessing as one read batch and one write batch (two SSM commands for any number).
/// </summary>
[Cmdlet(VerbsLifecycle.Register, "ShowcaseInstance", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ShowcaseInstance))]
public sealed class RegisterShowcaseInstanceCommand : PlatformCmdlet
{
    private readonly List<PlatformInstanceSpec> _instances = new();

    /// <summary>The service the instance belongs to (binds from MarathonTask.ServiceName).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Service")]
    [ValidateServiceName]
    [ArgumentCompleter(typeof(ServiceNameCompleter))]
    public string ServiceName { get; set; } = string.Empty;

    /// <summary>The instance id (binds from MarathonTask.InstanceId).</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [ValidateInstanceId]
    [ArgumentCompleter(typeof(InstanceIdCompleter))]
    public string InstanceId { get; set; } = string.Empty;

    /// <summary>The IPv4 address or host name the instance listens on (binds from MarathonTask.HostAddress).</summary>
    [Parameter(Mandatory = true, Position = 2, ValueFromPipelineByPropertyName = true)]
    [Alias("Address", "IPAddress")]
    [ValidateHostAddress]
    public string HostAddress { get; set; } = string.Empty;

    /// <summary>The port the instance listens on (binds from MarathonTask.HostPort).</summary>
    [Parameter(Mandatory = true, Position = 3, ValueFromPipelineByPropertyName = true)]
    [Alias("Port")]
    [ValidateRange(1, 65535)]
    public int HostPort { get; set; }

    protected override void ProcessRecordCore()
    {
        if (ShouldChange($"{ServiceName}/{InstanceId} ({HostAddress}:{HostPort.ToString(CultureInfo.InvariantCulture)})", "Register in Consul and Vulcand"))
        {
            _instances.Add(new PlatformInstanceSpec(ServiceName, InstanceId, HostAddress, HostPort));
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
            reporter.Verbose($"Registering {_instances.Count} instance(s) in cluster {connection.ClusterName} through the {connection.Channel.Name} channel.");
            return (connection.ClusterName, await InstanceRegistrar.RegisterAsync(connection.Channel, _instances, reporter, ct).ConfigureAwait(false));
        });
        foreach (var outcome in outcomes.Where(o => o.Error is not null))
        {
            WriteShowcaseError(outcome.Error!);
        }

        WriteOutput(outcomes.Select(o => new ShowcaseInstance(cluster, o)), enumerateCollection: true);
    }
}
