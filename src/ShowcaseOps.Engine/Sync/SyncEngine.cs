using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json.Linq;
using ShowcaseOps.Core.Execution;
using ShowcaseOps.Core.Marathon;
using ShowcaseOps.Core.Platform;
using ShowcaseOps.Core.Bootstrap;

namespace ShowcaseOps.Core.Sync;

/// <summary>Marathon's apps and the platform's state, read together (one batch when the hints are right).</summary>
public sealed class SyncSnapshot
{
    internal SyncSnapshot(IReadOnlyList<MarathonAppInfo> apps, PlatformState platform, int readBatches, TimeSpan readTime)
    {
        Apps = apps;
        Platform = platform;
        ReadBatches = readBatches;
        ReadTime = readTime;
    }

    public IReadOnlyList<MarathonAppInfo> Apps { get; }

    public PlatformState Platform { get; }

    /// <summary>Channel batches the read took (SSM commands on the SSM channel): 1 in the steady state.</summary>
    public int ReadBatches { get; }

    public TimeSpan ReadTime { get; }
}

/// <summary>The outcome of one applied change.</summary>
public sealed record SyncChangeResult(SyncChange Change, bool Succeeded, string? Error);

/// <summary>
/// Reads desired and actual state in one snapshot, plans with <see cref="SyncPlanner"/>, and applies the approved changes
/// in one batch. Keeps, between cycles, which Vulcand backends matter (the <see cref="Hints"/>), so their server lists ride
/// in the first (and then only) read batch.
/// </summary>
public sealed class SyncEngine
{
    /// <summary>The Marathon read that rides in the platform read batch.</summary>
    public const string MarathonAppsPath = "/v2/apps?embed=apps.tasks";

    private readonly IPlatformChannel _channel;

    public SyncEngine(IPlatformChannel channel, string domain, SyncReadHints? hints = null)
    {
        _channel = channel ?? throw new ArgumentNullException(nameof(channel));
        Domain = domain ?? throw new ArgumentNullException(nameof(domain));
        Hints = hints ?? new SyncReadHints();
    }

    public string Domain { get; }

    public SyncReadHints Hints { get; }

    /// <summary>
    /// Grace period for instances the changes remove (default 0): before the changes are sent, one batch takes them out
    /// of Vulcand and puts their Consul entries in maintenance mode, then this much time passes.
    /// </summary>
    public TimeSpan Drain { get; set; }

    /// <summary>
    /// The newest complete platform state this engine read (by <see cref="ReadAsync"/>, or after its own writes by
    /// <see cref="ApplyAndReadAsync"/>); null when none, or when the last read was incomplete.
    /// </summary>
    public PlatformState? LastPlatform { get; private set; }

    /// <summary>
    /// Reads Marathon's apps with tasks directly over HTTP (the watch mode's fast path: Marathon is reachable directly
    /// anyway for its event stream). Failures throw <c>MarathonUnreachable</c> / <c>MarathonRequestFailed</c>.
    /// </summary>
    public static async Task<IReadOnlyList<MarathonAppInfo>> ReadMarathonDirectAsync(System.Net.Http.HttpClient http, Uri marathonBase, CancellationToken cancellationToken)
    {
        if (http is null)
        {
            throw new ArgumentNullException(nameof(http));
        }

        if (marathonBase is null)
        {
            throw new ArgumentNullException(nameof(marathonBase));
        }

        var uri = new Uri(marathonBase.ToString().TrimEnd('/') + MarathonAppsPath);
        string body;
        try
        {
            using var response = await http.GetAsync(uri, cancellationToken).ConfigureAwait(false);
            body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new ShowcaseException(ShowcaseErrors.MarathonRequestFailed, uri.ToString(), $"Marathon answered {((int)response.StatusCode).ToString(CultureInfo.InvariantCulture)} to {uri}.");
            }
        }
        catch (System.Net.Http.HttpRequestException ex)
        {
            throw new ShowcaseException(ShowcaseErrors.MarathonUnreachable, uri.ToString(), $"Could not reach Marathon at {uri}: {ex.Message}", ex);
        }

        return TryParseApps(body, out var apps)
            ? apps
            : throw new ShowcaseException(ShowcaseErrors.MarathonRequestFailed, uri.ToString(), "Marathon's app list could not be read.");
    }

    /// <summary>A snapshot of <paramref name="apps"/> against <see cref="LastPlatform"/> (null when there is none): no platform read.</summary>
    public SyncSnapshot? CachedSnapshot(IReadOnlyList<MarathonAppInfo> apps) =>
        LastPlatform is { } platform ? new SyncSnapshot(apps ?? throw new ArgumentNullException(nameof(apps)), platform, 0, TimeSpan.Zero) : null;

    /// <summary>
    /// Sends the changes' requests and then the platform reads in the same batch (one SSM command when it fits), so
    /// <see cref="LastPlatform"/> is the state right after the writes. The watch mode plans its next event-triggered cycle
    /// on it and only has to read Marathon: one channel round trip per change.
    /// </summary>
    public async Task<IReadOnlyList<SyncChangeResult>> ApplyAndReadAsync(IReadOnlyList<SyncChange> changes, IReadOnlyCollection<string> wantedServices, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        if (changes is null)
        {
            throw new ArgumentNullException(nameof(changes));
        }

        reporter ??= NullReporter.Instance;
        await DrainAsync(changes, reporter, cancellationToken).ConfigureAwait(false);
        var wanted = new HashSet<string>(wantedServices ?? Array.Empty<string>(), StringComparer.Ordinal);
        var batch = SyncPlan.Batch(changes);
        var responses = new List<PlatformResponse>(batch.Count);
        var options = new PlatformReadOptions
        {
            FirstRoundRequests = batch.Select(b => b.Request).ToArray(),
            OnFirstRoundResponse = responses.Add,
            PrefetchServersOf = Hints.Backends.Concat(wanted).Concat(changes.Select(c => c.Service)).Distinct(StringComparer.Ordinal).ToArray(),
            ReadServersOf = (backend, owned) => owned || wanted.Contains(backend),
        };
        reporter.Verbose($"Applying {changes.Count} change(s) ({batch.Count} request(s)) and reading the result in the same batch over {_channel.Name}.");
        var state = await new PlatformStateReader(_channel).ReadAsync(options, reporter, cancellationToken).ConfigureAwait(false);
        LastPlatform = state.IsComplete ? state : null;
        return Outcomes(changes, batch, responses);
    }

    /// <summary>
    /// One batch: <c>GET /v2/apps?embed=apps.tasks</c>, the platform's lists, and the servers of the backends the hints
    /// name. A second batch only reads servers of relevant backends the hints did not know (the first sync, or a new owned
    /// backend). If Marathon's answer in the batch failed, it is read again on its own (with the client's retries and errors).
    /// </summary>
    public async Task<SyncSnapshot> ReadAsync(IOperationReporter reporter, CancellationToken cancellationToken)
    {
        reporter ??= NullReporter.Instance;
        var watch = Stopwatch.StartNew();
        PlatformResponse? marathon = null;
        IReadOnlyList<MarathonAppInfo>? apps = null;
        HashSet<string>? wanted = null;
        var options = new PlatformReadOptions
        {
            FirstRoundRequests = new[] { new PlatformRequest(PlatformTarget.Marathon, "GET", MarathonAppsPath, null, "Marathon apps with tasks") },
            OnFirstRoundResponse = response =>
            {
                marathon = response;
                if (response.Succeeded && TryParseApps(response.Body, out var parsed))
                {
                    apps = parsed;
                    wanted = new HashSet<string>(SyncDesiredState.FromApps(parsed).Services.Select(s => s.Name), StringComparer.Ordinal);
                }
            },
            PrefetchServersOf = Hints.Backends,
            ReadServersOf = (backend, owned) => owned || (wanted?.Contains(backend) ?? true),
        };
        var state = await new PlatformStateReader(_channel).ReadAsync(options, reporter, cancellationToken).ConfigureAwait(false);
        var batches = state.Rounds;
        if (apps is null)
        {
            reporter.Verbose($"Marathon's answer in the read batch was {(marathon is null ? "missing" : marathon.Status.ToString(CultureInfo.InvariantCulture))}; reading the apps on their own.");
            apps = await new MarathonClient(_channel).ListAppsAsync(true, reporter, cancellationToken).ConfigureAwait(false);
            batches++;
        }

        LastPlatform = state.IsComplete ? state : null;
        state.ThrowIfIncomplete();
        var desired = SyncDesiredState.FromApps(apps);
        Hints.Update(desired.Services.Select(s => s.Name).Concat(state.Services.Where(SyncPlanner.IsOwned).Select(s => s.Name)));
        reporter.Verbose(string.Format(CultureInfo.InvariantCulture, "Read {0} app(s) and the platform ({1} service(s)) in {2} batch(es) over {3}, {4:N0} ms.", apps.Count, state.Services.Count, batches, _channel.Name, watch.Elapsed.TotalMilliseconds));
        return new SyncSnapshot(apps, state, batches, watch.Elapsed);
    }

    /// <summary>The plan for a snapshot (pure; see <see cref="SyncPlanner"/>).</summary>
    public SyncPlan Plan(SyncSnapshot snapshot, Func<string, bool>? inScope = null)
    {
        if (snapshot is null)
        {
            throw new ArgumentNullException(nameof(snapshot));
        }

        return SyncPlanner.Plan(SyncDesiredState.FromApps(snapshot.Apps), snapshot.Platform, Domain, inScope);
    }

    /// <summary>Sends the requests of <paramref name="changes"/> as one batch (phase order) and reports each change's outcome.</summary>
    public async Task<IReadOnlyList<SyncChangeResult>> ApplyAsync(IReadOnlyList<SyncChange> changes, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        if (changes is null)
        {
            throw new ArgumentNullException(nameof(changes));
        }

        if (changes.Count == 0)
        {
            return Array.Empty<SyncChangeResult>();
        }

        reporter ??= NullReporter.Instance;
        await DrainAsync(changes, reporter, cancellationToken).ConfigureAwait(false);
        var batch = SyncPlan.Batch(changes);
        reporter.Verbose($"Applying {changes.Count} change(s) as one batch of {batch.Count} request(s) over {_channel.Name}.");
        var responses = await _channel.SendAsync(batch.Select(b => b.Request).ToArray(), reporter, cancellationToken).ConfigureAwait(false);
        LastPlatform = null; // it changed: the next cycle reads again
        return Outcomes(changes, batch, responses);
    }

    /// <summary>
    /// Drains the instances <paramref name="changes"/> remove from Consul: their Vulcand servers are deleted and their
    /// Consul entries put in maintenance in one batch, then <see cref="Drain"/> passes. The changes then run as planned
    /// (the Vulcand deletes answer 404 the second time, which counts as done).
    /// </summary>
    private async Task DrainAsync(IReadOnlyList<SyncChange> changes, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        const string Deregister = "/v1/agent/service/deregister/";
        var going = changes.Where(c => c.InstanceId is not null && c.Action == SyncAction.Remove).ToArray();
        var maintenance = going.Where(c => c.Target == PlatformTarget.Consul)
            .SelectMany(c => c.Requests)
            .Where(r => r.PathAndQuery.StartsWith(Deregister, StringComparison.Ordinal))
            .Select(r => ServiceRegistrationPlan.ConsulMaintenancePath(r.PathAndQuery.Substring(Deregister.Length), Services.InstanceRegistrar.DrainReason))
            .ToArray();
        if (Drain <= TimeSpan.Zero || maintenance.Length == 0)
        {
            return;
        }

        var batch = going.Where(c => c.Target == PlatformTarget.Vulcand).SelectMany(c => c.Requests).Concat(maintenance).ToArray();
        reporter.Verbose($"Draining {maintenance.Length.ToString(CultureInfo.InvariantCulture)} instance(s) that go: out of Vulcand, Consul maintenance on, then {Drain.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s.");
        await _channel.SendAsync(batch, reporter, cancellationToken).ConfigureAwait(false);
        await Task.Delay(Drain, cancellationToken).ConfigureAwait(false);
    }

    private SyncChangeResult[] Outcomes(IReadOnlyList<SyncChange> changes, IReadOnlyList<(SyncChange Change, PlatformRequest Request)> batch, IReadOnlyList<PlatformResponse> responses)
    {
        var failures = new Dictionary<SyncChange, string>();
        for (var i = 0; i < batch.Count; i++)
        {
            var response = i < responses.Count ? responses[i] : null;
            if (response is null || !response.Succeeded)
            {
                var change = batch[i].Change;
                if (!failures.ContainsKey(change))
                {
                    failures[change] = response is null
                        ? "no response"
                        : PlatformFailures.ToException(response, _channel.Name).Message;
                }
            }
        }

        return changes.Select(c => new SyncChangeResult(c, !failures.ContainsKey(c), failures.TryGetValue(c, out var error) ? error : null)).ToArray();
    }

    internal static bool TryParseApps(string body, out IReadOnlyList<MarathonAppInfo> apps)
    {
        try
        {
            if (MarathonClient.ParseJson(body) is JObject obj && obj["apps"] is JArray list)
            {
                apps = list.OfType<JObject>().Select(MarathonClient.ToApp).ToArray();
                return true;
            }
        }
        catch (Newtonsoft.Json.JsonException)
        {
        }
        catch (ShowcaseException)
        {
        }

        apps = Array.Empty<MarathonAppInfo>();
        return false;
    }
}

/// <summary>
/// Which Vulcand backends a sync reads the servers of in its first batch: the services that were wanted or owned last
/// time (a backend that does not exist yet reads as a 404, ignored). Thread-safe; one per cluster and channel for the session.
/// </summary>
public sealed class SyncReadHints
{
    private readonly object _gate = new();
    private string[] _backends = Array.Empty<string>();

    public IReadOnlyCollection<string> Backends
    {
        get
        {
            lock (_gate)
            {
                return _backends;
            }
        }
    }

    internal void Update(IEnumerable<string> relevantNames)
    {
        var next = relevantNames.Distinct(StringComparer.Ordinal).OrderBy(n => n, StringComparer.Ordinal).ToArray();
        lock (_gate)
        {
            _backends = next;
        }
    }
}
