using System;

namespace ShowcaseOps.Core.Marathon;

/// <summary>One event from Marathon's <c>/v2/events</c> stream.</summary>
public sealed class MarathonEvent
{
    public MarathonEvent(string eventType, string data)
    {
        EventType = eventType;
        Data = data;
    }

    /// <summary>The SSE <c>event:</c> name (<c>status_update_event</c>, <c>deployment_success</c>, …).</summary>
    public string EventType { get; }

    /// <summary>The JSON of the <c>data:</c> lines.</summary>
    public string Data { get; }

    /// <summary>The app the event concerns (<c>appId</c> or <c>runSpecId</c>), when it names one.</summary>
    public string? AppId { get; init; }

    public string? TaskId { get; init; }

    /// <summary>For <c>status_update_event</c>: <c>TASK_RUNNING</c>, <c>TASK_KILLED</c>, …</summary>
    public string? TaskStatus { get; init; }

    public DateTime? Timestamp { get; init; }

    /// <summary>The SSE <c>id:</c> field, if the server sent one.</summary>
    public string? LastEventId { get; init; }

    public override string ToString() => EventType + (AppId is null ? string.Empty : " " + AppId) + (TaskStatus is null ? string.Empty : " " + TaskStatus);
}
