using ShowcaseOps.Cmdlets;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using ShowcaseOps.Core;
using ShowcaseOps.Core.Platform;
using ShowcaseOps.Core.Services;
using ShowcaseOps.Model;

namespace ShowcaseOps.Commands.Services;

/// <summary>
/// Registers instances of a service: a server of its Vulcand backend and a Consul entry each. All pipeline input is
/// collected and sent in EndProcessing as one read batch and one write batch per cluster (two SSM commands for any
/// number of instances of one cluster).
/// </summary>
[Cmdlet(VerbsLifecycle.Register, "ShowcaseInstance", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ShowcaseInstance))]
public sealed class RegisterShowcaseInstanceCommand : PlatformCmdlet
{
    private readonly PlatformClusterBatches<PlatformInstanceSpec> _instances = new();

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

    /// <summary>The IPv4 address or host name the instance listens on (binds from MarathonTask.HostAddress). Required unless -Serving is false.</summary>
    [Parameter(Position = 2, ValueFromPipelineByPropertyName = true)]
    [Alias("Address", "IPAddress")]
    [ValidateHostAddress]
    public string? HostAddress { get; set; }

    /// <summary>The port the instance listens on (binds from MarathonTask.HostPort). Required unless -Serving is false.</summary>
    [Parameter(Position = 3, ValueFromPipelineByPropertyName = true)]
    [Alias("Port")]
    [ValidateRange(1, 65535)]
    public int? HostPort { get; set; }

    /// <summary>
    /// Whether the instance may take traffic (binds from MarathonTask.Serving, the serving rule of docs/marathon.md).
    /// False: the instance is skipped with a warning and nothing is written for it.
    /// </summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public bool? Serving { get; set; }

    /// <summary>Why the instance is not serving (binds from MarathonTask.NotServingReason); shown in the warning.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? NotServingReason { get; set; }

    /// <summary>
    /// The HTTP path of the instance's Consul check (binds from MarathonTask.HealthCheckPath, derived from the app's
    /// Marathon health check). Not given: a TCP check on the instance's port.
    /// </summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateHealthCheckPath]
    public string? HealthCheckPath { get; set; }

    /// <summary>The port the Consul check connects to (binds from MarathonTask.HealthCheckPort). Default: -HostPort.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateOptionalPort]
    public int? HealthCheckPort { get; set; }

    protected override void ProcessRecordCore()
    {
        if (Serving == false)
        {
            WriteWarning($"Skipping {ServiceName}/{InstanceId}: not serving ({NotServingReason ?? "no reason given"}); nothing is registered for it.");
            return;
        }

        if (string.IsNullOrEmpty(HostAddress) || HostPort is not { } port)
        {
            WriteShowcaseError(new ShowcaseException(ShowcaseErrors.ShowcaseInstanceEndpointMissing, ServiceName + "/" + InstanceId,
                $"Instance {ServiceName}/{InstanceId} has no {(string.IsNullOrEmpty(HostAddress) ? "address" : "port")} to register."));
            return;
        }

        if (ShouldChange($"{ServiceName}/{InstanceId} ({HostAddress}:{port.ToString(CultureInfo.InvariantCulture)})", "Register in Consul and Vulcand"))
        {
            _instances.Add(ClusterChoice, new PlatformInstanceSpec(ServiceName, InstanceId, HostAddress!, port, HealthCheckPath, HealthCheckPort));
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
                reporter.Verbose($"Registering {instances.Count} instance(s) in cluster {connection.ClusterName} through the {connection.Channel.Name} channel.");
                return InstanceRegistrar.RegisterAsync(connection.Channel, instances, reporter, token);
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
