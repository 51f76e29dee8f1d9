using ShowcaseOps.Commands.Services;
using System;
using System.Collections.Generic;
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

    private readonly HashSet<string> _notesShown = new(StringComparer.Ordinal);

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

    /// <summary>
    /// Seconds to drain instances that go (default 5): they leave Vulcand and enter Consul maintenance first, and are
    /// deregistered from Consul after this grace period. 0: removed at once.
    /// </summary>
    [Parameter]
    [ValidateRange(0, 3600)]
    public int DrainSeconds { get; set; } = 5;

    /// <summary>Also write a ShowcaseSyncCycle summary after each cycle.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecordCore()
    {
        var options = new SyncRunOptions
        {
            Watch = Watch,
            Resync = TimeSpan.FromSeconds(ResyncSeconds),
            DeadlineUtc = Watch && MyInvocation.BoundParameters.ContainsKey(nameof(TimeoutSeconds)) ? DateTime.UtcNow.AddSeconds(TimeoutSeconds) : null,
            MaxCycles = MaxCycles,
            Scope = Scope(Name),
            Drain = TimeSpan.FromSeconds(DrainSeconds),
        };
        using var run = Run(async (reporter, ct) =>
        {
            var connection = await ConnectAsync(reporter, ct).ConfigureAwait(false);
            if (Watch)
            {
                // The event stream goes to Marathon directly: it needs the cluster's Marathon credentials here too.
                await connection.LoadCredentialsAsync(reporter, ct).ConfigureAwait(false);
            }

            return SyncRun.Start(connection, Session.SyncHints(connection.ClusterName, connection.Channel.Name, connection.Domain), options, reporter);
        });

        while (Run((reporter, ct) => run.NextAsync(reporter, ct)) is { } cycle)
        {
            foreach (var note in cycle.Plan.Notes.Where(n => _notesShown.Add(n)))
            {
                WriteWarning(note);
            }

            var approved = cycle.Plan.Changes.Where(c => ShouldChange(c.TargetDescription, $"{c.Action}: {c.Detail}")).ToArray();
            var outcome = Run((reporter, ct) => run.ApplyAsync(cycle, approved, reporter, ct));
            if (outcome is not null)
            {
                WriteOutcome(outcome);
            }
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
            .Select(n => new WildcardPattern(n, WildcardOptions.None))
            .ToArray();
        return name => patterns.Any(p => p.IsMatch(name));
    }

    private void WriteOutcome(SyncCycleOutcome outcome)
    {
        var cycle = outcome.Cycle;
        foreach (var result in outcome.Results)
        {
            var record = new ShowcaseSyncChange(cycle.Cluster, cycle.Number, result);
            WriteOutput(record);
            if (!result.Succeeded)
            {
                WriteShowcaseError(new ShowcaseException(ShowcaseErrors.ShowcaseSyncChangeFailed, record, $"Could not {result.Change.Action.ToString().ToLowerInvariant()} {result.Change.TargetDescription} ({result.Change.Detail}) in cluster {cycle.Cluster}: {result.Error}")
                {
                    RecommendedAction = "Check that the target is up (Get-ShowcaseService shows what is there); the next Sync-ShowcaseService retries the change.",
                });
            }
        }

        if (PassThru)
        {
            WriteOutput(new ShowcaseSyncCycle
            {
                Cluster = cycle.Cluster,
                Cycle = cycle.Number,
                Trigger = cycle.Trigger.Reason,
                Events = cycle.Trigger.Events,
                FirstEventTime = cycle.Trigger.FirstEventUtc,
                StartTime = cycle.StartedUtc,
                EndTime = outcome.EndedUtc,
                Apps = cycle.Snapshot.Apps.Count,
                Services = cycle.Plan.DesiredServices,
                Instances = cycle.Plan.DesiredInstances,
                ReadBatches = cycle.Snapshot.ReadBatches,
                WriteBatches = outcome.WriteBatches,
                PlanTime = cycle.PlanTime,
                Planned = cycle.Plan.Changes.Count,
                Applied = outcome.Results.Count(r => r.Succeeded),
                Failed = outcome.Results.Count(r => !r.Succeeded),
                Notes = cycle.Plan.Notes.ToArray(),
            });
        }
    }
}
