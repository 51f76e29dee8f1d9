using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using ShowcaseOps.Cmdlets;
using ShowcaseOps.Core;
using ShowcaseOps.Core.Platform;
using ShowcaseOps.Core.Services;
using ShowcaseOps.Model;

namespace ShowcaseOps.Commands.Services;

/// <summary>
/// Shows how to reach each service (and the gateway UIs) from outside: the gateway's public https URL (and the plain-http
/// URL that redirects to it), the route's protocols, the Host header Kong routes on, the hosts-file line and a curl
/// command line (<c>--resolve</c>) that needs no hosts file.
/// </summary>
[Cmdlet(VerbsCommon.Get, "ShowcaseEndpoint")]
[OutputType(typeof(ShowcaseEndpoint))]
public sealed class GetShowcaseEndpointCommand : PlatformCmdlet
{
    private static readonly string[] All = { "*" };

    /// <summary>Only services (or gateway UIs) whose name matches (wildcards allowed); binds from ShowcaseService.Name.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("ServiceName")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ValidateServiceNamePattern]
    [ArgumentCompleter(typeof(ServiceNameCompleter))]
    public string[]? Name { get; set; }

    protected override void ProcessRecordCore()
    {
        var patterns = (Name ?? All).Select(n => new WildcardPattern(n, WildcardOptions.None)).ToArray();
        var endpoints = Run(async (reporter, ct) =>
        {
            var connection = await ConnectAsync(reporter, ct).ConfigureAwait(false);
            var publicIp = connection.Cluster?.GatewayAddress?.PublicIp
                ?? throw new ShowcaseException(ShowcaseErrors.ShowcaseGatewayAddressUnknown, connection.ClusterName,
                    $"Cluster '{connection.ClusterName}' has no gateway with a public IP address.")
                {
                    Terminating = true,
                    RecommendedAction = "Pass -Cluster <name> (or pipe a ShowcaseCluster in); complete the cluster with New-ShowcaseCluster if its gateway is missing.",
                };
            var state = await new PlatformStateReader(connection.Channel).ReadAsync(reporter, ct).ConfigureAwait(false);
            state.ThrowIfIncomplete();
            var plugins = await KongPluginReader.ReadAsync(connection.Channel, reporter, ct).ConfigureAwait(false);
            var parameter = GatewayPlan.KeyParameterName(connection.Cluster!.Name);
            var result = new List<ShowcaseEndpoint>();
            foreach (var service in state.Services.Where(s => s.KongRoute is not null))
            {
                var gateway = GatewayPlan.IsGatewayEntity(service);
                var name = gateway && service.Name.StartsWith("gateway-", System.StringComparison.Ordinal) ? service.Name.Substring("gateway-".Length) : service.Name;
                if (!patterns.Any(p => p.IsMatch(name)))
                {
                    continue;
                }

                var host = service.KongRoute!.Hosts.Count > 0 ? service.KongRoute.Hosts[0] : name + "." + (service.Domain ?? connection.Domain);
                var protection = plugins
                    .Where(p => p.ServiceId == service.KongService?.Id || p.RouteId == service.KongRoute.Id)
                    .Select(p => p.Name).Distinct().OrderBy(n => n, System.StringComparer.Ordinal).ToArray();
                result.Add(new ShowcaseEndpoint(connection.ClusterName, name, gateway ? ShowcaseEndpointKind.Gateway : ShowcaseEndpointKind.Service, host, publicIp,
                    protection, protection.Contains("key-auth") ? parameter : null, service.KongRoute.Protocols, service.KongRoute.HttpsRedirectStatusCode));
            }

            return result.OrderBy(e => e.Kind).ThenBy(e => e.Name, System.StringComparer.Ordinal).ToList();
        });
        WriteOutput(endpoints, enumerateCollection: true);
    }
}
