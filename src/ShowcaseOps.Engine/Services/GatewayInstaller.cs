using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.SimpleSystemsManagement;
using ShowcaseOps.Core.Aws;
using ShowcaseOps.Core.Execution;
using ShowcaseOps.Core.Platform;
using ShowcaseOps.Core.Ssm;
using ShowcaseOps.Core.Text;

namespace ShowcaseOps.Core.Services;

/// <summary>Where the gateway key is installed from: the HTTP channel sends the credential itself; the SSM channel runs <see cref="GatewayKeyScript"/>.</summary>
internal sealed class GatewayKeyTransport : IDisposable
{
    private readonly bool _ownsClient;

    public GatewayKeyTransport(IAmazonSimpleSystemsManagement ssm, SsmTarget? gateway, Uri kongAdminFromGateway)
    {
        Ssm = ssm;
        Gateway = gateway;
        KongAdminFromGateway = kongAdminFromGateway;
    }

    private GatewayKeyTransport(AwsConnectionSettings settings, SsmTarget? gateway, Uri kongAdminFromGateway)
        : this(AwsClientFactory.CreateSsm(settings), gateway, kongAdminFromGateway) => _ownsClient = true;

    /// <summary>A transport with its own SSM client (disposed with it).</summary>
    public static GatewayKeyTransport Open(AwsConnectionSettings settings, SsmTarget? gateway, Uri kongAdminFromGateway) => new(settings, gateway, kongAdminFromGateway);

    public void Dispose()
    {
        if (_ownsClient)
        {
            Ssm.Dispose();
        }
    }

    public IAmazonSimpleSystemsManagement Ssm { get; }

    /// <summary>The gateway instance, for the SSM channel; null for the HTTP channel.</summary>
    public SsmTarget? Gateway { get; }

    public Uri KongAdminFromGateway { get; }
}

/// <summary>What <see cref="GatewayInstaller.InstallAsync"/> did: the key (when key-auth) and the TLS certificate.</summary>
internal sealed record GatewayInstallResult(bool KeyCreated, string? KeyParameter, GatewayCertificate Certificate, bool CertificateStored, bool CertificateInstalled);

/// <summary>
/// Applies <see cref="GatewayPlan"/>, installs the gateway's TLS certificate (imported, or the one kept in Parameter Store,
/// or a new generated one) and, for key-auth, makes sure the key exists in Parameter Store and is installed in Kong.
/// </summary>
internal static class GatewayInstaller
{
    public static async Task<GatewayInstallResult> InstallAsync(
        IPlatformChannel channel, GatewaySpec spec, GatewayKeyTransport keys, bool rotateKey, GatewayCertificate? imported, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        if (keys is null)
        {
            throw new ArgumentNullException(nameof(keys));
        }

        var plan = GatewayPlan.Create(spec);
        reporter.Verbose($"Gateway of {spec.Cluster}: {plan.Count} Kong request(s) over {channel.Name}.");
        var responses = await channel.SendAsync(plan, reporter, cancellationToken).ConfigureAwait(false);
        var failed = responses.FirstOrDefault(r => !r.Succeeded);
        if (failed is not null)
        {
            throw new ShowcaseException(
                ShowcaseErrors.ShowcaseGatewayRegistrationFailed,
                failed.Status == 0 ? ShowcaseErrorCategory.ConnectionError : ShowcaseErrorCategory.InvalidResult,
                spec.Cluster,
                $"{failed.Request.Description}: {(failed.Status == 0 ? "no response" : failed.Status.ToString(CultureInfo.InvariantCulture))} {MessageText.ShortenBody(failed.Body)}")
            {
                RecommendedAction = "Check that Kong runs with its database on the gateway (Get-ShowcaseService shows whether Kong answers), then run the command again.",
            };
        }

        var (certificate, stored) = await GatewayCertificateStore.EnsureAsync(keys.Ssm, spec.Cluster, spec.Domain, imported, reporter, cancellationToken).ConfigureAwait(false);
        var installed = await InstallCertificateAsync(channel, spec, keys, certificate, imported is not null, reporter, cancellationToken).ConfigureAwait(false);
        if (!spec.KeyAuth)
        {
            return new GatewayInstallResult(false, null, certificate, stored, installed);
        }

        var (created, parameter) = await InstallKeyAsync(channel, spec, keys, rotateKey, reporter, cancellationToken).ConfigureAwait(false);
        return new GatewayInstallResult(created, parameter, certificate, stored, installed);
    }

    private static async Task<(bool Created, string Parameter)> InstallKeyAsync(
        IPlatformChannel channel, GatewaySpec spec, GatewayKeyTransport keys, bool rotateKey, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var parameter = GatewayPlan.KeyParameterName(spec.Cluster);
        var (key, created) = await GatewayKeyStore.EnsureAsync(keys.Ssm, spec.Cluster, rotateKey, reporter, cancellationToken).ConfigureAwait(false);
        if (keys.Gateway is null)
        {
            // HTTP channel: straight from this machine to Kong's Admin API; the key never enters an SSM command.
            reporter.Verbose($"Installing the key from {parameter} into Kong over {channel.Name}.");
            var response = (await channel.SendAsync(new[] { GatewayPlan.CredentialRequest(spec.Cluster, key) }, reporter, cancellationToken).ConfigureAwait(false)).Single();
            if (!response.Succeeded)
            {
                // Kong's answer to this request holds the key: never show its body.
                throw KeyFailed(spec.Cluster, $"Kong answered {response.Status.ToString(CultureInfo.InvariantCulture)} to the key-auth credential.");
            }

            return (created, parameter);
        }

        reporter.Verbose($"Installing the key into Kong on {keys.Gateway}: the gateway reads {parameter} itself with its instance role.");
        var script = GatewayKeyScript.Create(keys.KongAdminFromGateway, spec.Cluster);
        var options = new SsmRunOptions
        {
            Comment = "ShowcaseOps: install the gateway API key (read on the gateway from Parameter Store)",
            PlatformOperation = true,
            ExecutionTimeout = TimeSpan.FromMinutes(2),
            PollInterval = TimeSpan.FromMilliseconds(250),
            MaxPollInterval = TimeSpan.FromSeconds(3),
        };
        var result = (await SsmRunner.Create(keys.Ssm).RunAsync(new SsmScript(script), new[] { keys.Gateway }, options, reporter, cancellationToken).ConfigureAwait(false)).Single();
        var outcome = GatewayKeyScript.ParseOutcome(result.StandardOutput);
        if (outcome is null || !outcome.StartsWith("ok", StringComparison.Ordinal))
        {
            var detail = (result.StandardError ?? string.Empty).Trim();
            throw KeyFailed(spec.Cluster, $"The gateway could not install the key ({outcome ?? "no outcome, exit code " + result.ExitCode.ToString(CultureInfo.InvariantCulture)}): {MessageText.ShortenBody(detail)}");
        }

        return (created, parameter);
    }

    /// <summary>
    /// HTTP channel: the certificate request (with its key) straight to Kong. SSM channel: <see cref="GatewayCertificateScript"/>
    /// reads it on the gateway. A failure stops the command for an imported certificate; for a generated one it is a
    /// warning (the routes are https-only anyway; Kong serves its default certificate until a re-run installs it).
    /// </summary>
    private static async Task<bool> InstallCertificateAsync(
        IPlatformChannel channel, GatewaySpec spec, GatewayKeyTransport keys, GatewayCertificate certificate, bool imported, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        string? failure;
        if (keys.Gateway is null)
        {
            reporter.Verbose($"Installing the TLS certificate ({certificate.Subject}) into Kong over {channel.Name}.");
            var response = (await channel.SendAsync(new[] { certificate.KongRequest(spec.Cluster) }, reporter, cancellationToken).ConfigureAwait(false)).Single();

            // Kong's answer holds the private key: never show its body.
            failure = response.Succeeded ? null : $"Kong answered {(response.Status == 0 ? "nothing" : response.Status.ToString(CultureInfo.InvariantCulture))} to the certificate.";
        }
        else
        {
            reporter.Verbose($"Installing the TLS certificate into Kong on {keys.Gateway}: the gateway reads it from Parameter Store with its instance role.");
            var script = GatewayCertificateScript.Create(keys.KongAdminFromGateway, spec.Cluster, certificate.DnsNames);
            var options = new SsmRunOptions
            {
                Comment = "ShowcaseOps: install the gateway TLS certificate (read on the gateway from Parameter Store)",
                PlatformOperation = true,
                ExecutionTimeout = TimeSpan.FromMinutes(2),
                PollInterval = TimeSpan.FromMilliseconds(250),
                MaxPollInterval = TimeSpan.FromSeconds(3),
            };
            var result = (await SsmRunner.Create(keys.Ssm).RunAsync(new SsmScript(script), new[] { keys.Gateway }, options, reporter, cancellationToken).ConfigureAwait(false)).Single();
            var outcome = GatewayCertificateScript.ParseOutcome(result.StandardOutput);
            failure = outcome is not null && outcome.StartsWith("ok", StringComparison.Ordinal) ? null
                : $"The gateway could not install the certificate ({outcome ?? "no outcome, exit code " + result.ExitCode.ToString(CultureInfo.InvariantCulture)}): {MessageText.ShortenBody((result.StandardError ?? string.Empty).Trim())}";
        }

        if (failure is null)
        {
            return true;
        }

        if (imported)
        {
            throw new ShowcaseException(ShowcaseErrors.ShowcaseGatewayCertificateInstallFailed, spec.Cluster, failure)
            {
                RecommendedAction = "Over SSM the gateway reads the certificate with its instance role (as it does the API key); check the role, or install it through a tunnel with -Channel Http. See docs/gateway.md.",
            };
        }

        reporter.Warning(failure + " Kong serves its default certificate until the command runs again (over SSM the gateway reads the certificate with its instance role; -Channel Http installs it through a tunnel).");
        return false;
    }

    private static ShowcaseException KeyFailed(string cluster, string message) => new(ShowcaseErrors.ShowcaseGatewayKeyInstallFailed, cluster, message)
    {
        RecommendedAction = "Over SSM the gateway reads the key with its instance role (IMDSv2, ssm:GetParameter with decryption, curl 7.75+ for SigV4): "
            + "check the role allows it, or install the key through a tunnel with -Channel Http -PlatformEndpoint @{ Kong = 'http://localhost:8001' }. See docs/gateway.md.",
    };
}
