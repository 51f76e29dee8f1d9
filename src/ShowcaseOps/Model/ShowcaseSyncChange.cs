using System;
using ShowcaseOps.Core.Sync;

namespace ShowcaseOps.Model;

/// <summary>The outcome of an applied sync change.</summary>
public enum ShowcaseSyncStatus
{
    /// <summary>Every request of the change succeeded (404 on a removal counts: already gone).</summary>
    Done,

    /// <summary>A request failed; <see cref="ShowcaseSyncChange.Error"/> says which and why. The next sync retries it.</summary>
    Failed,
}

/// <summary>One change Sync-ShowcaseService applied to Consul, Vulcand or Kong.</summary>
public sealed class ShowcaseSyncChange
{
    private readonly object _action;

    internal ShowcaseSyncChange(string cluster, int cycle, SyncChangeResult result)
    {
        var change = result.Change;
        Cluster = cluster;
        Cycle = cycle;
        Service = change.Service;
        InstanceId = change.InstanceId;
        Target = change.Target.ToString();
        _action = change.Action;
        Detail = change.Detail;
        Requests = change.Requests.Count;
        Status = result.Succeeded ? ShowcaseSyncStatus.Done : ShowcaseSyncStatus.Failed;
        Error = result.Error;
        Time = DateTime.UtcNow;
    }

    public string Cluster { get; }

    /// <summary>The watch cycle (1 for a single sync).</summary>
    public int Cycle { get; }

    /// <summary>The service name (also binds to <c>-Name</c> of the service cmdlets).</summary>
    public string Service { get; }

    /// <summary>The instance (Marathon task) for instance changes; null for the service's own entries.</summary>
    public string? InstanceId { get; }

    /// <summary>Consul, Vulcand or Kong.</summary>
    public string Target { get; }

    // Engine enums are kept boxed so that loading this type does not load the engine (see ModuleInitializer).
    public SyncAction Action => (SyncAction)_action;

    /// <summary>What changed (for updates: old → new).</summary>
    public string Detail { get; }

    /// <summary>How many admin API calls the change took.</summary>
    public int Requests { get; }

    public ShowcaseSyncStatus Status { get; }

    public string? Error { get; }

    /// <summary>When the change was applied (UTC).</summary>
    public DateTime Time { get; }

    public override string ToString() => $"{Action} {Target} {Service}{(InstanceId is null ? string.Empty : "/" + InstanceId)}: {Detail} ({Status})";
}

/// <summary>A summary of one sync cycle (Sync-ShowcaseService -PassThru).</summary>
public sealed class ShowcaseSyncCycle
{
    private readonly object _trigger = SyncTriggerReason.Start;

    public string Cluster { get; init; } = string.Empty;

    public int Cycle { get; init; }

    /// <summary>Start, Event, Reconnect or Timer.</summary>
    public SyncTriggerReason Trigger { get => (SyncTriggerReason)_trigger; init => _trigger = value; }

    /// <summary>Marathon events coalesced into this cycle.</summary>
    public int Events { get; init; }

    /// <summary>When the first of those events arrived (UTC); null for Start and Timer.</summary>
    public DateTime? FirstEventTime { get; init; }

    public DateTime StartTime { get; init; }

    public DateTime EndTime { get; init; }

    public TimeSpan Duration => EndTime - StartTime;

    public int Apps { get; init; }

    public int Services { get; init; }

    public int Instances { get; init; }

    /// <summary>Channel batches the read took (SSM commands on the SSM channel); 0 when an event cycle read only Marathon, directly.</summary>
    public int ReadBatches { get; init; }

    /// <summary>Write batches sent (one channel round trip; in -Watch it also carries the next platform read). 0 when nothing changed.</summary>
    public int WriteBatches { get; init; }

    /// <summary>Time spent computing the plan.</summary>
    public TimeSpan PlanTime { get; init; }

    public int Planned { get; init; }

    public int Applied { get; init; }

    public int Failed { get; init; }

    /// <summary>Things the plan left alone (entries ShowcaseOps does not own, unusable apps or tasks).</summary>
    public string[] Notes { get; init; } = Array.Empty<string>();

    public override string ToString() => $"cycle {Cycle} ({Trigger}): {Applied} applied, {Failed} failed";
}
