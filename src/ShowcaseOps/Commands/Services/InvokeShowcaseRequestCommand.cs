using System.Globalization;
using System.Management.Automation;
using ShowcaseOps.Cmdlets;
using ShowcaseOps.Core;
using ShowcaseOps.Core.Platform;
using ShowcaseOps.Core.Services;
using ShowcaseOps.Model;

namespace ShowcaseOps.Commands.Services;

/// <summary>
/// Sends requests to a service through the cluster's gateway, as a client on the internet would (https to the gateway's
/// public address, Host and TLS server name &lt;service&gt;.&lt;domain&gt;), trusting the gateway's own certificate for
/// these requests only, and shows which instance answered each. In the sandbox the requests go through its loopback
/// gateway (Kong → Vulcand → the task). It changes nothing.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "ShowcaseRequest")]
[OutputType(typeof(ShowcaseRequestResult))]
public sealed class InvokeShowcaseRequestCommand : PlatformCmdlet
{
    /// <summary>The service (a DNS label, <c>web</c>): the request goes to &lt;service&gt;.&lt;domain&gt;. Binds from ShowcaseService.Name.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Name", "ServiceName")]
    [ValidateServiceName]
    [ArgumentCompleter(typeof(ServiceNameCompleter))]
    public string Service { get; set; } = string.Empty;

    /// <summary>The path and query to request (default /): starts with /, no spaces, control characters, # or '.'/'..' segments; at most 2,048 characters.</summary>
    [Parameter(Position = 1)]
    [ValidatePattern(@"\A(?!.*/\.\.?(?:[/?]|\z))/[\x21-\x22\x24-\x7E]{0,2047}\z")]
    public string Path { get; set; } = "/";

    /// <summary>How many requests to send one after the other (default 1, at most 1000).</summary>
    [Parameter]
    [ValidateRange(1, 1000)]
    public int Count { get; set; } = 1;

    /// <summary>https (default) or http: plain http shows the gateway's redirect (308 to https) and is never followed.</summary>
    [Parameter]
    [ValidateSet("https", "http")]
    [ValidateNoControlCharacter]
    public string Scheme { get; set; } = "https";

    protected override void ProcessRecordCore()
    {
        var service = Service;
        var results = Run(async (reporter, ct) =>
        {
            var connection = await ConnectAsync(reporter, ct).ConfigureAwait(false);
            var cluster = connection.Cluster;
            var publicIp = cluster?.GatewayAddress?.PublicIp
                ?? throw new ShowcaseException(ShowcaseErrors.ShowcaseGatewayAddressUnknown, connection.ClusterName,
                    $"Cluster '{connection.ClusterName}' has no gateway with a public IP address to send requests to.")
                {
                    Terminating = true,
                    RecommendedAction = "Pass -Cluster <name> (or pipe a ShowcaseCluster in); complete the cluster with New-ShowcaseCluster if its gateway is missing.",
                };
            var (address, port) = (publicIp, Scheme == "https" ? 443 : 80);
            if (Session.SandboxEndpoint(PlatformTarget.Kong) is not null && RunspaceState.Sandbox is ShowcaseOps.Sandbox.SandboxHost sandbox)
            {
                // The sandbox's gateway: Kong's proxy listeners on loopback stand for <public ip>:80/443.
                var loopback = Scheme == "https" ? sandbox.GatewayHttpsEndpoint : sandbox.GatewayHttpEndpoint;
                reporter.Verbose($"Sandbox: {publicIp}:{port.ToString(CultureInfo.InvariantCulture)} is the loopback gateway {loopback}.");
                (address, port) = (loopback.Host, loopback.Port);
            }

            var target = new GatewayRequestTarget(cluster!.Name, service, connection.Domain, address, port, Scheme, Path);
            reporter.Verbose($"{Count.ToString(CultureInfo.InvariantCulture)} request(s) to {target.Url} through {address}:{port.ToString(CultureInfo.InvariantCulture)}.");
            var sent = await GatewayRequester.SendAsync(ConnectionSettings, target, Count, null, reporter, ct).ConfigureAwait(false);
            return new System.Collections.Generic.List<ShowcaseRequestResult>(System.Linq.Enumerable.Select(sent, r => new ShowcaseRequestResult(cluster.Name, r)));
        });
        WriteOutput(results, enumerateCollection: true);
    }
}
