using ShowcaseOps.Commands.Services;
using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using ShowcaseOps.Cmdlets;
using ShowcaseOps.Core;
using ShowcaseOps.Core.Sync;
using ShowcaseOps.Model;
using ShowcaseOps.Core.Marathon;

namespace ShowcaseOps.Commands.Sync;

/// <summary>
/// Brings Consul, Vulcand and Kong in step with Marathon: one snapshot of the desired state (the exposed apps and their
/// serving tasks), one of what ShowcaseOps owns, the difference, and only that applied in one batch. -Watch keeps doing
/// it, triggered by Marathon's events and by a timer.
/// </summary>
[Cmdlet(VerbsData.Sync, "ShowcaseService", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = OnceSet)]
[OutputType(typeof(ShowcaseSyncChange), typeof(ShowcaseSyncCycle))]
public sealed class SyncShowcaseServiceCommand : PlatformCmdlet
{
    private const string OnceSet = "Once";
    private const string WatchSet = "Watch";

    // Which backends to read with the first batch, per cluster and channel, for the session.
    private static readonly ConcurrentDictionary<string, SyncReadHints> SessionHints = new(StringComparer.Ordinal);
    private readonly HashSet<string> _notesShown = new(StringComparer.Ordinal);
    private SyncEngine? _engine;
    private System.Net.Http.HttpClient? _marathonHttp;
    private Uri? _marathonDirect;
    private int _cycle;

    /// <summary>Only services whose name (or Marathon app id) matches; others are neither added nor removed. Wildcards allowed.</summary>
    [Parameter(Position = 0)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ValidateMarathonAppIdPattern]
    [ArgumentCompleter(typeof(ServiceNameCompleter))]
    public string[]? Name { get; set; }

    /// <summary>Keep running: resync on Marathon events (coalesced) and every -ResyncSeconds, until Ctrl+C, -TimeoutSeconds or -MaxCycles.</summary>
    [Parameter(Mandatory = true, ParameterSetName = WatchSet)]
    public SwitchParameter Watch { get; set; }

    /// <summary>With -Watch: a full resync at least this often, events or not (default 300).</summary>
    [Parameter(ParameterSetName = WatchSet)]
    [ValidateRange(1, 86400)]
    public int ResyncSeconds { get; set; } = 300;

    /// <summary>With -Watch: stop after this many seconds (the cycle under way finishes). Default: run until Ctrl+C.</summary>
    [Parameter(ParameterSetName = WatchSet)]
    [ValidateRange(0.1, 31536000.0)]
    public double TimeoutSeconds { get; set; }

    /// <summary>With -Watch: stop after this many cycles (the first cycle counts). Default: no limit.</summary>
    [Parameter(ParameterSetName = WatchSet)]
    [ValidateRange(1, int.MaxValue)]
    public int MaxCycles { get; set; }

    /// <summary>Also write a ShowcaseSyncCycle summary after each cycle.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecordCore()
    {
        var scope = Scope(Name);
        if (!Watch)
        {
            RunCycle(new SyncTriggerInfo(SyncTriggerReason.Start, 0, null), scope, watching: false, out _);
            return;
        }

        var deadline = MyInvocation.BoundParameters.ContainsKey(nameof(TimeoutSeconds)) ? DateTime.UtcNow.AddSeconds(TimeoutSeconds) : (DateTime?)null;
        var resync = TimeSpan.FromSeconds(ResyncSeconds);
        SyncTrigger? trigger = null;
        try
        {
            trigger = Run(async (reporter, ct) =>
            {
                var connection = await ConnectAsync(reporter, ct).ConfigureAwait(false);
                var marathon = connection.MarathonDirect ?? throw new ShowcaseException(
                    "ShowcaseSyncMarathonEndpointMissing",
                    ShowcaseErrorCategory.InvalidArgument,
                    connection.ClusterName,
                    "-Watch needs Marathon's URL reachable from this machine for its event stream (it cannot travel over SSM), and none is known.")
                {
                    Terminating = true,
                    RecommendedAction = "Pass -PlatformEndpoint @{ Marathon = 'http://<master>:8080' } (through a tunnel), or run without -Watch on a schedule.",
                };
                reporter.Verbose($"Watching Marathon's events at {marathon} (direct HTTP); writes go through the {connection.Channel.Name} channel; full resync every {ResyncSeconds.ToString(CultureInfo.InvariantCulture)} s.");
                _marathonDirect = marathon;
                _marathonHttp = new System.Net.Http.HttpClient { Timeout = TimeSpan.FromSeconds(30) };
                var created = new SyncTrigger(marathon);
                created.Start();
                return created;
            });

            var next = new SyncTriggerInfo(SyncTriggerReason.Start, 0, null);
            var retry = TimeSpan.FromSeconds(1);
            while (true)
            {
                var ok = RunCycle(next, scope, watching: true, out var drift);
                retry = ok ? TimeSpan.FromSeconds(1) : TimeSpan.FromTicks(Math.Min(resync.Ticks, retry.Ticks * 2));
                if (MaxCycles > 0 && _cycle >= MaxCycles)
                {
                    WriteVerbose($"Stopping after {_cycle.ToString(CultureInfo.InvariantCulture)} cycle(s) (-MaxCycles).");
                    break;
                }

                // Once only: a change that keeps failing must not spin; it waits for the retry backoff instead.
                if (drift && next.Reason != SyncTriggerReason.Drift)
                {
                    next = new SyncTriggerInfo(SyncTriggerReason.Drift, 0, null);
                    continue;
                }

                var wait = ok ? resync : (retry < resync ? retry : resync);
                var waiting = trigger;
                var triggered = Run(async (reporter, ct) =>
                {
                    var info = await waiting.WaitAsync(wait, deadline, ct).ConfigureAwait(false);
                    foreach (var line in waiting.DrainLog())
                    {
                        reporter.Verbose(line);
                    }

                    return info;
                });
                if (triggered is null)
                {
                    WriteVerbose($"Stopping after {_cycle.ToString(CultureInfo.InvariantCulture)} cycle(s) (-TimeoutSeconds).");
                    break;
                }

                next = triggered;
            }
        }
        finally
        {
            trigger?.Dispose();
            _marathonHttp?.Dispose();
        }
    }

    private static Func<string, bool>? Scope(string[]? names)
    {
        if (names is null || names.Length == 0)
        {
            return null;
        }

        var patterns = names
            .Select(n => n.StartsWith("/", StringComparison.Ordinal) ? MarathonNames.ServiceName(n) : n)
            .Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase))
            .ToArray();
        return name => patterns.Any(p => p.IsMatch(name));
    }

    // One cycle: read + plan (worker), one ShouldChange per change (pipeline thread), apply (worker), output.
    // Returns false when the cycle failed (in watch mode the error is written and the watch goes on).
    // Watching, an event-triggered cycle reads only Marathon (directly) and plans against the platform state read right
    // after the previous writes; its writes carry the next platform read in the same batch. So a Marathon change costs one
    // channel round trip. Any doubt (no such state, a failed read, drift seen after the writes) falls back to a full read.
    private bool RunCycle(SyncTriggerInfo trigger, Func<string, bool>? scope, bool watching, out bool drift)
    {
        drift = false;
        var throwOnFailure = !watching;
        _cycle++;
        var cycle = _cycle;
        var started = DateTime.UtcNow;
        string cluster = string.Empty;
        SyncSnapshot snapshot;
        SyncPlan plan;
        TimeSpan planTime;
        try
        {
            (cluster, snapshot, plan, planTime) = Run(async (reporter, ct) =>
            {
                var connection = await ConnectAsync(reporter, ct).ConfigureAwait(false);
                if (_engine is null)
                {
                    var key = connection.ClusterName + "|" + connection.Channel.Name + "|" + connection.Domain;
                    _engine = new SyncEngine(connection.Channel, connection.Domain, SessionHints.GetOrAdd(key, _ => new SyncReadHints()));
                }

                reporter.Verbose($"Sync cycle {cycle.ToString(CultureInfo.InvariantCulture)} of cluster {connection.ClusterName} ({trigger.Reason}{(trigger.Events > 0 ? ", " + trigger.Events.ToString(CultureInfo.InvariantCulture) + " event(s)" : string.Empty)}).");
                SyncSnapshot? read = null;
                if (watching && trigger.Reason == SyncTriggerReason.Event && _engine.LastPlatform is not null && _marathonHttp is not null && _marathonDirect is not null)
                {
                    try
                    {
                        var apps = await SyncEngine.ReadMarathonDirectAsync(_marathonHttp, _marathonDirect, ct).ConfigureAwait(false);
                        read = _engine.CachedSnapshot(apps);
                        reporter.Verbose($"Read {apps.Count.ToString(CultureInfo.InvariantCulture)} app(s) directly from Marathon; planning against the platform state read after the last writes.");
                    }
                    catch (ShowcaseException ex)
                    {
                        reporter.Verbose($"Direct Marathon read failed ({ex.Message}); reading everything through the channel.");
                    }
                }

                read ??= await _engine.ReadAsync(reporter, ct).ConfigureAwait(false);
                var watch = Stopwatch.StartNew();
                var planned = _engine.Plan(read, scope);
                watch.Stop();
                reporter.Verbose(string.Format(CultureInfo.InvariantCulture, "Planned {0} change(s) for {1} service(s) and {2} instance(s) in {3:N1} ms.", planned.Changes.Count, planned.DesiredServices, planned.DesiredInstances, watch.Elapsed.TotalMilliseconds));
                return (connection.ClusterName, read, planned, watch.Elapsed);
            });
        }
        catch (ShowcaseException ex) when (!throwOnFailure && !ex.Terminating)
        {
            WriteShowcaseError(ex);
            return false;
        }

        foreach (var note in plan.Notes.Where(n => _notesShown.Add(n)))
        {
            WriteWarning(note);
        }

        var approved = plan.Changes.Where(c => ShouldChange(c.TargetDescription, $"{c.Action}: {c.Detail}")).ToArray();
        IReadOnlyList<SyncChangeResult> results = Array.Empty<SyncChangeResult>();
        if (approved.Length > 0)
        {
            try
            {
                var wanted = SyncDesiredState.FromApps(snapshot.Apps).Services.Select(x => x.Name).ToArray();
                results = watching
                    ? Run((reporter, ct) => _engine!.ApplyAndReadAsync(approved, wanted, reporter, ct))
                    : Run((reporter, ct) => _engine!.ApplyAsync(approved, reporter, ct));
            }
            catch (ShowcaseException ex) when (!throwOnFailure && !ex.Terminating)
            {
                WriteShowcaseError(ex);
                return false;
            }
        }

        foreach (var result in results)
        {
            var record = new ShowcaseSyncChange(cluster, cycle, result);
            WriteObject(record);
            if (!result.Succeeded)
            {
                WriteShowcaseError(new ShowcaseException("ShowcaseSyncChangeFailed", ShowcaseErrorCategory.InvalidResult, record, $"Could not {result.Change.Action.ToString().ToLowerInvariant()} {result.Change.TargetDescription} ({result.Change.Detail}): {result.Error}")
                {
                    RecommendedAction = "Check that the target is up (Get-ShowcaseService shows what is there); the next Sync-ShowcaseService retries the change.",
                });
            }
        }

        if (watching && approved.Length > 0)
        {
            // The state read right after the writes must match Marathon's; if not (drift, a failed change), resync at once.
            var after = _engine!.CachedSnapshot(snapshot.Apps);
            drift = after is null || !_engine.Plan(after, scope).IsEmpty;
            if (drift)
            {
                WriteVerbose("The platform read after the writes still differs from Marathon: resyncing.");
            }
        }

        if (PassThru)
        {
            WriteObject(new ShowcaseSyncCycle
            {
                Cluster = cluster,
                Cycle = cycle,
                Trigger = trigger.Reason,
                Events = trigger.Events,
                FirstEventTime = trigger.FirstEventUtc,
                StartTime = started,
                EndTime = DateTime.UtcNow,
                Apps = snapshot.Apps.Count,
                Services = plan.DesiredServices,
                Instances = plan.DesiredInstances,
                ReadBatches = snapshot.ReadBatches,
                WriteBatches = approved.Length > 0 ? 1 : 0,
                PlanTime = planTime,
                Planned = plan.Changes.Count,
                Applied = results.Count(r => r.Succeeded),
                Failed = results.Count(r => !r.Succeeded),
                Notes = plan.Notes.ToArray(),
            });
        }

        return results.All(r => r.Succeeded);
    }
}
