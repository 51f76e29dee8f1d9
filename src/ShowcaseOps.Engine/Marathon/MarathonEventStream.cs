using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json.Linq;
using ShowcaseOps.Core.Bootstrap;
using ShowcaseOps.Core.Marathon;

namespace ShowcaseOps.Core.Marathon;

/// <summary>
/// Reads Marathon's <c>/v2/events</c> server-sent-event stream (<c>text/event-stream</c>): <c>event:</c>, <c>data:</c>
/// (several lines are joined with '\n'), <c>id:</c>, comment lines (<c>:</c>), events ended by a blank line.
/// <para>
/// This works over direct HTTP only: an SSE stream never ends, so it cannot be carried by the SSM channel, which runs a
/// batch of requests to completion. Reconnecting is the caller's job, and so is resyncing: Marathon does not guarantee the
/// order of events, may drop slow consumers, and the stream can die silently, so treat every event as a hint to re-read
/// <c>GET /v2/apps?embed=apps.tasks</c> (and resync on a timer anyway).
/// </para>
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "It reads Marathon's event stream; the name is the one the other areas use.")]
public sealed class MarathonEventStream : IDisposable
{
    private readonly Stream _stream;
    private readonly IDisposable? _owner;
    private readonly Decoder _decoder = new UTF8Encoding(false).GetDecoder();
    private readonly byte[] _bytes = new byte[8192];
    private readonly char[] _chars = new char[8192 + 4];
    private readonly StringBuilder _pending = new();
    private readonly Queue<string> _lines = new();
    private bool _endOfStream;
    private bool _lastWasCarriageReturn;

    public MarathonEventStream(Stream stream)
        : this(stream, null)
    {
    }

    private MarathonEventStream(Stream stream, IDisposable? owner)
    {
        _stream = stream ?? throw new ArgumentNullException(nameof(stream));
        _owner = owner;
    }

    /// <summary>The last <c>id:</c> the server sent (for <c>Last-Event-ID</c> on reconnect; Marathon sends none).</summary>
    public string? LastEventId { get; private set; }

    /// <summary>The <c>/v2/events</c> URL, with one <c>event_type</c> parameter per type (none: every event).</summary>
    public static Uri EventsUri(Uri marathonBase, IEnumerable<string>? eventTypes)
    {
        var query = string.Join("&", (eventTypes ?? Array.Empty<string>()).Where(t => !string.IsNullOrWhiteSpace(t)).Select(t => "event_type=" + Uri.EscapeDataString(t.Trim())));
        var baseText = marathonBase.ToString().TrimEnd('/');
        return new Uri(baseText + "/v2/events" + (query.Length > 0 ? "?" + query : string.Empty));
    }

    /// <summary>
    /// Opens the stream over direct HTTP (<c>Accept: text/event-stream</c>). The returned reader owns the response; dispose it
    /// to disconnect. A non-2xx answer throws <see cref="ShowcaseException"/> (<see cref="MarathonErrors.RequestFailed"/>).
    /// </summary>
    public static async Task<MarathonEventStream> OpenAsync(HttpClient http, Uri marathonBase, IEnumerable<string>? eventTypes, CancellationToken cancellationToken)
    {
        var uri = EventsUri(marathonBase, eventTypes);
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        HttpResponseMessage? response = null;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new ShowcaseException(MarathonErrors.Unreachable, ShowcaseErrorCategory.ConnectionError, uri.ToString(), "Could not open Marathon's event stream at " + uri + ": " + ex.Message, ex);
        }

        if (!response.IsSuccessStatusCode)
        {
            var status = (int)response.StatusCode;
            response.Dispose();
            throw new ShowcaseException(MarathonErrors.RequestFailed, ShowcaseErrorCategory.InvalidResult, uri.ToString(), "Marathon refused the event stream at " + uri + " (" + status.ToString(System.Globalization.CultureInfo.InvariantCulture) + ").");
        }

        var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
        return new MarathonEventStream(stream, response);
    }

    /// <summary>The next event, or null when the stream ended (the connection closed: reconnect and resync).</summary>
    public async Task<MarathonEvent?> ReadAsync(CancellationToken cancellationToken)
    {
        string? eventType = null;
        string? id = null;
        var data = new StringBuilder();
        var hasData = false;
        while (true)
        {
            var line = await ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (line is null)
            {
                return null;
            }

            if (line.Length == 0)
            {
                if (!hasData)
                {
                    // An event with no data is not dispatched (SSE rules); reset and go on.
                    eventType = null;
                    continue;
                }

                if (id is not null)
                {
                    LastEventId = id;
                }

                return Create(eventType ?? "message", data.ToString());
            }

            if (line[0] == ':')
            {
                continue;
            }

            var colon = line.IndexOf(':');
            var field = colon < 0 ? line : line.Substring(0, colon);
            var value = colon < 0 ? string.Empty : line.Substring(colon + 1);
            if (value.Length > 0 && value[0] == ' ')
            {
                value = value.Substring(1);
            }

            switch (field)
            {
                case "event":
                    eventType = value;
                    break;
                case "data":
                    if (hasData)
                    {
                        data.Append('\n');
                    }

                    data.Append(value);
                    hasData = true;
                    break;
                case "id":
                    id = value;
                    break;
            }
        }
    }

    public void Dispose()
    {
        _stream.Dispose();
        _owner?.Dispose();
    }

    private MarathonEvent Create(string eventType, string data)
    {
        string? appId = null;
        string? taskId = null;
        string? taskStatus = null;
        DateTime? timestamp = null;
        try
        {
            if (MarathonClient.ParseJson(data) is JObject obj)
            {
                appId = (string?)obj["appId"] ?? (string?)obj["runSpecId"] ?? (string?)obj["appDefinition"]?["id"];
                taskId = (string?)obj["taskId"];
                taskStatus = (string?)obj["taskStatus"];
                timestamp = MarathonClient.ParseTime((string?)obj["timestamp"]);
            }
        }
        catch (Newtonsoft.Json.JsonReaderException)
        {
            // Not JSON: the event is still delivered, with its raw data.
        }

        return new MarathonEvent(eventType, data)
        {
            AppId = appId,
            TaskId = taskId,
            TaskStatus = taskStatus,
            Timestamp = timestamp,
            LastEventId = LastEventId,
        };
    }

    private async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (_lines.Count == 0)
        {
            if (_endOfStream)
            {
                if (_pending.Length > 0)
                {
                    var last = _pending.ToString();
                    _pending.Clear();
                    return last;
                }

                return null;
            }

            var read = await _stream.ReadAsync(_bytes, 0, _bytes.Length, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                _endOfStream = true;
                continue;
            }

            var count = _decoder.GetChars(_bytes, 0, read, _chars, 0);
            for (var i = 0; i < count; i++)
            {
                var c = _chars[i];
                if (c == '\n' && _lastWasCarriageReturn)
                {
                    // The \n of a \r\n pair: the line already ended at \r.
                    _lastWasCarriageReturn = false;
                    continue;
                }

                _lastWasCarriageReturn = c == '\r';
                if (c is '\r' or '\n')
                {
                    _lines.Enqueue(_pending.ToString());
                    _pending.Clear();
                }
                else
                {
                    _pending.Append(c);
                }
            }
        }

        return _lines.Dequeue();
    }
}
