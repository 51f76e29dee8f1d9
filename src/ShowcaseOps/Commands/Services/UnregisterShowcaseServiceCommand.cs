using ShowcaseOps.Cmdlets;
using System.Management.Automation;
using ShowcaseOps.Core.Services;

namespace ShowcaseOps.Commands.Services;

/// <summary>
/// Removes a service and its instances from Consul, Vulcand and Kong in the order the APIs require. A service that is
/// already gone is success (nothing is sent).
/// </summary>
[Cmdlet(VerbsLifecycle.Unregister, "ShowcaseService", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(void))]
public sealed class UnregisterShowcaseServiceCommand : PlatformCmdlet
{
    /// <summary>The service name (binds from ShowcaseService.Name or MarathonApp.Name).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateServiceName]
    [ArgumentCompleter(typeof(ServiceNameCompleter))]
    public string Name { get; set; } = string.Empty;

    /// <summary>Skips the confirmation prompt; -WhatIf, given or inherited, still only shows what would be removed.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecordCore()
    {
        if (!ShouldChange(Name, "Unregister from Consul, Vulcand and Kong, with all its instances", Force))
        {
            return;
        }

        Run(async (reporter, ct) =>
        {
            var connection = await ConnectAsync(reporter, ct).ConfigureAwait(false);
            reporter.Verbose($"Unregistering {Name} from cluster {connection.ClusterName} through the {connection.Channel.Name} channel.");
            await ServiceRegistrar.UnregisterAsync(connection.Channel, Name, connection.Domain, reporter, ct).ConfigureAwait(false);
        });
        ForgetForCompletion(CompletionKind.Service, Name);
    }
}
