using System;
using System.Threading;
using System.Threading.Tasks;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using ShowcaseOps.Core.Aws;
using ShowcaseOps.Core.Execution;

namespace ShowcaseOps.Core.Services;

/// <summary>
/// Keeps the gateway API key in Parameter Store as a SecureString (<see cref="GatewayPlan.KeyParameterName"/>): reads it
/// with decryption, or creates a random one when none exists. Internal: it takes an SDK client.
/// </summary>
internal static class GatewayKeyStore
{
    /// <summary>The stored key, creating it (or replacing it when <paramref name="rotate"/>) first. Returns the key and whether it was created now.</summary>
    public static async Task<(string Key, bool Created)> EnsureAsync(IAmazonSimpleSystemsManagement ssm, string cluster, bool rotate, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var name = GatewayPlan.KeyParameterName(cluster);
        if (!rotate)
        {
            var existing = await TryGetAsync(ssm, name, reporter, cancellationToken).ConfigureAwait(false);
            if (existing is not null)
            {
                return (existing, false);
            }
        }

        var key = GatewayPlan.NewKey();
        reporter.Verbose($"SSM PutParameter {name} (SecureString, a new random key).");
        try
        {
            // A retry after a lost answer finds the key it stored: ParameterAlreadyExists, read back below.
            await ParameterStoreCalls.RunAsync("PutParameter", name, ct => ssm.PutParameterAsync(new PutParameterRequest
            {
                Name = name,
                Type = ParameterType.SecureString,
                Value = key,
                Overwrite = rotate,
                Description = $"ShowcaseOps: API key of the {cluster} gateway (Kong key-auth, header {GatewayPlan.KeyName})",
            }, ct), reporter, cancellationToken).ConfigureAwait(false);
            return (key, true);
        }
        catch (ParameterAlreadyExistsException)
        {
            // Created meanwhile by another command: use that one.
            var raced = await TryGetAsync(ssm, name, reporter, cancellationToken).ConfigureAwait(false);
            return (raced ?? throw Invalid(name), false);
        }
        catch (Exception ex) when (ex is Amazon.Runtime.AmazonServiceException or Amazon.Runtime.AmazonClientException or System.Net.Http.HttpRequestException or System.IO.IOException)
        {
            throw AwsErrorClassifier.ToShowcase(ex, "Ssm", name, "storing the gateway key");
        }
    }

    private static async Task<string?> TryGetAsync(IAmazonSimpleSystemsManagement ssm, string name, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        reporter.Verbose($"SSM GetParameter {name} (with decryption).");
        try
        {
            var response = await ParameterStoreCalls.RunAsync("GetParameter", name, ct => ssm.GetParameterAsync(new GetParameterRequest { Name = name, WithDecryption = true }, ct), reporter, cancellationToken).ConfigureAwait(false);
            var value = response.Parameter?.Value;
            return GatewayPlan.IsValidKey(value) ? value : throw Invalid(name);
        }
        catch (ParameterNotFoundException)
        {
            return null;
        }
        catch (Exception ex) when (ex is Amazon.Runtime.AmazonServiceException or Amazon.Runtime.AmazonClientException or System.Net.Http.HttpRequestException or System.IO.IOException)
        {
            throw AwsErrorClassifier.ToShowcase(ex, "Ssm", name, "reading the gateway key");
        }
    }

    private static ShowcaseException Invalid(string name) => new(
        ShowcaseErrors.ShowcaseGatewayKeyInvalid, name,
        $"The parameter {name} does not hold a usable key (16 to 256 characters of A-Z a-z 0-9 - _).")
    {
        Terminating = true,
        RecommendedAction = "Run Register-ShowcaseGateway with -NewApiKey to replace it with a new random key.",
    };
}
