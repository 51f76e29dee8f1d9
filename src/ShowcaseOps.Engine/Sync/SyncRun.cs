using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using ShowcaseOps.Core.Execution;
using ShowcaseOps.Core.Platform;

namespace ShowcaseOps.Core.Sync;

/// <summary>How a sync run goes: once, or watching (and when the watch stops).</summary>
public sealed class SyncRunOptions
{
    /// <summary>Keep running: resync on Marathon events and every <see cref="Resync"/>.</summary>
    public bool Watch { get; init; }

    /// <summary>Watching: a full resync at least this often (default 300 s); also the longest retry backoff.</summary>
    public TimeSpan Resync { get; init; } = TimeSpan.FromSeconds(300);

    /// <summary>Watching: stop at this time (UTC); the cycle under way finishes.</summary>
    public DateTime? DeadlineUtc { get; init; }

    /// <summary>Watching: stop after this many cycles (0: no limit).</summary>
    public int MaxCycles { get; init; }

    /// <summary>Only services this accepts are added or removed (null: all).</summary>
    public Func<string, bool>? Scope { get; init; }

    /// <summary>Grace period for instances that go: out of Vulcand and into Consul maintenance first (default 0: none).</summary>
    public TimeSpan Drain { get; init; }

    /// <summary>While watching and idle, a -Verbose line this often (default 60 s; TestHooks.SyncHeartbeat in tests).</summary>
    public TimeSpan Heartbeat { get; init; } = TestHooks.EffectiveSyncHeartbeat;
}

/// <summary>One planned cycle, waiting for its changes to be approved.</summary>
public sealed class SyncCycle
{
    internal SyncCycle(int number, string cluster, SyncTriggerInfo trigger, DateTime startedUtc, SyncSnapshot snapshot, SyncPlan plan, TimeSpan planTime)
    {
        Number = number;
        Cluster = cluster;
        Trigger = trigger;
        StartedUtc = startedUtc;
        Snapshot = snapshot;
        Plan = plan;
        PlanTime = planTime;
    }

    public int Number { get; }

    public string Cluster { get; }

    public SyncTriggerInfo Trigger { get; }

    public DateTime StartedUtc { get; }

    public SyncSnapshot Snapshot { get; }

    public SyncPlan Plan { get; }

    public TimeSpan PlanTime { get; }
}

/// <summary>What applying a cycle's approved changes did.</summary>
public sealed record SyncCycleOutcome(SyncCycle Cycle, IReadOnlyList<SyncChangeResult> Results, int WriteBatches, DateTime EndedUtc);

/// <summary>
/// Sync-ShowcaseService's loop, without PowerShell: <see cref="NextAsync"/> waits for the next trigger (Marathon events,
/// coalesced; the resync timer; a retry backoff after a failure; an immediate resync after drift), reads and plans;
/// the caller approves the changes it wants (ShouldProcess, on its own thread) and hands them to <see cref="ApplyAsync"/>.
/// Once, the first cycle is the only one. Watching, an event-triggered cycle reads only Marathon (directly) and plans
/// against the platform state read right after the previous writes, whose batch carries that read, so a Marathon change
/// costs one channel round trip; any doubt (no such state, a failed read, drift after the writes) falls back to a full read.
/// </summary>
public sealed class SyncRun : IDisposable
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);
    private readonly PlatformConnection _connection;
    private readonly SyncRunOptions _options;
    private readonly SyncEngine _engine;
    private readonly SyncTrigger? _trigger;
    private readonly HttpClient? _marathonHttp;
    private readonly Uri? _marathonDirect;
    private SyncTriggerInfo _next = new(SyncTriggerReason.Start, 0, null);
    private int _cycles;
    private bool _lastOk = true;
    private bool _drift;
    private TimeSpan _retry = FirstRetry;

    private SyncRun(PlatformConnection connection, SyncReadHints hints, SyncRunOptions options, Uri? marathonDirect, SyncTrigger? trigger, HttpClient? marathonHttp)
    {
        _connection = connection;
        _options = options;
        _engine = new SyncEngine(connection.Channel, connection.Domain, hints) { Drain = options.Drain };
        _marathonDirect = marathonDirect;
        _trigger = trigger;
        _marathonHttp = marathonHttp;
    }

    /// <summary>Cycles planned so far.</summary>
    public int Cycles => _cycles;

    /// <summary>
    /// A run on <paramref name="connection"/>. Watching needs Marathon's URL reachable from this machine for its event
    /// stream (it cannot travel over SSM): <c>ShowcaseSyncMarathonEndpointMissing</c> when none is known.
    /// </summary>
    public static SyncRun Start(PlatformConnection connection, SyncReadHints hints, SyncRunOptions options, IOperationReporter reporter, SyncTriggerOptions? triggerOptions = null)
    {
        if (connection is null)
        {
            throw new ArgumentNullException(nameof(connection));
        }

        options ??= new SyncRunOptions();
        reporter ??= NullReporter.Instance;
        if (!options.Watch)
        {
            return new SyncRun(connection, hints ?? new SyncReadHints(), options, null, null, null);
        }

        var marathon = connection.MarathonDirect ?? throw new ShowcaseException(
            ShowcaseErrors.ShowcaseSyncMarathonEndpointMissing,
            connection.ClusterName,
            "-Watch needs Marathon's URL reachable from this machine for its event stream (it cannot travel over SSM), and none is known.")
        {
            Terminating = true,
            RecommendedAction = "Pass -PlatformEndpoint @{ Marathon = 'http://<master>:8080' } (through a tunnel), or run without -Watch on a schedule.",
        };
        reporter.Verbose($"Watching Marathon's events at {marathon} (direct HTTP); writes go through the {connection.Channel.Name} channel; full resync every {options.Resync.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s.");
        var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        if (connection.Credentials.MarathonAuthorization is { } authorization)
        {
            http.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization);
        }

        var trigger = new SyncTrigger(marathon, triggerOptions) { MarathonAuthorization = connection.Credentials.MarathonAuthorization };
        trigger.Start();
        return new SyncRun(connection, hints ?? new SyncReadHints(), options, marathon, trigger, http);
    }

    /// <summary>
    /// The next cycle, read and planned; null when the run is over (once: after the first cycle; watching: -MaxCycles or
    /// the deadline). Watching, a failed read is reported and retried after a backoff that doubles up to the resync interval.
    /// </summary>
    public async Task<SyncCycle?> NextAsync(IOperationReporter reporter, CancellationToken cancellationToken)
    {
        reporter ??= NullReporter.Instance;
        while (true)
        {
            if (_cycles > 0 && !await WaitForTriggerAsync(reporter, cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            _cycles++;
            try
            {
                return await PlanAsync(_cycles, _next, reporter, cancellationToken).ConfigureAwait(false);
            }
            catch (ShowcaseException ex) when (_options.Watch && !ex.Terminating)
            {
                reporter.Failure(ex);
                Ended(ok: false, drift: false);
            }
        }
    }

    /// <summary>
    /// Sends the approved changes in one batch (watching: with the next platform read in the same batch) and checks,
    /// watching, that the state read after the writes matches Marathon's. Null when the batch failed while watching (the
    /// failure is reported; the watch goes on).
    /// </summary>
    public async Task<SyncCycleOutcome?> ApplyAsync(SyncCycle cycle, IReadOnlyList<SyncChange> approved, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        if (cycle is null)
        {
            throw new ArgumentNullException(nameof(cycle));
        }

        approved ??= Array.Empty<SyncChange>();
        reporter ??= NullReporter.Instance;
        IReadOnlyList<SyncChangeResult> results = Array.Empty<SyncChangeResult>();
        var drift = false;
        if (approved.Count > 0)
        {
            try
            {
                var wanted = SyncDesiredState.FromApps(cycle.Snapshot.Apps).Services.Select(x => x.Name).ToArray();
                results = _options.Watch
                    ? await _engine.ApplyAndReadAsync(approved, wanted, reporter, cancellationToken).ConfigureAwait(false)
                    : await _engine.ApplyAsync(approved, reporter, cancellationToken).ConfigureAwait(false);
            }
            catch (ShowcaseException ex) when (_options.Watch && !ex.Terminating)
            {
                reporter.Failure(ex);
                Ended(ok: false, drift: false);
                return null;
            }

            if (_options.Watch)
            {
                var after = _engine.CachedSnapshot(cycle.Snapshot.Apps);
                drift = after is null || !_engine.Plan(after, _options.Scope).IsEmpty;
                if (drift)
                {
                    reporter.Verbose("The platform read after the writes still differs from Marathon: resyncing.");
                }
            }
        }

        Ended(results.All(r => r.Succeeded), drift);
        return new SyncCycleOutcome(cycle, results, approved.Count > 0 ? 1 : 0, DateTime.UtcNow);
    }

    public void Dispose()
    {
        _trigger?.Dispose();
        _marathonHttp?.Dispose();
    }

    private void Ended(bool ok, bool drift)
    {
        _lastOk = ok;
        _drift = drift;
        _retry = ok ? FirstRetry : TimeSpan.FromTicks(Math.Min(_options.Resync.Ticks, _retry.Ticks * 2));
    }

    /// <summary>Sets the trigger of the next cycle; false when the run is over.</summary>
    private async Task<bool> WaitForTriggerAsync(IOperationReporter reporter, CancellationToken cancellationToken)
    {
        if (!_options.Watch || _trigger is null)
        {
            return false;
        }

        if (_options.MaxCycles > 0 && _cycles >= _options.MaxCycles)
        {
            reporter.Verbose($"Stopping after {_cycles.ToString(CultureInfo.InvariantCulture)} cycle(s) (-MaxCycles).");
            return false;
        }

        // Once only: a change that keeps failing must not spin; it waits for the retry backoff instead.
        if (_drift && _next.Reason != SyncTriggerReason.Drift)
        {
            _next = new SyncTriggerInfo(SyncTriggerReason.Drift, 0, null);
            return true;
        }

        var wait = _lastOk ? _options.Resync : (_retry < _options.Resync ? _retry : _options.Resync);
        var triggered = await WaitWithHeartbeatAsync(wait, reporter, cancellationToken).ConfigureAwait(false);
        if (triggered is null)
        {
            reporter.Verbose($"Stopping after {_cycles.ToString(CultureInfo.InvariantCulture)} cycle(s) (-TimeoutSeconds).");
            return false;
        }

        _next = triggered;
        return true;
    }

    // Waits in slices of the heartbeat: each slice reports the stream's failures as warnings and, idle, says so under
    // -Verbose, so a quiet watch never looks hung.
    private async Task<SyncTriggerInfo?> WaitWithHeartbeatAsync(TimeSpan wait, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var trigger = _trigger!;
        var timerAt = DateTime.UtcNow + wait;
        var idleSince = DateTime.UtcNow;
        while (true)
        {
            var left = timerAt - DateTime.UtcNow;
            var slice = left < _options.Heartbeat ? left : _options.Heartbeat;
            var triggered = await trigger.WaitAsync(slice < TimeSpan.Zero ? TimeSpan.Zero : slice, _options.DeadlineUtc, cancellationToken).ConfigureAwait(false);
            foreach (var line in trigger.DrainLog())
            {
                reporter.Verbose(line);
            }

            foreach (var line in trigger.DrainWarnings())
            {
                reporter.Warning(line);
            }

            if (triggered is null || triggered.Reason != SyncTriggerReason.Timer || DateTime.UtcNow >= timerAt)
            {
                return triggered;
            }

            reporter.Verbose(string.Format(
                CultureInfo.InvariantCulture,
                "Watching {0}: idle for {1:0} s, event stream {2}; next full resync in {3:0} s.",
                _connection.ClusterName,
                (DateTime.UtcNow - idleSince).TotalSeconds,
                trigger.Connected ? "connected" : "down (reconnecting)",
                Math.Max(0, (timerAt - DateTime.UtcNow).TotalSeconds)));
        }
    }

    private async Task<SyncCycle> PlanAsync(int number, SyncTriggerInfo trigger, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var started = DateTime.UtcNow;
        reporter.Verbose($"Sync cycle {number.ToString(CultureInfo.InvariantCulture)} of cluster {_connection.ClusterName} ({trigger.Reason}{(trigger.Events > 0 ? ", " + trigger.Events.ToString(CultureInfo.InvariantCulture) + " event(s)" : string.Empty)}).");
        SyncSnapshot? read = null;
        if (_options.Watch && trigger.Reason == SyncTriggerReason.Event && _engine.LastPlatform is not null && _marathonHttp is not null && _marathonDirect is not null)
        {
            try
            {
                var apps = await SyncEngine.ReadMarathonDirectAsync(_marathonHttp, _marathonDirect, cancellationToken).ConfigureAwait(false);
                read = _engine.CachedSnapshot(apps);
                reporter.Verbose($"Read {apps.Count.ToString(CultureInfo.InvariantCulture)} app(s) directly from Marathon; planning against the platform state read after the last writes.");
            }
            catch (ShowcaseException ex)
            {
                reporter.Verbose($"Direct Marathon read failed ({ex.Message}); reading everything through the channel.");
            }
        }

        read ??= await _engine.ReadAsync(reporter, cancellationToken).ConfigureAwait(false);
        var watch = Stopwatch.StartNew();
        var plan = _engine.Plan(read, _options.Scope);
        watch.Stop();
        reporter.Verbose(string.Format(CultureInfo.InvariantCulture, "Planned {0} change(s) for {1} service(s) and {2} instance(s) in {3:N1} ms.", plan.Changes.Count, plan.DesiredServices, plan.DesiredInstances, watch.Elapsed.TotalMilliseconds));
        return new SyncCycle(number, _connection.ClusterName, trigger, started, read, plan, watch.Elapsed);
    }
}
