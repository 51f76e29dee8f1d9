using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.SimpleSystemsManagement;
using ShowcaseOps.Core.Execution;
using ShowcaseOps.Core.Ssm;

namespace ShowcaseOps.Core.Platform;

/// <summary>
/// Carries a batch to the cluster's gateway as one <see cref="PlatformBatchScript"/> run by SSM Run Command (marked as a
/// platform operation), and parses the framed output, which the runner fetches whole past SSM's 24,000-character limit.
/// A batch too large for one command is split in order into as few commands as fit. Internal: its constructor takes an
/// SDK type, and public types are inspected when the module is imported.
/// </summary>
internal sealed class SsmPlatformChannel : IPlatformChannel
{
    private readonly IAmazonSimpleSystemsManagement _ssm;
    private readonly SsmTarget _gateway;
    private readonly PlatformEndpoints _endpoints;
    private readonly PlatformBodyCache? _bodies;

    private readonly string? _secretsCluster;

    // bodies: the bodies of earlier reads (the session's, per cluster and gateway), sent as digests so the host prints only
    // the bodies that changed. Null: every read prints its body.
    // secretsCluster: the cluster whose Consul token and Marathon credentials the gateway reads for each batch (null: none).
    public SsmPlatformChannel(IAmazonSimpleSystemsManagement ssm, SsmTarget gateway, PlatformEndpoints endpoints, PlatformBodyCache? bodies = null, string? secretsCluster = null)
    {
        _ssm = ssm;
        _gateway = gateway;
        _endpoints = endpoints;
        _bodies = bodies;
        _secretsCluster = secretsCluster;
    }

    public string Name => "ssm";

    /// <summary>How many Run Commands this channel has sent (for tests and benchmarks).</summary>
    public int CommandsSent { get; private set; }

    public async Task<IReadOnlyList<PlatformResponse>> SendAsync(IReadOnlyList<PlatformRequest> batch, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var responses = new List<PlatformResponse>(batch.Count);
        var remaining = batch.ToList();
        while (remaining.Count > 0)
        {
            var (script, encodedLength) = FitScript(remaining);
            var part = remaining.Take(script.Requests.Count).ToArray();
            remaining.RemoveRange(0, part.Length);
            reporter.Verbose($"SSM: sending {part.Length} platform request(s) to {_gateway} as one command ({encodedLength:N0} characters).");
            var options = new SsmRunOptions
            {
                Comment = "ShowcaseOps platform batch: " + part.Length.ToString(CultureInfo.InvariantCulture) + " request(s)",
                PlatformOperation = true,
                CaptureFullOutput = true,
                ExecutionTimeout = TimeSpan.FromMinutes(10),
                PollInterval = TimeSpan.FromMilliseconds(250),
                MaxPollInterval = TimeSpan.FromSeconds(3),
            };
            var result = (await SsmRunner.Create(_ssm).RunAsync(new SsmScript(script.Text), new[] { _gateway }, options, reporter, cancellationToken).ConfigureAwait(false)).Single();
            CommandsSent++;
            if (!result.Succeeded && result.ExitCode != 0)
            {
                throw result.ToException() ?? new ShowcaseException(ShowcaseErrors.PlatformChannelFailed, _gateway.InstanceId, $"The platform batch on {_gateway} ended {result.Status}.");
            }

            var parsed = script.ParseOutput(result.StandardOutput, result.StandardError);
            Remember(parsed);
            responses.AddRange(parsed);
        }

        return responses;
    }

    // A digest line costs ~70 characters, so tiny bodies travel as they are; Kong consumers (credentials) are never kept.
    private static bool Cacheable(PlatformResponse response) =>
        response.Body.Length >= 256 && !(response.Request.Target == PlatformTarget.Kong && response.Request.PathAndQuery.StartsWith("/consumers", StringComparison.Ordinal));

    private static string CacheKey(PlatformRequest request) => request.Target + " " + request.PathAndQuery;

    private string?[] KnownBodies(PlatformRequest[] requests)
    {
        if (_bodies is null)
        {
            return Array.Empty<string?>();
        }

        var known = new string?[requests.Length];
        for (var i = 0; i < requests.Length; i++)
        {
            if (requests[i].Method == "GET" && _bodies.DigestOf(CacheKey(requests[i])) is { } digest)
            {
                known[i] = _bodies.BodyOf(CacheKey(requests[i]), digest);
            }
        }

        return known;
    }

    // Successful reads are kept for the next batch's digests; anything else forgets the URL (no stale "same").
    private void Remember(IReadOnlyList<PlatformResponse> responses)
    {
        if (_bodies is null)
        {
            return;
        }

        foreach (var response in responses.Where(r => r.Request.Method == "GET"))
        {
            if (response.Status is >= 200 and < 300 && Cacheable(response))
            {
                _bodies.Store(CacheKey(response.Request), response.Body);
            }
            else
            {
                _bodies.Remove(CacheKey(response.Request));
            }
        }
    }

    // The longest prefix of the batch whose script fits one SSM command (halving until it does). The budget leaves
    // room for the runner's output-capture wrapper.
    private (PlatformBatchScript Script, int EncodedLength) FitScript(List<PlatformRequest> requests)
    {
        const int budget = SsmCommandEncoder.DefaultMaxTotalLength - (4 * 1024);
        var count = requests.Count;
        while (true)
        {
            var part = requests.Take(count).ToArray();
            var script = PlatformBatchScript.Create(_endpoints, part, new PlatformBatchScriptOptions { KnownBodies = KnownBodies(part), SecretsCluster = _secretsCluster });
            var encoded = SsmCommandEncoder.Encode(script.Text, SsmCommandEncoder.DefaultMaxLineLength, int.MaxValue).Sum(line => line.Length + 1);
            if (encoded <= budget || count == 1)
            {
                return (script, encoded);
            }

            count = Math.Max(1, count / 2);
        }
    }
}
