using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.SimpleSystemsManagement;
using ShowcaseOps.Core.Execution;
using ShowcaseOps.Core.Platform.Compact;
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

    // The server lists the last compact read fetched ahead, by cache key: they answer the reads of the very next batch
    // (the reader's second round) if it comes within ReadAheadLifetime, and are dropped after it.
    private static readonly TimeSpan ReadAheadLifetime = TimeSpan.FromSeconds(10);
    private Dictionary<string, PlatformResponse> _readAhead = new(StringComparer.Ordinal);
    private DateTime _readAheadAt;
    private readonly object _readAheadGate = new();

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

    /// <summary>Use the compact read when the host has python3 (default); off, every batch prints its plain frames.</summary>
    public bool CompactReads { get; init; } = true;

    public async Task<IReadOnlyList<PlatformResponse>> SendAsync(IReadOnlyList<PlatformRequest> batch, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var answers = new PlatformResponse?[batch.Count];
        var readAhead = TakeReadAhead();
        // Only a batch that is exactly a reader's second round (server lists, all read ahead) is answered from them.
        if (batch.Count > 0 && batch.All(r => readAhead.ContainsKey(CacheKey(r))))
        {
            for (var i = 0; i < batch.Count; i++)
            {
                var early = readAhead[CacheKey(batch[i])];
                answers[i] = new PlatformResponse(batch[i], early.Status, early.Body);
            }

            reporter.Verbose($"SSM: {batch.Count} read(s) answered by the server lists the last batch read ahead on {_gateway}.");
        }

        var remaining = Enumerable.Range(0, batch.Count).Where(i => answers[i] is null).ToList();
        while (remaining.Count > 0)
        {
            var (script, encodedLength, knownServerBodies) = FitScript(remaining.Select(i => batch[i]).ToList());
            var indexes = remaining.Take(script.Requests.Count).ToArray();
            remaining.RemoveRange(0, indexes.Length);
            reporter.Verbose($"SSM: sending {indexes.Length} platform request(s) to {_gateway} as one command ({encodedLength:N0} characters{(script.CompactRequested ? ", compact read" : string.Empty)}).");
            var options = new SsmRunOptions
            {
                Comment = "ShowcaseOps platform batch: " + indexes.Length.ToString(CultureInfo.InvariantCulture) + " request(s)",
                PlatformOperation = true,
                CaptureFullOutput = true,
                ExecutionTimeout = TimeSpan.FromMinutes(10),
                PollInterval = TimeSpan.FromMilliseconds(250),
                MaxPollInterval = TimeSpan.FromSeconds(3),
            };
            var knownServers = script.CompactRequested ? knownServerBodies : null;
            var result = (await SsmRunner.Create(_ssm).RunAsync(new SsmScript(script.Text), new[] { _gateway }, options, reporter, cancellationToken).ConfigureAwait(false)).Single();
            CommandsSent++;
            if (!result.Succeeded && result.ExitCode != 0)
            {
                throw result.ToException() ?? new ShowcaseException(ShowcaseErrors.PlatformChannelFailed, _gateway.InstanceId, $"The platform batch on {_gateway} ended {result.Status}.");
            }

            var parsed = script.ParseBatch(result.StandardOutput, result.StandardError, knownServers);
            if (parsed.Compact is { } compact)
            {
                RememberCompact(parsed.Responses, compact);
                reporter.Verbose($"SSM: compact read: {compact.Answers.Count(a => a.Same)} of {compact.Answers.Count} answer(s) unchanged; {compact.Servers.Count} server list(s) read ahead, {compact.Servers.Count(s => s.Same)} of them unchanged.");
            }
            else
            {
                if (script.CompactRequested)
                {
                    reporter.Verbose($"SSM: {_gateway} answered with plain frames (no python3 there, or the compact read failed): the answers come whole.");
                }

                Remember(parsed.Responses);
            }

            for (var k = 0; k < indexes.Length; k++)
            {
                answers[indexes[k]] = parsed.Responses[k];
            }
        }

        return answers.Select(a => a!).ToArray();
    }

    private Dictionary<string, PlatformResponse> TakeReadAhead()
    {
        lock (_readAheadGate)
        {
            var taken = DateTime.UtcNow - _readAheadAt <= ReadAheadLifetime ? _readAhead : new Dictionary<string, PlatformResponse>(StringComparer.Ordinal);
            _readAhead = new Dictionary<string, PlatformResponse>(StringComparer.Ordinal);
            return taken;
        }
    }

    private const string CompactPrefix = "compact ";

    // Compact answers are kept under their own keys: their bodies hold only what the readers use, and must never answer
    // a plain batch's "same". The server lists read ahead are kept as if each had been read on its own.
    private void RememberCompact(IReadOnlyList<PlatformResponse> responses, PlatformCompactResult compact)
    {
        for (var i = 0; i < responses.Count; i++)
        {
            if (responses[i].Request.Method == "GET")
            {
                Keep(responses[i].Request, responses[i].Status, compact.Answers[i].Body, compact.Answers[i].Digest);
            }
        }

        var ahead = new Dictionary<string, PlatformResponse>(StringComparer.Ordinal);
        foreach (var servers in compact.Servers)
        {
            var request = PlatformReadPlan.VulcandServers(servers.Backend);
            Keep(request, servers.Status, servers.Body, servers.Digest);
            ahead[CacheKey(request)] = new PlatformResponse(request, servers.Status, servers.Body);
        }

        lock (_readAheadGate)
        {
            _readAhead = ahead;
            _readAheadAt = DateTime.UtcNow;
        }
    }

    private void Keep(PlatformRequest request, int status, string body, string? digest)
    {
        if (_bodies is null)
        {
            return;
        }

        if (digest is not null && status is >= 200 and < 300)
        {
            _bodies.Store(CompactPrefix + CacheKey(request), body, digest);
        }
        else
        {
            _bodies.Remove(CompactPrefix + CacheKey(request));
        }
    }

    // The server lists this side holds from compact reads, by backend: their digests go to the host, their bodies answer its "same".
    private (Dictionary<string, string> Digests, Dictionary<string, string> Bodies) KnownServers()
    {
        var digests = new Dictionary<string, string>(StringComparer.Ordinal);
        var bodies = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in _bodies?.Keys(CompactPrefix + PlatformTarget.Vulcand + " /v2/backends/") ?? Array.Empty<string>())
        {
            var path = key.Substring(CompactPrefix.Length + PlatformTarget.Vulcand.ToString().Length + 1);
            if (PlatformReadPlan.ServersBackend(new PlatformRequest(PlatformTarget.Vulcand, "GET", path)) is { } backend
                && _bodies!.DigestOf(key) is { } digest && _bodies.BodyOf(key, digest) is { } body)
            {
                digests[backend] = digest;
                bodies[backend] = body;
            }
        }

        return (digests, bodies);
    }

    // A digest line costs ~70 characters, so tiny bodies travel as they are; Kong consumers (credentials) are never kept.
    private static bool Cacheable(PlatformResponse response) =>
        response.Body.Length >= 256 && !(response.Request.Target == PlatformTarget.Kong && response.Request.PathAndQuery.StartsWith("/consumers", StringComparison.Ordinal));

    private static string CacheKey(PlatformRequest request) => request.Target + " " + request.PathAndQuery;

    private (string?[] Bodies, string?[] Digests) KnownBodies(PlatformRequest[] requests, bool compact)
    {
        var bodies = new string?[requests.Length];
        var digests = new string?[requests.Length];
        if (_bodies is null)
        {
            return (bodies, digests);
        }

        for (var i = 0; i < requests.Length; i++)
        {
            var key = (compact ? CompactPrefix : string.Empty) + CacheKey(requests[i]);
            if (requests[i].Method == "GET" && _bodies.DigestOf(key) is { } digest && _bodies.BodyOf(key, digest) is { } body)
            {
                bodies[i] = body;
                digests[i] = digest;
            }
        }

        return (bodies, digests);
    }

    // A compact read pays off for the big lists; a batch of writes or of single reads stays plain.
    private bool WantsCompact(IEnumerable<PlatformRequest> requests) =>
        CompactReads && requests.Any(r => PlatformCompactKinds.Of(r) is PlatformCompactKinds.MarathonApps or PlatformCompactKinds.ConsulServices or PlatformCompactKinds.VulcandBackends);

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
    private (PlatformBatchScript Script, int EncodedLength, Dictionary<string, string> KnownServerBodies) FitScript(List<PlatformRequest> requests)
    {
        const int budget = SsmCommandEncoder.DefaultMaxTotalLength - (4 * 1024);
        var count = requests.Count;
        while (true)
        {
            var part = requests.Take(count).ToArray();
            var compact = WantsCompact(part);
            var (bodies, digests) = KnownBodies(part, compact);
            var knownServers = compact ? KnownServers() : (Digests: new Dictionary<string, string>(), Bodies: new Dictionary<string, string>());
            var script = PlatformBatchScript.Create(_endpoints, part, new PlatformBatchScriptOptions
            {
                KnownBodies = bodies,
                SecretsCluster = _secretsCluster,
                Compact = compact ? new PlatformCompactOptions { KnownDigests = digests, KnownServerDigests = knownServers.Digests } : null,
            });
            var encoded = SsmCommandEncoder.Encode(script.Text, SsmCommandEncoder.DefaultMaxLineLength, int.MaxValue).Sum(line => line.Length + 1);
            if (encoded <= budget || count == 1)
            {
                return (script, encoded, knownServers.Bodies);
            }

            count = Math.Max(1, count / 2);
        }
    }
}
