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
    // (the reader's second round) and are dropped after it.
    private Dictionary<string, PlatformResponse> _readAhead = new(StringComparer.Ordinal);
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
        if (batch.All(r => r.Method == "GET"))
        {
            for (var i = 0; i < batch.Count; i++)
            {
                if (readAhead.TryGetValue(CacheKey(batch[i]), out var early))
                {
                    answers[i] = new PlatformResponse(batch[i], early.Status, early.Body);
                }
            }

            var answered = answers.Count(a => a is not null);
            if (answered > 0)
            {
                reporter.Verbose($"SSM: {answered} of {batch.Count} read(s) answered by the server lists the last batch read ahead on {_gateway}.");
            }
        }

        var remaining = Enumerable.Range(0, batch.Count).Where(i => answers[i] is null).ToList();
        while (remaining.Count > 0)
        {
            var (script, encodedLength) = FitScript(remaining.Select(i => batch[i]).ToList());
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
            var knownServers = script.CompactRequested ? KnownServers() : null;
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
                reporter.Verbose($"SSM: compact read: {compact.Answers.Count(a => a.Same)} of {compact.Answers.Count} answer(s) unchanged, {(compact.ServersSame ? "server lists unchanged" : (compact.Servers?.Count ?? 0).ToString(CultureInfo.InvariantCulture) + " server list(s) read ahead")}.");
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
            var taken = _readAhead;
            _readAhead = new Dictionary<string, PlatformResponse>(StringComparer.Ordinal);
            return taken;
        }
    }

    private const string CompactPrefix = "compact ";
    private const string ServersSetKey = CompactPrefix + "server lists";

    // Compact answers are kept under their own keys: their bodies hold only what the readers use, and must never answer
    // a plain batch's "same".
    private void RememberCompact(IReadOnlyList<PlatformResponse> responses, PlatformCompactResult compact)
    {
        for (var i = 0; i < responses.Count; i++)
        {
            var key = CompactPrefix + CacheKey(responses[i].Request);
            var answer = compact.Answers[i];
            if (_bodies is null || responses[i].Request.Method != "GET")
            {
                continue;
            }

            if (answer.Digest is { } digest && responses[i].Status is >= 200 and < 300)
            {
                _bodies.Store(key, answer.Body, digest);
            }
            else
            {
                _bodies.Remove(key);
            }
        }

        if (compact.Servers is { } servers)
        {
            if (_bodies is not null && compact.ServersDigest is { } setDigest)
            {
                _bodies.Store(ServersSetKey, Newtonsoft.Json.JsonConvert.SerializeObject(servers.Select(s => new object[] { s.Backend, s.Status, s.Body })), setDigest);
            }

            var ahead = new Dictionary<string, PlatformResponse>(StringComparer.Ordinal);
            foreach (var (backend, status, body) in servers)
            {
                var request = PlatformReadPlan.VulcandServers(backend);
                ahead[CacheKey(request)] = new PlatformResponse(request, status, body);
            }

            lock (_readAheadGate)
            {
                _readAhead = ahead;
            }
        }
    }

    // The server lists of the last compact read (null: none kept), to answer a "same" for the set.
    private (string Backend, int Status, string Body)[]? KnownServers()
    {
        if (_bodies?.DigestOf(ServersSetKey) is not { } digest || _bodies.BodyOf(ServersSetKey, digest) is not { } text)
        {
            return null;
        }

        var rows = Newtonsoft.Json.Linq.JArray.Parse(text);
        return rows.Select(r => ((string)r[0]!, (int)r[1]!, (string)r[2]!)).ToArray();
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
    private (PlatformBatchScript Script, int EncodedLength) FitScript(List<PlatformRequest> requests)
    {
        const int budget = SsmCommandEncoder.DefaultMaxTotalLength - (4 * 1024);
        var count = requests.Count;
        while (true)
        {
            var part = requests.Take(count).ToArray();
            var compact = WantsCompact(part);
            var (bodies, digests) = KnownBodies(part, compact);
            var script = PlatformBatchScript.Create(_endpoints, part, new PlatformBatchScriptOptions
            {
                KnownBodies = bodies,
                SecretsCluster = _secretsCluster,
                Compact = compact ? new PlatformCompactOptions { KnownDigests = digests, KnownServersDigest = _bodies?.DigestOf(ServersSetKey) } : null,
            });
            var encoded = SsmCommandEncoder.Encode(script.Text, SsmCommandEncoder.DefaultMaxLineLength, int.MaxValue).Sum(line => line.Length + 1);
            if (encoded <= budget || count == 1)
            {
                return (script, encoded);
            }

            count = Math.Max(1, count / 2);
        }
    }
}
