using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using ShowcaseOps.Core.Platform.Compact;

namespace ShowcaseOps.Core.Platform;

/// <summary>
/// Reads the framed output of a <see cref="PlatformBatchScript"/> back into one <see cref="PlatformResponse"/> per request.
/// Lines that are not frames of this batch are ignored (SSM adds nothing, but a login banner or a stray echo must not
/// matter); a request without a complete frame is an error: <c>PlatformResponseMissing</c>.
/// </summary>
public static class PlatformBatchParser
{
    private static readonly char[] LineBreaks = { '\n' };
    private static readonly char[] Spaces = { ' ' };

    public static IReadOnlyList<PlatformResponse> Parse(string output, IReadOnlyList<PlatformRequest> batch, string batchId, string? errorOutput = null) =>
        Parse(output, batch, batchId, errorOutput, null);

    /// <summary>
    /// Parses the output; <paramref name="knownBodies"/> (by index) answer the requests the script reported as "same"
    /// (a body whose sha256 matched the one sent).
    /// </summary>
    public static IReadOnlyList<PlatformResponse> Parse(string output, IReadOnlyList<PlatformRequest> batch, string batchId, string? errorOutput, IReadOnlyList<string?>? knownBodies)
    {
        if (batch is null)
        {
            throw new ArgumentNullException(nameof(batch));
        }

        var frames = ReadFrames(output, batchId);
        var found = frames.BodiesPayload is not null && frames.ErrorsPayload is not null && frames.SawDone
            ? Assemble(frames, batch, knownBodies)
            : new Dictionary<int, PlatformResponse>();
        var missing = Enumerable.Range(1, batch.Count).Where(i => !found.ContainsKey(i)).ToArray();
        if (missing.Length > 0)
        {
            throw Missing(batch, missing, frames, errorOutput);
        }

        return Enumerable.Range(1, batch.Count).Select(i => found[i]).ToArray();
    }

    /// <summary>
    /// Parses the output of a batch that may have asked for a compact read: a <c>@@SHOWCASE-COMPACT</c> frame (followed by
    /// <c>@@SHOWCASE-DONE</c>) is decoded by <see cref="PlatformCompactDecoder"/>; otherwise the plain frames are read.
    /// </summary>
    public static PlatformBatchOutput ParseBatch(string output, IReadOnlyList<PlatformRequest> batch, string batchId, string? errorOutput, IReadOnlyList<string?>? knownBodies, IReadOnlyDictionary<string, string>? knownServers)
    {
        if (batch is null)
        {
            throw new ArgumentNullException(nameof(batch));
        }

        var payload = CompactPayload(output, batchId, batch.Count);
        if (payload is null)
        {
            return new PlatformBatchOutput(Parse(output, batch, batchId, errorOutput, knownBodies), null);
        }

        PlatformCompactResult result;
        try
        {
            result = PlatformCompactDecoder.Decode(payload, PlatformCompactKinds.ForBatch(batch), knownBodies ?? Array.Empty<string?>(), knownServers);
        }
        catch (Exception ex) when (ex is FormatException or InvalidDataException or IOException or InvalidCastException or ArgumentException)
        {
            throw Malformed(batch.Count > 0 ? batch[0] : null, ex.Message, ex);
        }

        var responses = batch.Select((request, i) => new PlatformResponse(request, result.Answers[i].Status, result.Answers[i].Body)).ToArray();
        return new PlatformBatchOutput(responses, result);
    }

    // The payload line of "@@SHOWCASE-COMPACT <batch> <count>" when a DONE frame follows it; null without one.
    private static string? CompactPayload(string output, string batchId, int count)
    {
        var lines = (output ?? string.Empty).Split(LineBreaks);
        var marker = PlatformCompactRead.CompactMarker + " " + batchId + " " + count.ToString(CultureInfo.InvariantCulture);
        for (var i = 0; i + 2 < lines.Length; i++)
        {
            if (lines[i].TrimEnd('\r') == marker && lines[i + 2].TrimEnd('\r') == PlatformBatchScript.DoneMarker + " " + batchId)
            {
                return lines[i + 1].Trim();
            }
        }

        return null;
    }

    /// <summary>The frames of this batch in the output; every other line is ignored.</summary>
    private static Frames ReadFrames(string output, string batchId)
    {
        var frames = new Frames();
        string? expect = null;
        foreach (var raw in (output ?? string.Empty).Split(LineBreaks))
        {
            var line = raw.TrimEnd('\r');
            if (expect is not null && !line.StartsWith("@@SHOWCASE-", StringComparison.Ordinal))
            {
                if (expect == "bodies")
                {
                    frames.BodiesPayload = line.Trim();
                }
                else
                {
                    frames.ErrorsPayload = line.Trim();
                }

                expect = null;
                continue;
            }

            expect = null;
            var parts = line.StartsWith("@@SHOWCASE-", StringComparison.Ordinal) ? line.Split(Spaces, StringSplitOptions.RemoveEmptyEntries) : Array.Empty<string>();
            if (parts.Length >= 2 && parts[1] == batchId)
            {
                expect = ReadFrame(frames, parts);
            }
        }

        return frames;
    }

    // One marker line; returns what the next line holds ("bodies", "errors") or null.
    private static string? ReadFrame(Frames frames, string[] parts)
    {
        switch (parts[0])
        {
            case PlatformBatchScript.BatchMarker:
                frames.SawStart = true;
                break;
            case PlatformBatchScript.DoneMarker:
                frames.SawDone = true;
                break;
            case PlatformBatchScript.StatusMarker when parts.Length == 5
                && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
                && int.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var status)
                && long.TryParse(parts[4], NumberStyles.None, CultureInfo.InvariantCulture, out var size):
                frames.Statuses[index] = (status, size);
                break;
            case PlatformBatchScript.SameMarker when parts.Length == 3
                && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var same):
                frames.Same.Add(same);
                break;
            case PlatformBatchScript.BodiesMarker when parts.Length == 3:
                frames.BodiesEncoding = parts[2];
                frames.BodiesPayload = string.Empty;
                return "bodies";
            case PlatformBatchScript.ErrorsMarker:
                frames.ErrorsPayload = string.Empty;
                return "errors";
        }

        return null;
    }

    // The responses in order: each status with its share of the concatenated bodies (or the known body when "same").
    private static Dictionary<int, PlatformResponse> Assemble(Frames frames, IReadOnlyList<PlatformRequest> batch, IReadOnlyList<string?>? knownBodies)
    {
        var found = new Dictionary<int, PlatformResponse>();
        var first = batch.Count > 0 ? batch[0] : null;
        var bodies = Decode(frames.BodiesPayload!, frames.BodiesEncoding!, first);
        var curlErrors = new UTF8Encoding(false, false).GetString(Decode(frames.ErrorsPayload!, frames.BodiesEncoding!, first));
        var offset = 0L;
        for (var i = 1; i <= batch.Count && frames.Statuses.TryGetValue(i, out var entry); i++)
        {
            var request = batch[i - 1];
            string body;
            if (frames.Same.Contains(i))
            {
                body = knownBodies is not null && i <= knownBodies.Count && knownBodies[i - 1] is { } known
                    ? known
                    : throw Malformed(request, $"the host reported request #{i} unchanged, but no body was sent for it", null);
            }
            else
            {
                if (offset + entry.Size > bodies.LongLength)
                {
                    throw Malformed(request, $"the bodies are {bodies.LongLength} bytes, fewer than the statuses announce", null);
                }

                body = new UTF8Encoding(false, false).GetString(bodies, (int)offset, (int)entry.Size);
                offset += entry.Size;
            }

            found[i] = entry.Status == 0
                ? new PlatformResponse(request, 0, body.Length > 0 ? body : curlErrors.Trim())
                : new PlatformResponse(request, entry.Status, body);
        }

        return found;
    }

    private static ShowcaseException Missing(IReadOnlyList<PlatformRequest> batch, int[] missing, Frames frames, string? errorOutput)
    {
        var first = batch[missing[0] - 1];
        var why = !frames.SawStart
            ? "the script printed nothing recognisable (it did not start, or its output is not this batch's)"
            : frames.SawDone ? "the output is incomplete" : "the script stopped before the end (failed or was cut short)";
        var detail = string.IsNullOrWhiteSpace(errorOutput) ? string.Empty : " Error output: " + Tail(errorOutput!, 400);
        return new ShowcaseException(
            ShowcaseErrors.PlatformResponseMissing,
            first,
            $"No response for {missing.Length} of {batch.Count} platform request(s), first '{first.Description}' (#{missing[0]}): {why}.{detail}")
        {
            RecommendedAction = "Check that curl and base64 exist on the target host and that the command output is captured in full, then run the command again.",
        };
    }

    private sealed class Frames
    {
        public Dictionary<int, (int Status, long Size)> Statuses { get; } = new();

        public HashSet<int> Same { get; } = new();

        public string? BodiesEncoding { get; set; }

        public string? BodiesPayload { get; set; }

        public string? ErrorsPayload { get; set; }

        public bool SawStart { get; set; }

        public bool SawDone { get; set; }
    }

    private static byte[] Decode(string payload, string encoding, PlatformRequest? request)
    {
        try
        {
            var bytes = Convert.FromBase64String(payload);
            if (encoding == "gzip")
            {
                using var input = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
                using var output = new MemoryStream();
                input.CopyTo(output);
                return output.ToArray();
            }

            return encoding == "plain" ? bytes : throw new FormatException($"unknown encoding '{encoding}'");
        }
        catch (Exception ex) when (ex is FormatException or InvalidDataException or IOException)
        {
            throw Malformed(request, ex.Message, ex);
        }
    }

    private static ShowcaseException Malformed(PlatformRequest? request, string why, Exception? inner) =>
        new(
            ShowcaseErrors.PlatformResponseMalformed,
            request,
            $"The platform batch output could not be decoded: {why}",
            inner);

    private static string Tail(string text, int max) => text.Length <= max ? text.Trim() : "…" + text.Substring(text.Length - max).Trim();
}

/// <summary>A parsed batch: one response per request, and the compact read's result when the host sent one.</summary>
public sealed record PlatformBatchOutput(IReadOnlyList<PlatformResponse> Responses, PlatformCompactResult? Compact);
