using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;

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

    public static IReadOnlyList<PlatformResponse> Parse(string output, IReadOnlyList<PlatformRequest> batch, string batchId, string? errorOutput = null)
    {
        if (batch is null)
        {
            throw new ArgumentNullException(nameof(batch));
        }

        var statuses = new Dictionary<int, (int Status, long Size)>();
        string? bodiesEncoding = null;
        string? bodiesPayload = null;
        string? errorsPayload = null;
        string? expect = null;
        var sawStart = false;
        var sawDone = false;
        foreach (var raw in (output ?? string.Empty).Split(LineBreaks))
        {
            var line = raw.TrimEnd('\r');
            if (expect is not null && !line.StartsWith("@@SHOWCASE-", StringComparison.Ordinal))
            {
                if (expect == "bodies")
                {
                    bodiesPayload = line.Trim();
                }
                else
                {
                    errorsPayload = line.Trim();
                }

                expect = null;
                continue;
            }

            expect = null;
            if (!line.StartsWith("@@SHOWCASE-", StringComparison.Ordinal))
            {
                continue;
            }

            var parts = line.Split(Spaces, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 2 || parts[1] != batchId)
            {
                continue;
            }

            switch (parts[0])
            {
                case PlatformBatchScript.BatchMarker:
                    sawStart = true;
                    break;
                case PlatformBatchScript.DoneMarker:
                    sawDone = true;
                    break;
                case PlatformBatchScript.StatusMarker when parts.Length == 5
                    && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
                    && int.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var status)
                    && long.TryParse(parts[4], NumberStyles.None, CultureInfo.InvariantCulture, out var size):
                    statuses[index] = (status, size);
                    break;
                case PlatformBatchScript.BodiesMarker when parts.Length == 3:
                    bodiesEncoding = parts[2];
                    bodiesPayload = string.Empty;
                    expect = "bodies";
                    break;
                case PlatformBatchScript.ErrorsMarker:
                    errorsPayload = string.Empty;
                    expect = "errors";
                    break;
            }
        }

        var found = new Dictionary<int, PlatformResponse>();
        if (bodiesPayload is not null && errorsPayload is not null && sawDone)
        {
            var bodies = Decode(bodiesPayload, bodiesEncoding!, batch.Count > 0 ? batch[0] : null);
            var curlErrors = new UTF8Encoding(false, false).GetString(Decode(errorsPayload, bodiesEncoding!, batch.Count > 0 ? batch[0] : null));
            var offset = 0L;
            for (var i = 1; i <= batch.Count && statuses.TryGetValue(i, out var entry); i++)
            {
                var request = batch[i - 1];
                if (offset + entry.Size > bodies.LongLength)
                {
                    throw Malformed(request, $"the bodies are {bodies.LongLength} bytes, fewer than the statuses announce", null);
                }

                var body = new UTF8Encoding(false, false).GetString(bodies, (int)offset, (int)entry.Size);
                offset += entry.Size;
                found[i] = entry.Status == 0
                    ? new PlatformResponse(request, 0, body.Length > 0 ? body : curlErrors.Trim())
                    : new PlatformResponse(request, entry.Status, body);
            }
        }

        var missing = Enumerable.Range(1, batch.Count).Where(i => !found.ContainsKey(i)).ToArray();
        if (missing.Length > 0)
        {
            var first = batch[missing[0] - 1];
            var why = !sawStart
                ? "the script printed nothing recognisable (it did not start, or its output is not this batch's)"
                : sawDone ? "the output is incomplete" : "the script stopped before the end (failed or was cut short)";
            var detail = string.IsNullOrWhiteSpace(errorOutput) ? string.Empty : " Error output: " + Tail(errorOutput!, 400);
            throw new ShowcaseException(
                "PlatformResponseMissing",
                ShowcaseErrorCategory.ProtocolError,
                first,
                $"No response for {missing.Length} of {batch.Count} platform request(s), first '{first.Description}' (#{missing[0]}): {why}.{detail}")
            {
                RecommendedAction = "Check that curl and base64 exist on the target host and that the command output is captured in full, then run the command again.",
            };
        }

        return Enumerable.Range(1, batch.Count).Select(i => found[i]).ToArray();
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
            "PlatformResponseMalformed",
            ShowcaseErrorCategory.InvalidData,
            request,
            $"The platform batch output could not be decoded: {why}",
            inner);

    private static string Tail(string text, int max) => text.Length <= max ? text.Trim() : "…" + text.Substring(text.Length - max).Trim();
}
