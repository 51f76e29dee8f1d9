using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using ShowcaseOps.Core.Marathon;

namespace ShowcaseOps.Core.Sync;

/// <summary>Why a watch cycle ran.</summary>
public enum SyncTriggerReason
{
    /// <summary>The first cycle of a run.</summary>
    Start,

    /// <summary>Marathon events arrived (coalesced).</summary>
    Event,

    /// <summary>The event stream (re)connected after a break: events may have been missed.</summary>
    Reconnect,

    /// <summary>The periodic full resync.</summary>
    Timer,

    /// <summary>The read that followed the last writes still differs from Marathon (drift, or a failed change): resync at once.</summary>
    Drift,
}

/// <summary>One wake-up of the watch loop.</summary>
public sealed record SyncTriggerInfo(SyncTriggerReason Reason, int Events, DateTime? FirstEventUtc);

/// <summary>Timings of the watch trigger.</summary>
public sealed class SyncTriggerOptions
{
    /// <summary>A burst ends after this much quiet (default 100 ms).</summary>
    public TimeSpan Quiet { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>…or this long after its first event, whichever comes first (default 250 ms).</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>First reconnect delay; doubles up to <see cref="MaxBackoff"/> (default 250 ms, max 30 s).</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(250);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The event types that trigger a resync (task state and health, app changes, deployment ends, and the attach event,
    /// which marks a reconnect).
    /// </summary>
    public IReadOnlyList<string> EventTypes { get; init; } = new[]
    {
        "event_stream_attached", "status_update_event", "instance_changed_event", "health_status_changed_event",
        "instance_health_changed_event", "api_post_event", "app_terminated_event", "deployment_success", "deployment_failed",
    };
}

/// <summary>
/// Marathon's <c>/v2/events</c> used only as a trigger: a background loop reads the stream (direct HTTP), counts events,
/// and reconnects with backoff when it breaks; <see cref="WaitAsync"/> returns when a burst of events has settled or the
/// resync interval has passed. Event contents are never used: order, duplicates and losses do not matter, because
/// every cycle re-reads the whole state.
/// </summary>
public sealed class SyncTrigger : IDisposable
{
    private readonly HttpClient _http;
    private readonly Uri _marathon;
    private readonly SyncTriggerOptions _options;
    private readonly SemaphoreSlim _signal = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<string> _log = new();
    private readonly ConcurrentQueue<string> _warnings = new();
    private readonly object _gate = new();
    private Task? _loop;
    private int _pending;
    private DateTime? _firstPendingUtc;
    private bool _reconnectPending;
    private int _connections;

    public SyncTrigger(Uri marathonBase, SyncTriggerOptions? options = null, HttpMessageHandler? handler = null)
    {
        _marathon = marathonBase ?? throw new ArgumentNullException(nameof(marathonBase));
        _options = options ?? new SyncTriggerOptions();
        _http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        _http.Timeout = Timeout.InfiniteTimeSpan;
    }

    /// <summary>Marathon's <c>Authorization</c> value for the event stream (its HTTP credentials), or null.</summary>
    public string? MarathonAuthorization
    {
        set
        {
            _http.DefaultRequestHeaders.Remove("Authorization");
            if (value is not null)
            {
                _http.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", value);
            }
        }
    }

    /// <summary>Events received so far (all types asked for).</summary>
    public long EventsReceived => Interlocked.Read(ref _eventsReceived);

    /// <summary>How many times the stream was opened.</summary>
    public int Connections => Volatile.Read(ref _connections);

    public bool Connected { get; private set; }

    private long _eventsReceived;

    /// <summary>Starts the background reader (once).</summary>
    public void Start()
    {
        lock (_gate)
        {
            _loop ??= Task.Run(() => ListenAsync(_stop.Token));
        }
    }

    /// <summary>What the background reader did since the last call (connects, breaks, backoff), for -Verbose.</summary>
    public IReadOnlyList<string> DrainLog()
    {
        var lines = new List<string>();
        while (_log.TryDequeue(out var line))
        {
            lines.Add(line);
        }

        return lines;
    }

    /// <summary>
    /// Failures of the event stream since the last call, one per outage (the first failed attempt after the stream was
    /// up, or at start), for a warning: without the stream a change waits for the next full resync.
    /// </summary>
    public IReadOnlyList<string> DrainWarnings()
    {
        var lines = new List<string>();
        while (_warnings.TryDequeue(out var line))
        {
            lines.Add(line);
        }

        return lines;
    }

    /// <summary>
    /// Waits for the next cycle: a settled burst of events (<see cref="SyncTriggerOptions.Quiet"/> of quiet, or
    /// <see cref="SyncTriggerOptions.MaxDelay"/> after its first event), a reconnect, or <paramref name="resync"/> elapsed.
    /// Returns null when <paramref name="deadline"/> (UTC) passes first.
    /// </summary>
    public async Task<SyncTriggerInfo?> WaitAsync(TimeSpan resync, DateTime? deadline, CancellationToken cancellationToken)
    {
        var timerAt = DateTime.UtcNow + resync;
        while (true)
        {
            var now = DateTime.UtcNow;
            DateTime? first;
            lock (_gate)
            {
                first = _firstPendingUtc;
            }

            if (first is null)
            {
                var until = deadline is { } d && d < timerAt ? d : timerAt;
                if (now >= until)
                {
                    return deadline is { } dl && dl <= timerAt ? null : new SyncTriggerInfo(SyncTriggerReason.Timer, 0, null);
                }

                await WaitSignalAsync(until - now, cancellationToken).ConfigureAwait(false);
                continue;
            }

            // A burst is under way: wait for quiet, at most MaxDelay after its first event.
            var lastSeen = Volatile.Read(ref _pending);
            var settleAt = first.Value + _options.MaxDelay;
            while (true)
            {
                now = DateTime.UtcNow;
                var quietUntil = now + _options.Quiet;
                var wait = (quietUntil < settleAt ? quietUntil : settleAt) - now;
                if (wait <= TimeSpan.Zero || !await WaitSignalAsync(wait, cancellationToken).ConfigureAwait(false))
                {
                    break;
                }

                var seen = Volatile.Read(ref _pending);
                if (seen == lastSeen && !Volatile.Read(ref _reconnectPending))
                {
                    continue;
                }

                lastSeen = seen;
            }

            lock (_gate)
            {
                var events = Interlocked.Exchange(ref _pending, 0);
                var reconnect = _reconnectPending;
                _reconnectPending = false;
                var firstAt = _firstPendingUtc;
                _firstPendingUtc = null;
                return new SyncTriggerInfo(reconnect ? SyncTriggerReason.Reconnect : SyncTriggerReason.Event, events, firstAt);
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            _loop?.Wait(TimeSpan.FromSeconds(2));
        }
        catch (AggregateException)
        {
            // The loop ends by cancellation.
        }

        _http.Dispose();
        _stop.Dispose();
        _signal.Dispose();
    }

    private async Task<bool> WaitSignalAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        var ms = (int)Math.Min(int.MaxValue, Math.Ceiling(Math.Max(0, wait.TotalMilliseconds)));
        return await _signal.WaitAsync(ms, cancellationToken).ConfigureAwait(false);
    }

    private void Notify(bool reconnect)
    {
        lock (_gate)
        {
            Interlocked.Increment(ref _pending);
            _firstPendingUtc ??= DateTime.UtcNow;
            if (reconnect)
            {
                _reconnectPending = true;
            }
        }

        try
        {
            if (_signal.CurrentCount == 0)
            {
                _signal.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // Already signalled.
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private async Task ListenAsync(CancellationToken cancellationToken)
    {
        var backoff = _options.InitialBackoff;
        var everConnected = false;
        var warned = false;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                using var stream = await MarathonEventStream.OpenAsync(_http, _marathon, _options.EventTypes, cancellationToken).ConfigureAwait(false);
                Interlocked.Increment(ref _connections);
                Connected = true;
                _log.Enqueue($"Marathon event stream open ({MarathonEventStream.EventsUri(_marathon, null)}).");
                if (everConnected)
                {
                    // Events may have been lost while the stream was down: resync.
                    Notify(reconnect: true);
                }

                everConnected = true;
                warned = false;
                backoff = _options.InitialBackoff;
                while (await stream.ReadAsync(cancellationToken).ConfigureAwait(false) is { } received)
                {
                    Interlocked.Increment(ref _eventsReceived);
                    if (received.EventType != "event_stream_attached")
                    {
                        Notify(reconnect: false);
                    }
                }

                _log.Enqueue("Marathon event stream ended; reconnecting.");
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is ShowcaseException or HttpRequestException or System.IO.IOException or OperationCanceledException)
            {
                _log.Enqueue($"Marathon event stream failed ({ex.Message}); retrying in {backoff.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} ms.");
                if (!warned)
                {
                    warned = true;
                    _warnings.Enqueue($"The Marathon event stream at {MarathonEventStream.EventsUri(_marathon, null)} failed ({ex.Message}): changes are picked up only by the full resync until it reconnects (retrying with backoff up to {_options.MaxBackoff.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s).");
                }
            }
            finally
            {
                Connected = false;
            }

            try
            {
                await Task.Delay(backoff, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            backoff = TimeSpan.FromTicks(Math.Min(_options.MaxBackoff.Ticks, backoff.Ticks * 2));
        }
    }
}
