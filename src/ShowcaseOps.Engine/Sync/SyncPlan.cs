using System;
using System.Collections.Generic;
using System.Linq;
using ShowcaseOps.Core.Platform;

namespace ShowcaseOps.Core.Sync;

/// <summary>What a change does to its target.</summary>
public enum SyncAction
{
    Add,
    Remove,
    Update,
}

/// <summary>
/// One difference between what Marathon wants and what ShowcaseOps owns, on one target, with the idempotent requests
/// that remove it. <see cref="Phase"/> orders the requests of a batch: removals of instances, then of services (Kong
/// routes before services, Vulcand frontends before backends), then additions of services, then of instances.
/// </summary>
public sealed class SyncChange
{
    public SyncChange(string service, string? instanceId, PlatformTarget target, SyncAction action, string detail, int phase, IReadOnlyList<PlatformRequest> requests)
    {
        Service = service;
        InstanceId = instanceId;
        Target = target;
        Action = action;
        Detail = detail;
        Phase = phase;
        Requests = requests;
    }

    public string Service { get; }

    /// <summary>Null for a change to the service itself.</summary>
    public string? InstanceId { get; }

    public PlatformTarget Target { get; }

    public SyncAction Action { get; }

    public string Detail { get; }

    public int Phase { get; }

    public IReadOnlyList<PlatformRequest> Requests { get; }

    /// <summary>"Consul web" or "Vulcand web/web.instance-….".</summary>
    public string TargetDescription => Target + " " + Service + (InstanceId is null ? string.Empty : "/" + InstanceId);

    public override string ToString() => $"{Action} {TargetDescription}: {Detail}";
}

/// <summary>The changes that bring the owned platform state to Marathon's desired state, and what was left alone.</summary>
public sealed class SyncPlan
{
    internal SyncPlan(IReadOnlyList<SyncChange> changes, IReadOnlyList<string> notes, int services, int instances)
    {
        Changes = changes;
        Notes = notes;
        DesiredServices = services;
        DesiredInstances = instances;
    }

    /// <summary>Deterministic order: by service, then phase, target and instance.</summary>
    public IReadOnlyList<SyncChange> Changes { get; }

    /// <summary>Things the plan deliberately did not touch (entries ShowcaseOps does not own, unusable apps or tasks).</summary>
    public IReadOnlyList<string> Notes { get; }

    public int DesiredServices { get; }

    public int DesiredInstances { get; }

    public bool IsEmpty => Changes.Count == 0;

    /// <summary>The requests of <paramref name="changes"/> in the order the APIs need (by phase, then plan order), as one batch.</summary>
    public static IReadOnlyList<(SyncChange Change, PlatformRequest Request)> Batch(IEnumerable<SyncChange> changes) =>
        (changes ?? throw new ArgumentNullException(nameof(changes)))
            .Select((c, i) => (Change: c, Index: i))
            .OrderBy(x => x.Change.Phase)
            .ThenBy(x => x.Index)
            .SelectMany(x => x.Change.Requests.Select(r => (x.Change, r)))
            .ToArray();

    public override string ToString() => $"{Changes.Count} change(s) for {DesiredServices} service(s) / {DesiredInstances} instance(s)";
}
