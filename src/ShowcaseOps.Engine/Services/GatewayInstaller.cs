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

/// <summary>Applies <see cref="GatewayPlan"/> and, for key-auth, makes sure the key exists in Parameter Store and is installed in Kong.</summary>
internal static class GatewayInstaller
{
    public static async Task<(bool KeyCreated, string? KeyParameter)> InstallAsync(
        IPlatformChannel channel, GatewaySpec spec, GatewayKeyTransport? keys, bool rotateKey, IOperationReporter reporter, CancellationToken cancellationToken)
    {
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

        if (!spec.KeyAuth)
        {
            return (false, null);
        }

        if (keys is null)
        {
            throw new ArgumentNullException(nameof(keys));
        }

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

    private static ShowcaseException KeyFailed(string cluster, string message) => new(ShowcaseErrors.ShowcaseGatewayKeyInstallFailed, cluster, message)
    {
        RecommendedAction = "Over SSM the gateway reads the key with its instance role (IMDSv2, ssm:GetParameter with decryption, curl 7.75+ for SigV4): "
            + "check the role allows it, or install the key through a tunnel with -Channel Http -PlatformEndpoint @{ Kong = 'http://localhost:8001' }. See docs/gateway.md.",
    };
}
