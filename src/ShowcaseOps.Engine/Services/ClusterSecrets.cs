using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using ShowcaseOps.Core.Aws;
using ShowcaseOps.Core.Execution;

namespace ShowcaseOps.Core.Services;

/// <summary>
/// The credentials the module sends to a cluster's Consul (<c>X-Consul-Token</c>) and Marathon (<c>Authorization: Basic</c>),
/// read from Parameter Store (<see cref="ClusterSecrets"/>). Values are checked against a narrow alphabet, so nothing
/// else can reach a header; <see cref="ToString"/> never shows them.
/// </summary>
public sealed class PlatformCredentials
{
    private static readonly Regex TokenPattern = new("\\A[A-Za-z0-9-]{8,128}\\z", RegexOptions.CultureInvariant);
    private static readonly Regex MarathonPattern = new("\\A[A-Za-z0-9._-]{1,64}:[A-Za-z0-9]{16,128}\\z", RegexOptions.CultureInvariant);

    public PlatformCredentials(string? consulToken, string? marathonCredentials)
    {
        if (consulToken is not null && !TokenPattern.IsMatch(consulToken))
        {
            throw new ArgumentException("The Consul token must be 8 to 128 characters of A-Z a-z 0-9 -.", nameof(consulToken));
        }

        if (marathonCredentials is not null && !MarathonPattern.IsMatch(marathonCredentials))
        {
            throw new ArgumentException("Marathon credentials must be user:password (user A-Z a-z 0-9 . _ -, password 16 to 128 of A-Z a-z 0-9).", nameof(marathonCredentials));
        }

        ConsulToken = consulToken;
        MarathonCredentials = marathonCredentials;
    }

    /// <summary>No credentials (a cluster without the secrets, or the sandbox before a bootstrap).</summary>
    public static PlatformCredentials None { get; } = new(null, null);

    /// <summary>The token for <c>X-Consul-Token</c> (the cluster's registrar token), or null.</summary>
    public string? ConsulToken { get; }

    /// <summary><c>user:password</c> for Marathon, or null.</summary>
    public string? MarathonCredentials { get; }

    /// <summary>The value of Marathon's <c>Authorization</c> header, or null.</summary>
    public string? MarathonAuthorization => MarathonCredentials is null ? null : "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(MarathonCredentials));

    public override string ToString() =>
        $"Consul token {(ConsulToken is null ? "none" : "set")}, Marathon credentials {(MarathonCredentials is null ? "none" : "set")}";
}

/// <summary>
/// The per-cluster secrets in Parameter Store, all SecureString under the gateway key's prefix
/// (<c>/showcaseops/&lt;cluster&gt;/</c>): <c>consul-gossip-key</c> (base64 of 32 random bytes),
/// <c>consul-management-token</c>, <c>consul-agent-token</c>, <c>consul-registrar-token</c> (random UUIDs) and
/// <c>marathon-credentials</c> (<c>showcaseops:&lt;32 of A-Z a-z 0-9&gt;</c>). Created before the hosts are bootstrapped
/// (the hosts read them with their instance role), read by the module for its own calls, removed at teardown. Every
/// call goes through <see cref="Retry"/>. Internal: it takes an SDK client.
/// </summary>
internal static class ClusterSecrets
{
    public const string GossipKey = "consul-gossip-key";
    public const string ManagementToken = "consul-management-token";
    public const string AgentToken = "consul-agent-token";
    public const string RegistrarToken = "consul-registrar-token";
    public const string MarathonCredentials = "marathon-credentials";
    public const string MarathonUser = "showcaseops";

    private const string Alphanumeric = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>Every secret the bootstrap needs, in creation order.</summary>
    public static IReadOnlyList<string> Leaves { get; } = new[] { GossipKey, ManagementToken, AgentToken, RegistrarToken, MarathonCredentials };

    /// <summary><c>/showcaseops/&lt;cluster&gt;/</c>: the prefix of <see cref="GatewayPlan.KeyParameterName"/>, so teardown finds everything.</summary>
    public static string Prefix(string cluster)
    {
        var key = GatewayPlan.KeyParameterName(cluster);
        return key.Substring(0, key.LastIndexOf('/') + 1);
    }

    public static string Name(string cluster, string leaf) => Prefix(cluster) + leaf;

    /// <summary>A new value for a secret.</summary>
    public static string NewValue(string leaf) => leaf switch
    {
        GossipKey => Convert.ToBase64String(RandomBytes(32)),
        MarathonCredentials => MarathonUser + ":" + RandomAlphanumeric(32),
        _ => NewUuid(),
    };

    /// <summary>Creates the secrets that do not exist yet (an existing one is never replaced). Returns the names created now.</summary>
    public static async Task<IReadOnlyList<string>> EnsureAsync(IAmazonSimpleSystemsManagement ssm, string cluster, RetryPolicy policy, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var names = Leaves.Select(l => Name(cluster, l)).ToList();
        var existing = await Call(
            ct => ssm.GetParametersAsync(new GetParametersRequest { Names = names, WithDecryption = false }, ct),
            policy, reporter, "SSM GetParameters " + Prefix(cluster) + "*", cluster, cancellationToken).ConfigureAwait(false);
        var present = new HashSet<string>((existing.Parameters ?? new List<Parameter>()).Select(p => p.Name), StringComparer.Ordinal);
        var created = new List<string>();
        foreach (var leaf in Leaves)
        {
            var name = Name(cluster, leaf);
            if (present.Contains(name))
            {
                continue;
            }

            reporter.Verbose($"SSM PutParameter {name} (SecureString, a new random value).");
            var request = new PutParameterRequest
            {
                Name = name,
                Type = ParameterType.SecureString,
                Value = NewValue(leaf),
                Overwrite = false,
                Description = $"ShowcaseOps: {leaf} of cluster {cluster} (read by its hosts with their instance role)",
            };
            try
            {
                await Call(ct => ssm.PutParameterAsync(request, ct), policy, reporter, "SSM PutParameter " + name, name, cancellationToken).ConfigureAwait(false);
                created.Add(name);
            }
            catch (ShowcaseException ex) when (ex.InnerException is ParameterAlreadyExistsException)
            {
                // Created meanwhile, or our own first attempt whose answer was lost: keep what is stored.
            }
        }

        if (created.Count > 0)
        {
            reporter.Verbose($"Cluster '{cluster}': created {created.Count} secret(s) in Parameter Store ({string.Join(", ", created)}).");
        }

        return created;
    }

    /// <summary>The registrar token and Marathon credentials, with decryption (null where a parameter does not exist).</summary>
    public static async Task<PlatformCredentials> ReadAsync(IAmazonSimpleSystemsManagement ssm, string cluster, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var token = Name(cluster, RegistrarToken);
        var marathon = Name(cluster, MarathonCredentials);
        reporter.Verbose($"SSM GetParameters {token}, {marathon} (with decryption).");
        var response = await Call(
            ct => ssm.GetParametersAsync(new GetParametersRequest { Names = new List<string> { token, marathon }, WithDecryption = true }, ct),
            RetryPolicy.Aws, reporter, "SSM GetParameters", cluster, cancellationToken).ConfigureAwait(false);
        string? ValueOf(string name) => response.Parameters?.FirstOrDefault(p => p.Name == name)?.Value;
        try
        {
            return new PlatformCredentials(ValueOf(token), ValueOf(marathon));
        }
        catch (ArgumentException)
        {
            throw new ShowcaseException(ShowcaseErrors.ShowcaseClusterSecretInvalid, Prefix(cluster), $"The parameter {token} or {marathon} does not hold a usable value.")
            {
                Terminating = true,
                RecommendedAction = $"Delete the bad parameter (Remove-SSMParameter) and run Invoke-ShowcaseBootstrap -Name {cluster} -Force: it creates a new one and gives it to the hosts.",
            };
        }
    }

    /// <summary>Every parameter under the cluster's prefix (recursive, all pages).</summary>
    public static async Task<IReadOnlyList<string>> ListAsync(IAmazonSimpleSystemsManagement ssm, string cluster, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var names = new List<string>();
        string? next = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        do
        {
            var request = new GetParametersByPathRequest { Path = Prefix(cluster).TrimEnd('/'), Recursive = true, WithDecryption = false, MaxResults = 10, NextToken = next };
            var page = await Call(ct => ssm.GetParametersByPathAsync(request, ct), RetryPolicy.Aws, reporter, "SSM GetParametersByPath " + request.Path, cluster, cancellationToken).ConfigureAwait(false);
            names.AddRange((page.Parameters ?? new List<Parameter>()).Select(p => p.Name));
            next = string.IsNullOrEmpty(page.NextToken) ? null : page.NextToken;
            if (next is not null && !seen.Add(next))
            {
                throw new ShowcaseException(ShowcaseErrors.AwsPagingFailed, request.Path, "GetParametersByPath sent the same NextToken twice.");
            }
        }
        while (next is not null);
        return names.Distinct(StringComparer.Ordinal).OrderBy(n => n, StringComparer.Ordinal).ToList();
    }

    /// <summary>Deletes every parameter under the cluster's prefix (10 per call) and checks none is left. Returns the names deleted.</summary>
    public static async Task<IReadOnlyList<string>> DeleteAllAsync(IAmazonSimpleSystemsManagement ssm, string cluster, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var names = await ListAsync(ssm, cluster, reporter, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < names.Count; i += 10)
        {
            var part = names.Skip(i).Take(10).ToList();
            reporter.Verbose($"SSM DeleteParameters {string.Join(", ", part)}.");
            await Call(ct => ssm.DeleteParametersAsync(new DeleteParametersRequest { Names = part }, ct), RetryPolicy.Aws, reporter, "SSM DeleteParameters", cluster, cancellationToken).ConfigureAwait(false);
        }

        var left = await ListAsync(ssm, cluster, reporter, cancellationToken).ConfigureAwait(false);
        if (left.Count > 0)
        {
            throw new ShowcaseException(ShowcaseErrors.ShowcaseClusterSecretsNotRemoved, Prefix(cluster), $"{left.Count} parameter(s) under {Prefix(cluster)} are still there after deleting them: {string.Join(", ", left)}.")
            {
                RecommendedAction = $"Run Remove-ShowcaseCluster -Name {cluster} again, or delete them with Remove-SSMParameter.",
            };
        }

        return names;
    }

    private static async Task<T> Call<T>(Func<CancellationToken, Task<T>> call, RetryPolicy policy, IOperationReporter reporter, string what, object target, CancellationToken cancellationToken)
    {
        try
        {
            return await Retry.RunAsync(call, AwsErrorClassifier.TransientReason, policy, reporter, what, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonSimpleSystemsManagementException ex)
        {
            // SsmRequestFailed, with the SDK exception inside (EnsureAsync recognises ParameterAlreadyExists by it).
            throw AwsErrorClassifier.ToShowcase(ex, "Ssm", target, what);
        }
    }

    private static byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        using var rng = RandomNumberGenerator.Create();
        rng.GetBytes(bytes);
        return bytes;
    }

    private static string RandomAlphanumeric(int length)
    {
        var result = new StringBuilder(length);
        using var rng = RandomNumberGenerator.Create();
        var one = new byte[1];
        while (result.Length < length)
        {
            rng.GetBytes(one);
            // 248 = 4 × 62: rejecting the rest keeps every character equally likely.
            if (one[0] < 248)
            {
                result.Append(Alphanumeric[one[0] % Alphanumeric.Length]);
            }
        }

        return result.ToString();
    }

    private static string NewUuid()
    {
        var bytes = RandomBytes(16);
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        var hex = string.Concat(bytes.Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));
        return $"{hex.Substring(0, 8)}-{hex.Substring(8, 4)}-{hex.Substring(12, 4)}-{hex.Substring(16, 4)}-{hex.Substring(20, 12)}";
    }
}

/// <summary>Teardown of a cluster's parameters for the cmdlet (which must not see SDK types): see <see cref="ClusterSecrets"/>.</summary>
internal static class ClusterSecretsCleanup
{
    /// <summary>Every parameter under <c>/showcaseops/&lt;cluster&gt;/</c>, all pages.</summary>
    public static Task<IReadOnlyList<string>> ListAsync(Cluster.ClusterSession session, string cluster, IOperationReporter reporter, CancellationToken cancellationToken) =>
        ClusterSecrets.ListAsync(session.Ssm, cluster, reporter, cancellationToken);

    /// <summary>Deletes them all and checks none is left.</summary>
    public static Task<IReadOnlyList<string>> DeleteAllAsync(Cluster.ClusterSession session, string cluster, IOperationReporter reporter, CancellationToken cancellationToken) =>
        ClusterSecrets.DeleteAllAsync(session.Ssm, cluster, reporter, cancellationToken);
}
