using System.Linq;
using ShowcaseOps.Cmdlets;
using System.Management.Automation;
using ShowcaseOps.Core.Platform;
using ShowcaseOps.Core.Services;
using ShowcaseOps.Model;

namespace ShowcaseOps.Commands.Services;

/// <summary>Shows each instance of each service and where it is registered (Consul, Vulcand) or missing.</summary>
[Cmdlet(VerbsCommon.Get, "ShowcaseInstance")]
[OutputType(typeof(ShowcaseInstance))]
public sealed class GetShowcaseInstanceCommand : PlatformCmdlet
{
    private static readonly string[] All = { "*" };

    /// <summary>Only instances of services whose name matches (wildcards allowed); binds from ShowcaseService.Name.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ValidateServiceNamePattern]
    [ArgumentCompleter(typeof(ServiceNameCompleter))]
    public string[]? ServiceName { get; set; }

    /// <summary>Only instances whose id matches (wildcards allowed).</summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ValidateInstanceIdPattern]
    [ArgumentCompleter(typeof(InstanceIdCompleter))]
    public string[]? InstanceId { get; set; }

    protected override void ProcessRecordCore()
    {
        var services = (ServiceName ?? All).Select(n => new WildcardPattern(n, WildcardOptions.None)).ToArray();
        var ids = (InstanceId ?? All).Select(n => new WildcardPattern(n, WildcardOptions.None)).ToArray();
        var instances = Run(async (reporter, ct) =>
        {
            var connection = await ConnectAsync(reporter, ct).ConfigureAwait(false);
            reporter.Verbose($"Reading Consul and Vulcand of cluster {connection.ClusterName} through the {connection.Channel.Name} channel.");
            var state = await new PlatformStateReader(connection.Channel).ReadAsync(reporter, ct).ConfigureAwait(false);
            state.ThrowIfIncomplete();
            return state.Services
                .Where(s => !GatewayPlan.IsGatewayEntity(s) && services.Any(p => p.IsMatch(s.Name)))
                .SelectMany(s => s.Instances)
                .Where(i => ids.Any(p => p.IsMatch(i.InstanceId)))
                .Select(i => new ShowcaseInstance(connection.ClusterName, i))
                .ToList();
        });
        WriteOutput(instances, enumerateCollection: true);
    }
}
