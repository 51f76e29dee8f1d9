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

        var found = new Dictionary<int, PlatformResponse>();
        (int Index, int Status, string Encoding, StringBuilder Payload)? open = null;
        var sawStart = false;
        var sawDone = false;
        foreach (var raw in (output ?? string.Empty).Split(LineBreaks))
        {
            var line = raw.TrimEnd('\r');
            if (line.StartsWith("@@SHOWCASE-", StringComparison.Ordinal))
            {
                var parts = line.Split(Spaces, StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length < 2 || parts[1] != batchId)
                {
                    continue;
                }

                switch (parts[0])
                {
                    case PlatformBatchScript.BatchMarker:
                        sawStart = true;
                        continue;
                    case PlatformBatchScript.DoneMarker:
                        sawDone = true;
                        continue;
                    case PlatformBatchScript.ResponseMarker when parts.Length == 5
                        && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
                        && int.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var status):
                        open = (index, status, parts[4], new StringBuilder());
                        continue;
                    case PlatformBatchScript.EndMarker when parts.Length == 3 && open is { } frame && parts[2] == frame.Index.ToString(CultureInfo.InvariantCulture):
                        if (frame.Index >= 1 && frame.Index <= batch.Count)
                        {
                            var request = batch[frame.Index - 1];
                            found[frame.Index] = new PlatformResponse(request, frame.Status, Decode(frame.Payload.ToString(), frame.Encoding, request));
                        }

                        open = null;
                        continue;
                    default:
                        continue;
                }
            }

            open?.Payload.Append(line.Trim());
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

    private static string Decode(string payload, string encoding, PlatformRequest request)
    {
        try
        {
            var bytes = Convert.FromBase64String(payload);
            if (encoding == "gzip")
            {
                using var input = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
                using var output = new MemoryStream();
                input.CopyTo(output);
                bytes = output.ToArray();
            }
            else if (encoding != "plain")
            {
                throw new FormatException($"unknown encoding '{encoding}'");
            }

            return new UTF8Encoding(false, false).GetString(bytes);
        }
        catch (Exception ex) when (ex is FormatException or InvalidDataException or IOException)
        {
            throw new ShowcaseException(
                "PlatformResponseMalformed",
                ShowcaseErrorCategory.InvalidData,
                request,
                $"The response to '{request.Description}' could not be decoded: {ex.Message}",
                ex);
        }
    }

    private static string Tail(string text, int max) => text.Length <= max ? text.Trim() : "…" + text.Substring(text.Length - max).Trim();
}
