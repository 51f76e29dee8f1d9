using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using ShowcaseOps.Sandbox.Hosting;

namespace ShowcaseOps.Sandbox.StandIns.Marathon;

/// <summary>
/// Test knobs for the <c>/v2/events</c> stream. Marathon does not guarantee event order and drops slow consumers;
/// these knobs let tests make the stand-in do the same on purpose. They apply per subscriber, per published batch.
/// </summary>
public sealed class MarathonEventChaos
{
    /// <summary>Deliver the events of each batch (one state change: a scale, a task start, …) in a random order.</summary>
    public bool Shuffle { get; set; }

    /// <summary>Probability (0–1) that an event is delivered twice.</summary>
    public double DuplicateRate { get; set; }

    /// <summary>Probability (0–1) that an event is never delivered.</summary>
    public double DropRate { get; set; }

    /// <summary>Seed for the random choices above (null: a new seed each time).</summary>
    public int? Seed { get; set; }

    internal void Clear()
    {
        Shuffle = false;
        DuplicateRate = 0;
        DropRate = 0;
        Seed = null;
    }
}

/// <summary>An event Marathon published (before chaos is applied), for tests.</summary>
public sealed class MarathonPublishedEvent
{
    internal MarathonPublishedEvent(long sequence, string eventType, string data)
    {
        Sequence = sequence;
        EventType = eventType;
        Data = data;
    }

    public long Sequence { get; }

    public string EventType { get; }

    /// <summary>The JSON of the <c>data:</c> line.</summary>
    public string Data { get; }

    public override string ToString() => EventType + " " + Data;
}

/// <summary>Fans published events out to the open SSE streams.</summary>
internal sealed class MarathonEventBus
{
    private const int HistoryLimit = 10_000;
    private readonly object _gate = new();
    private readonly List<Subscriber> _subscribers = new();
    private readonly List<MarathonPublishedEvent> _history = new();
    private Random _random = new();
    private int? _seenSeed;
    private long _sequence;

    public MarathonEventChaos Chaos { get; } = new();

    public int SubscriberCount
    {
        get
        {
            lock (_gate)
            {
                return _subscribers.Count;
            }
        }
    }

    public IReadOnlyList<MarathonPublishedEvent> History
    {
        get
        {
            lock (_gate)
            {
                return _history.ToArray();
            }
        }
    }

    /// <summary>Publishes one batch of events (the events one state change produces).</summary>
    public void Publish(IReadOnlyList<JObject> batch)
    {
        if (batch.Count == 0)
        {
            return;
        }

        lock (_gate)
        {
            if (Chaos.Seed != _seenSeed)
            {
                _seenSeed = Chaos.Seed;
                _random = Chaos.Seed is { } seed ? new Random(seed) : new Random();
            }

            var frames = new List<(string Type, string Frame)>(batch.Count);
            foreach (var data in batch)
            {
                var type = (string?)data["eventType"] ?? "unknown_event";
                var json = data.ToString(Formatting.None);
                _history.Add(new MarathonPublishedEvent(++_sequence, type, json));
                frames.Add((type, "event: " + type + "\r\ndata: " + json + "\r\n\r\n"));
            }

            if (_history.Count > HistoryLimit)
            {
                _history.RemoveRange(0, _history.Count - HistoryLimit);
            }

            foreach (var subscriber in _subscribers)
            {
                var chosen = new List<string>();
                foreach (var (type, frame) in frames)
                {
                    if (!subscriber.Wants(type) || (Chaos.DropRate > 0 && _random.NextDouble() < Chaos.DropRate))
                    {
                        continue;
                    }

                    chosen.Add(frame);
                    if (Chaos.DuplicateRate > 0 && _random.NextDouble() < Chaos.DuplicateRate)
                    {
                        chosen.Add(frame);
                    }
                }

                if (Chaos.Shuffle)
                {
                    chosen = chosen.OrderBy(_ => _random.Next()).ToList();
                }

                subscriber.Enqueue(chosen);
            }
        }
    }

    /// <summary>
    /// Opens a stream. <paramref name="eventTypes"/> empty means every event type. Returns the writer and the first bytes to
    /// send with the headers: the <c>event_stream_attached</c> event Marathon greets every stream with (when the filter lets it
    /// through), else an SSE comment line, which readers ignore (the sandbox host needs a non-empty first write to send the headers).
    /// </summary>
    public (IAsyncStreamWriter Writer, byte[] FirstBytes) Subscribe(IReadOnlyCollection<string> eventTypes, string remoteAddress)
    {
        var subscriber = new Subscriber(this, eventTypes);
        var attached = new JObject
        {
            ["remoteAddress"] = remoteAddress,
            ["eventType"] = "event_stream_attached",
            ["timestamp"] = MarathonJson.Timestamp(DateTime.UtcNow),
        };
        var first = subscriber.Wants("event_stream_attached")
            ? "event: event_stream_attached\r\ndata: " + attached.ToString(Formatting.None) + "\r\n\r\n"
            : ":\r\n";
        lock (_gate)
        {
            _subscribers.Add(subscriber);
            _history.Add(new MarathonPublishedEvent(++_sequence, "event_stream_attached", attached.ToString(Formatting.None)));
        }

        return (subscriber, Encoding.UTF8.GetBytes(first));
    }

    /// <summary>Ends every open stream (the connection closes, as when Marathon fails over or drops a slow consumer).</summary>
    public int KillAll()
    {
        Subscriber[] all;
        lock (_gate)
        {
            all = _subscribers.ToArray();
            _subscribers.Clear();
        }

        foreach (var subscriber in all)
        {
            subscriber.Kill();
        }

        return all.Length;
    }

    public void Reset()
    {
        KillAll();
        lock (_gate)
        {
            _history.Clear();
            Chaos.Clear();
            _seenSeed = null;
            _random = new Random();
        }
    }

    private void Remove(Subscriber subscriber)
    {
        lock (_gate)
        {
            _subscribers.Remove(subscriber);
        }
    }

    private sealed class Subscriber : IAsyncStreamWriter, IDisposable
    {
        private readonly MarathonEventBus _bus;
        private readonly HashSet<string> _types;
        private readonly ConcurrentQueue<string> _queue = new();
        private readonly SemaphoreSlim _signal = new(0);
        private readonly CancellationTokenSource _killed = new();

        public Subscriber(MarathonEventBus bus, IReadOnlyCollection<string> types)
        {
            _bus = bus;
            _types = new HashSet<string>(types, StringComparer.Ordinal);
        }

        public bool Wants(string type) => _types.Count == 0 || _types.Contains(type);

        public void Enqueue(IEnumerable<string> frames)
        {
            foreach (var frame in frames)
            {
                _queue.Enqueue(frame);
                _signal.Release();
            }
        }

        public void Kill()
        {
            try
            {
                _killed.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The stream already ended.
            }
        }

        public void Dispose()
        {
            _killed.Dispose();
            _signal.Dispose();
        }

        public async Task WriteAsync(Stream output, CancellationToken cancellationToken)
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _killed.Token);
            try
            {
                while (true)
                {
                    await _signal.WaitAsync(linked.Token).ConfigureAwait(false);
                    var batch = new StringBuilder();
                    while (_queue.TryDequeue(out var frame))
                    {
                        batch.Append(frame);
                    }

                    if (batch.Length > 0)
                    {
                        var bytes = Encoding.UTF8.GetBytes(batch.ToString());
                        await output.WriteAsync(bytes, 0, bytes.Length, linked.Token).ConfigureAwait(false);
                        await output.FlushAsync(linked.Token).ConfigureAwait(false);
                    }
                }
            }
            catch (OperationCanceledException) when (_killed.IsCancellationRequested)
            {
                // Killed by a test: the stream ends normally (the response is closed).
            }
            finally
            {
                _bus.Remove(this);
                Dispose();
            }
        }
    }
}
