using System.Linq;
using System.Management.Automation;
using ShowcaseOps.Cmdlets;
using ShowcaseOps.Core.Platform;
using ShowcaseOps.Model;

namespace ShowcaseOps.Commands.Services;

/// <summary>Reads Consul, Vulcand and Kong and shows, per service, where it is registered and where it is missing.</summary>
[Cmdlet(VerbsCommon.Get, "ShowcaseService")]
[OutputType(typeof(ShowcaseService))]
public sealed class GetShowcaseServiceCommand : PlatformCmdlet
{
    private static readonly string[] AllNames = { "*" };

    /// <summary>Only services whose name matches (wildcards allowed); a string piped in binds here. Default: every service found in any target.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ValidateServiceNamePattern]
    [ArgumentCompleter(typeof(ServiceNameCompleter))]
    public string[]? Name { get; set; }

    protected override void ProcessRecordCore()
    {
        var patterns = (Name ?? AllNames).Select(n => new WildcardPattern(n, WildcardOptions.None)).ToArray();
        var (cluster, services) = Run(async (reporter, ct) =>
        {
            var connection = await ConnectAsync(reporter, ct).ConfigureAwait(false);
            reporter.Verbose($"Reading Consul, Vulcand and Kong of cluster {connection.ClusterName} through the {connection.Channel.Name} channel.");
            var state = await new PlatformStateReader(connection.Channel).ReadAsync(reporter, ct).ConfigureAwait(false);
            state.ThrowIfIncomplete();
            return (connection.ClusterName, state.Services
                .Where(s => !Core.Services.GatewayPlan.IsGatewayEntity(s) && patterns.Any(p => p.IsMatch(s.Name)))
                .Select(s => new ShowcaseService(connection.ClusterName, connection.Domain, s))
                .ToList());
        });

        foreach (var name in (Name ?? System.Array.Empty<string>()).Where(n => !WildcardPattern.ContainsWildcardCharacters(n)))
        {
            if (!services.Any(s => string.Equals(s.Name, name, System.StringComparison.OrdinalIgnoreCase)))
            {
                WriteShowcaseError(new Core.ShowcaseException(Core.ShowcaseErrors.ShowcaseServiceNotFound, name, $"No service named '{name}' is registered in Consul, Vulcand or Kong of cluster {cluster}.")
                {
                    RecommendedAction = "Register it with Register-ShowcaseService, or list all services with Get-ShowcaseService.",
                });
            }
        }

        WriteOutput(services, enumerateCollection: true);
    }
}
