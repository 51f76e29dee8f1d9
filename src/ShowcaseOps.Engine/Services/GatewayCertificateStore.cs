using System;
using System.Threading;
using System.Threading.Tasks;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using ShowcaseOps.Core.Aws;
using ShowcaseOps.Core.Execution;

namespace ShowcaseOps.Core.Services;

/// <summary>
/// Keeps the gateway's TLS certificate in Parameter Store: the chain as a String parameter (anyone who may read the
/// cluster's parameters can pin it), the private key as a SecureString. Both use the Intelligent-Tiering tier: Standard
/// (4,096 characters) when the value fits, Advanced (8,192) for a long imported chain. A re-run reuses what is stored
/// (an imported certificate replaces it only when it differs). Internal: it takes an SDK client.
/// </summary>
internal static class GatewayCertificateStore
{
    /// <summary>A stored generated certificate is replaced this long before it expires.</summary>
    private static readonly TimeSpan RenewBefore = TimeSpan.FromDays(30);

    /// <summary>The certificate to install: <paramref name="imported"/> (stored when it differs), else the stored one, else a new generated one.</summary>
    public static async Task<(GatewayCertificate Certificate, bool Stored)> EnsureAsync(
        IAmazonSimpleSystemsManagement ssm, string cluster, string domain, GatewayCertificate? imported, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var stored = await ReadAsync(ssm, cluster, reporter, cancellationToken).ConfigureAwait(false);
        if (imported is not null)
        {
            if (stored is not null && stored.Thumbprint == imported.Thumbprint && stored.KeyPem == imported.KeyPem)
            {
                return (stored, false);
            }

            await WriteAsync(ssm, cluster, imported, reporter, cancellationToken).ConfigureAwait(false);
            return (imported, true);
        }

        if (stored is not null && stored.Covers("gateway." + domain) && stored.NotAfter > DateTime.UtcNow + RenewBefore)
        {
            return (stored, false);
        }

        if (stored is not null)
        {
            reporter.Verbose($"The stored certificate ({stored.Subject}, until {stored.NotAfter:yyyy-MM-dd}) does not cover *.{domain} or expires soon: generating a new one.");
        }

        var generated = GatewayCertificate.Generate(domain, DateTimeOffset.UtcNow);
        await WriteAsync(ssm, cluster, generated, reporter, cancellationToken).ConfigureAwait(false);
        return (generated, true);
    }

    /// <summary>The stored certificate and key, or null when either is missing or they do not make a usable pair.</summary>
    public static async Task<GatewayCertificate?> ReadAsync(IAmazonSimpleSystemsManagement ssm, string cluster, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var certificate = await GetAsync(ssm, GatewayCertificate.CertificateParameterName(cluster), false, reporter, cancellationToken).ConfigureAwait(false);
        if (certificate is null)
        {
            return null;
        }

        var key = await GetAsync(ssm, GatewayCertificate.KeyParameterName(cluster), true, reporter, cancellationToken).ConfigureAwait(false);
        if (key is null)
        {
            return null;
        }

        try
        {
            return GatewayCertificate.Parse(certificate, key, "Parameter Store");
        }
        catch (ShowcaseException ex) when (ex.Error == ShowcaseErrors.ShowcaseGatewayCertificateInvalid)
        {
            reporter.Warning("The certificate stored in Parameter Store is not usable (" + ex.Message + "); it is replaced.");
            return null;
        }
    }

    /// <summary>Only the stored certificate chain (a String parameter, no decryption): what a client pins. Null when none is stored.</summary>
    public static Task<string?> ReadCertificatePemAsync(IAmazonSimpleSystemsManagement ssm, string cluster, IOperationReporter reporter, CancellationToken cancellationToken) =>
        GetAsync(ssm, GatewayCertificate.CertificateParameterName(cluster), false, reporter, cancellationToken);

    private static async Task WriteAsync(IAmazonSimpleSystemsManagement ssm, string cluster, GatewayCertificate certificate, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        // The key first: a stored certificate always has its key.
        await PutAsync(ssm, GatewayCertificate.KeyParameterName(cluster), ParameterType.SecureString, certificate.KeyPem,
            $"ShowcaseOps: private key of the {cluster} gateway's TLS certificate", reporter, cancellationToken).ConfigureAwait(false);
        await PutAsync(ssm, GatewayCertificate.CertificateParameterName(cluster), ParameterType.String, certificate.CertificatePem,
            $"ShowcaseOps: TLS certificate of the {cluster} gateway ({certificate.Subject}, SHA-256 {certificate.Thumbprint})", reporter, cancellationToken).ConfigureAwait(false);
    }

    private static async Task PutAsync(IAmazonSimpleSystemsManagement ssm, string name, ParameterType type, string value, string description, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        reporter.Verbose($"SSM PutParameter {name} ({type}, Intelligent-Tiering, {value.Length} characters).");
        try
        {
            await ParameterStoreCalls.RunAsync("PutParameter", name, ct => ssm.PutParameterAsync(new PutParameterRequest
            {
                Name = name,
                Type = type,
                Value = value,
                Overwrite = true,
                Tier = ParameterTier.IntelligentTiering,
                Description = description,
            }, ct), reporter, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is Amazon.Runtime.AmazonServiceException or Amazon.Runtime.AmazonClientException or System.Net.Http.HttpRequestException or System.IO.IOException)
        {
            throw AwsErrorClassifier.ToShowcase(ex, "Ssm", name, "storing the gateway certificate");
        }
    }

    private static async Task<string?> GetAsync(IAmazonSimpleSystemsManagement ssm, string name, bool decrypt, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        reporter.Verbose($"SSM GetParameter {name}{(decrypt ? " (with decryption)" : string.Empty)}.");
        try
        {
            var response = await ParameterStoreCalls.RunAsync("GetParameter", name, ct => ssm.GetParameterAsync(new GetParameterRequest { Name = name, WithDecryption = decrypt }, ct), reporter, cancellationToken).ConfigureAwait(false);
            return response.Parameter?.Value;
        }
        catch (ParameterNotFoundException)
        {
            return null;
        }
        catch (Exception ex) when (ex is Amazon.Runtime.AmazonServiceException or Amazon.Runtime.AmazonClientException or System.Net.Http.HttpRequestException or System.IO.IOException)
        {
            throw AwsErrorClassifier.ToShowcase(ex, "Ssm", name, "reading the gateway certificate");
        }
    }
}
