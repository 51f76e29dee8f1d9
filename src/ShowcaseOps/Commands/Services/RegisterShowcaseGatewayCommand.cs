using ShowcaseOps.Cmdlets;
using System.Linq;
using System.Management.Automation;
using ShowcaseOps.Core;
using ShowcaseOps.Core.Aws;
using ShowcaseOps.Core.Platform;
using ShowcaseOps.Core.Services;
using ShowcaseOps.Core.Ssm;
using ShowcaseOps.Model;

namespace ShowcaseOps.Commands.Services;

/// <summary>
/// Exposes the Mesos (5050) and Marathon (8080) UIs of the master through Kong as mesos.&lt;domain&gt; and
/// marathon.&lt;domain&gt;, protected by ip-restriction (-AllowCidr) and/or key-auth (-KeyAuth; the key is a SecureString in
/// Parameter Store and never travels in an SSM command). Open to everyone only with -AllowAnonymous. Routes are https only
/// (plain http answers 308 to https) with a certificate imported from -CertificatePath/-KeyPath or generated once and kept
/// in Parameter Store.
/// </summary>
[Cmdlet(VerbsLifecycle.Register, "ShowcaseGateway", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ProtectedSet)]
[OutputType(typeof(ShowcaseEndpoint))]
public sealed class RegisterShowcaseGatewayCommand : PlatformCmdlet
{
    private const string ProtectedSet = "Protected";
    private const string AnonymousSet = "Anonymous";

    /// <summary>Only these IPv4 CIDR blocks (or addresses) may use the UIs (Kong ip-restriction, config.allow).</summary>
    [Parameter(ParameterSetName = ProtectedSet)]
    [ValidateNotNullOrEmpty]
    [ValidateCidr]
    public string[]? AllowCidr { get; set; }

    /// <summary>Requires an API key (Kong key-auth, header apikey); the key is kept in Parameter Store as a SecureString.</summary>
    [Parameter(ParameterSetName = ProtectedSet)]
    public SwitchParameter KeyAuth { get; set; }

    /// <summary>With -KeyAuth: replaces the stored key with a new random one.</summary>
    [Parameter(ParameterSetName = ProtectedSet)]
    public SwitchParameter NewApiKey { get; set; }

    /// <summary>Opens the UIs to everyone, without protection (an explicit choice).</summary>
    [Parameter(Mandatory = true, ParameterSetName = AnonymousSet)]
    public SwitchParameter AllowAnonymous { get; set; }

    /// <summary>
    /// A PEM certificate (chain, leaf first) for the gateway's https, with -KeyPath. A regular file of at most 64 KiB.
    /// Without it, a self-signed ECDSA certificate for *.&lt;domain&gt; is generated once and kept in Parameter Store.
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? CertificatePath { get; set; }

    /// <summary>The unencrypted PEM private key of -CertificatePath (PKCS#8, RSA or EC). A regular file of at most 64 KiB.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? KeyPath { get; set; }

    private Core.Services.GatewayCertificate? _imported;

    protected override void BeginProcessingCore()
    {
        if (ParameterSetName == ProtectedSet && (AllowCidr is null || AllowCidr.Length == 0) && !KeyAuth)
        {
            ThrowTerminatingError(new ErrorRecord(
                new ParameterBindingException("Register-ShowcaseGateway needs a protection: -AllowCidr <cidr[]> and/or -KeyAuth, or -AllowAnonymous to open the UIs to everyone."),
                Core.ShowcaseErrors.ShowcaseGatewayProtectionMissing.Id,
                ErrorCategory.InvalidArgument,
                null));
        }

        if (NewApiKey && !KeyAuth)
        {
            ThrowTerminatingError(new ErrorRecord(
                new ParameterBindingException("-NewApiKey only makes sense with -KeyAuth."), Core.ShowcaseErrors.ShowcaseGatewayProtectionMissing.Id, ErrorCategory.InvalidArgument, null));
        }

        if (CertificatePath is not null || KeyPath is not null)
        {
            _imported = GatewayCertificateFiles.Load(this, CertificatePath, KeyPath);
        }
    }

    protected override void ProcessRecordCore()
    {
        var protection = AllowAnonymous ? "open to everyone" : string.Join(" and ", new[]
        {
            AllowCidr is { Length: > 0 } ? "ip-restriction " + string.Join(", ", AllowCidr) : null,
            KeyAuth ? "key-auth" : null,
        }.Where(p => p is not null));
        var target = ClusterDescription + " gateway";
        if (!ShouldChange(target, $"Expose the Mesos and Marathon UIs through Kong ({protection})"))
        {
            return;
        }

        var sandbox = ReadContext().Target == "Sandbox";
        var endpoints = Run(async (reporter, ct) =>
        {
            var connection = await ConnectAsync(reporter, ct).ConfigureAwait(false);
            var cluster = connection.Cluster;
            if (cluster?.Master?.PrivateIpAddress is not { } master || cluster.GatewayAddress?.PublicIp is not { } publicIp || cluster.Gateway is null)
            {
                throw new ShowcaseException(ShowcaseErrors.ShowcaseClusterIncomplete, connection.ClusterName,
                    $"Cluster '{connection.ClusterName}' has no running master and public gateway to expose.")
                {
                    Terminating = true,
                    RecommendedAction = "Complete it with New-ShowcaseCluster, then run this again.",
                };
            }

            var spec = new GatewaySpec(cluster.Name, connection.Domain, master, AllowCidr ?? System.Array.Empty<string>(), KeyAuth, AllowAnonymous);
            var overSsm = connection.Channel.Name == "ssm";
            var kong = PlatformEndpoints.ForCluster(master).Kong;
            using var keys = GatewayKeyTransport.Open(ConnectionSettings, overSsm ? new SsmTarget(cluster.Gateway.InstanceId, "gateway", cluster.Gateway.Name) : null, kong);

            var installed = await GatewayInstaller.InstallAsync(connection.Channel, spec, keys, NewApiKey, _imported, reporter, ct).ConfigureAwait(false);
            var (created, parameter) = (installed.KeyCreated, installed.KeyParameter);
            reporter.Verbose($"TLS: {installed.Certificate.Subject} (SHA-256 {installed.Certificate.Thumbprint}, until {installed.Certificate.NotAfter:yyyy-MM-dd}){(installed.CertificateStored ? ", stored in " + GatewayCertificate.CertificateParameterName(cluster.Name) : string.Empty)}.");
            if (created)
            {
                reporter.Warning(sandbox
                    ? $"A new API key was stored in {parameter} (SecureString) in the sandbox's Parameter Store. Read it with: (Get-ShowcaseSandbox).Host.Ssm.Parameters.Get('{parameter}').Value"
                    : $"A new API key was stored in {parameter} (SecureString). Read it with the AWS CLI: aws ssm get-parameter --name {parameter} --with-decryption --query Parameter.Value --output text");
            }

            var plugins = new System.Collections.Generic.List<string>();
            if (AllowCidr is { Length: > 0 })
            {
                plugins.Add("ip-restriction");
            }

            if (KeyAuth)
            {
                plugins.Add("key-auth");
            }

            return GatewayPlan.Uis.Select(ui => new ShowcaseEndpoint(cluster.Name, ui.Name, ShowcaseEndpointKind.Gateway, GatewayPlan.HostName(ui, connection.Domain), publicIp, plugins.ToArray(), parameter)).ToList();
        });
        WriteOutput(endpoints, enumerateCollection: true);
    }
}
