using ShowcaseOps.Cmdlets;
using System.Management.Automation;
using ShowcaseOps.Core.Platform;
using ShowcaseOps.Core.Services;
using ShowcaseOps.Model;

namespace ShowcaseOps.Commands.Services;

/// <summary>
/// Registers a service with Consul, Vulcand and Kong so that <c>&lt;name&gt;.&lt;domain&gt;</c> reaches its instances through the
/// gateway. Reads first and sends only what is missing or differs: running it again changes nothing.
/// </summary>
[Cmdlet(VerbsLifecycle.Register, "ShowcaseService", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ShowcaseService))]
public sealed class RegisterShowcaseServiceCommand : PlatformCmdlet
{
    /// <summary>The service name, a DNS label (<c>web</c>); binds from MarathonApp.Name.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateServiceName]
    [ArgumentCompleter(typeof(ServiceNameCompleter))]
    public string Name { get; set; } = string.Empty;

    /// <summary>The port Vulcand listens on for the service (Marathon's service port); binds from MarathonApp.ServicePort.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("Port")]
    [ValidateRange(1, 65535)]
    public int ServicePort { get; set; }

    /// <summary>Takes over a Kong service or route of that name made by hand: patches only ShowcaseOps's fields (url, hosts, tags added), keeping the others.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecordCore()
    {
        if (!ShouldChange($"{Name} (service port {ServicePort})", "Register in Consul, Vulcand and Kong"))
        {
            return;
        }

        var output = Run(async (reporter, ct) =>
        {
            var connection = await ConnectAsync(reporter, ct).ConfigureAwait(false);
            var spec = new PlatformServiceSpec(Name, connection.Domain, ServicePort);
            reporter.Verbose($"Registering {spec} in cluster {connection.ClusterName} through the {connection.Channel.Name} channel.");
            var result = await ServiceRegistrar.RegisterAsync(connection.Channel, spec, Force.IsPresent, reporter, ct).ConfigureAwait(false);
            return result.After is null ? null : new ShowcaseService(connection.ClusterName, connection.Domain, result.After);
        });
        if (output is not null)
        {
            WriteOutput(output);
        }
    }
}
