using System.Management.Automation;
using ShowcaseOps.Core.Services;

namespace ShowcaseOps.Commands.Services;

/// <summary>
/// Removes a service and its instances from Consul, Vulcand and Kong in the order the APIs require. A service that is
/// already gone is success (nothing is sent).
/// </summary>
[Cmdlet(VerbsLifecycle.Unregister, "ShowcaseService", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(void))]
public sealed class UnregisterShowcaseServiceCommand : RegistrationCmdlet
{
    /// <summary>The service name (binds from ShowcaseService.Name or MarathonApp.Name).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateServiceName]
    public string Name { get; set; } = string.Empty;

    /// <summary>Removes without asking for confirmation (-WhatIf still only shows what would be removed).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecordCore()
    {
        if (!Confirm(Force, Name, "Unregister from Consul, Vulcand and Kong, with all its instances"))
        {
            return;
        }

        Run(async (reporter, ct) =>
        {
            var connection = await ConnectAsync(reporter, ct).ConfigureAwait(false);
            reporter.Verbose($"Unregistering {Name} from cluster {connection.ClusterName} through the {connection.Channel.Name} channel.");
            await ServiceRegistrar.UnregisterAsync(connection.Channel, Name, connection.Domain, reporter, ct).ConfigureAwait(false);
        });
    }
}
