using System;
using System.Collections.Generic;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace ShowcaseOps.Core.Ssm;

/// <summary>
/// Output capture beyond SSM's 24,000 characters: the host saves the script's stdout, gzip+base64 encodes it, and
/// prints a framed first page (length and sha256 included); the runner reads the rest with follow-up page commands
/// and verifies it. Each command also carries the next <see cref="LaneSize"/> characters on stderr (SSM returns its
/// first 8,000), after the script's own stderr, when that is short: a "lane" that makes every command return ~30,400
/// characters instead of 23,000. The saved files are removed once the last page has been printed.
/// </summary>
public sealed class SsmOutputCapture
{
    /// <summary>Base64 characters per page: well under 24,000 once the frame lines are added.</summary>
    public const int PageSize = 23000;

    /// <summary>Base64 characters a command adds on stderr (within SSM's 8,000 with the frame and up to <see cref="LaneRoom"/> bytes of the script's own stderr).</summary>
    public const int LaneSize = 7400;

    /// <summary>The script's own stderr above which no lane is added (it must stay readable, and SSM keeps 8,000 in all).</summary>
    public const int LaneRoom = 400;

    private const string HeaderPrefix = "==showcaseops-output:v1 ";
    private const string PagePrefix = "==showcaseops-page:v1 ";
    private const string EndMarker = "==showcaseops-end==";
    private const string LanePrefix = "==showcaseops-lane:v1 ";
    private static readonly Regex SafeDirectory = new("^/[A-Za-z0-9_./-]+$", RegexOptions.CultureInvariant);
    private static readonly Regex Header = new(@"^==showcaseops-output:v1 id=(?<id>[0-9a-f]+) bytes=(?<bytes>\d+) encoded=(?<encoded>\d+) sha256=(?<sha>[0-9a-f]{64})==$", RegexOptions.CultureInvariant);

    public SsmOutputCapture(string hostDirectory, string? id = null)
    {
        if (!SafeDirectory.IsMatch(hostDirectory ?? string.Empty))
        {
            throw new ArgumentException("The host output directory must be an absolute path of letters, digits, '_', '.', '/' and '-'.", nameof(hostDirectory));
        }

        HostDirectory = hostDirectory!.TrimEnd('/');
        Id = id ?? NewId();
    }

    public string HostDirectory { get; }

    public string Id { get; }

    /// <summary>The encoded output file on the host.</summary>
    public string EncodedPath => HostDirectory + "/" + Id + ".out.b64";

    private string RawPath => HostDirectory + "/" + Id + ".out";

    /// <summary>Writes the wrapper: the body's stdout goes to a file, then the framed first page is printed.</summary>
    internal void AppendWrapper(StringBuilder text, string body)
    {
        var page = PageSize.ToString(CultureInfo.InvariantCulture);
        text.Append("showcaseops_out='").Append(RawPath).Append("'\n");
        text.Append("mkdir -p '").Append(HostDirectory).Append("' && chmod 700 '").Append(HostDirectory).Append("' 2>/dev/null\n");
        text.Append("(\n").Append(body);
        if (!body.EndsWith("\n", StringComparison.Ordinal))
        {
            text.Append('\n');
        }

        text.Append(") > \"$showcaseops_out\" 2> \"$showcaseops_out.err\"\n");
        text.Append("showcaseops_rc=$?\n");
        text.Append("gzip -c \"$showcaseops_out\" | base64 | tr -d '\\n' > \"$showcaseops_out.b64\"\n");
        text.Append("showcaseops_bytes=$(wc -c < \"$showcaseops_out\" | tr -d ' ')\n");
        text.Append("showcaseops_len=$(wc -c < \"$showcaseops_out.b64\" | tr -d ' ')\n");
        text.Append("showcaseops_sha=$(sha256sum \"$showcaseops_out\" | cut -d ' ' -f 1)\n");
        text.Append("rm -f \"$showcaseops_out\"\n");
        text.Append("printf '%s\\n' \"").Append(HeaderPrefix).Append("id=").Append(Id).Append(" bytes=$showcaseops_bytes encoded=$showcaseops_len sha256=$showcaseops_sha==\"\n");
        text.Append("head -c ").Append(page).Append(" \"$showcaseops_out.b64\"\n");
        text.Append("printf '\\n%s\\n' '").Append(EndMarker).Append("'\n");
        text.Append("showcaseops_lane=0\n");
        text.Append("if [ \"$showcaseops_len\" -gt ").Append(page).Append(" ] && [ \"$(wc -c < \"$showcaseops_out.err\" | tr -d ' ')\" -le ").Append(Invariant(LaneRoom)).Append(" ]; then showcaseops_lane=").Append(Invariant(LaneSize)).Append("; fi\n");
        text.Append("cat \"$showcaseops_out.err\" >&2\n");
        text.Append("rm -f \"$showcaseops_out.err\"\n");
        text.Append("if [ \"$showcaseops_lane\" -gt 0 ]; then\n");
        AppendLane(text, "  ", PageSize, "\"$showcaseops_out.b64\"");
        text.Append("fi\n");
        text.Append("[ \"$showcaseops_len\" -gt $((").Append(page).Append(" + showcaseops_lane)) ] || rm -f \"$showcaseops_out.b64\"\n");
        text.Append("exit $showcaseops_rc\n");
    }

    // The lane: the LaneSize characters of the encoded file after offset, framed, on stderr.
    private static void AppendLane(StringBuilder text, string indent, long offset, string file)
    {
        text.Append(indent).Append("printf '\\n%s\\n' '").Append(LanePrefix).Append("offset=").Append(Invariant(offset)).Append("==' >&2\n");
        text.Append(indent).Append("tail -c +").Append(Invariant(offset + 1)).Append(' ').Append(file).Append(" 2>/dev/null | head -c ").Append(Invariant(LaneSize)).Append(" >&2\n");
        text.Append(indent).Append("printf '\\n%s\\n' '").Append(EndMarker).Append("' >&2\n");
    }

    /// <summary>
    /// The follow-up script that prints one page on stdout and the lane after it on stderr, and removes the saved file
    /// once both reach its end.
    /// </summary>
    public string PageScript(long offset)
    {
        var text = new StringBuilder();
        text.Append("f='").Append(EncodedPath).Append("'\n");
        text.Append("[ -f \"$f\" ] || { echo \"showcaseops: the saved output $f is gone\" >&2; exit 3; }\n");
        text.Append("printf '%s\\n' '").Append(PagePrefix).Append("offset=").Append(Invariant(offset)).Append("=='\n");
        // tail's stderr stays out of the lane: where SIGPIPE is ignored it reports the pipe head closed.
        text.Append("tail -c +").Append(Invariant(offset + 1)).Append(" \"$f\" 2>/dev/null | head -c ").Append(Invariant(PageSize)).Append('\n');
        text.Append("printf '\\n%s\\n' '").Append(EndMarker).Append("'\n");
        AppendLane(text, string.Empty, offset + PageSize, "\"$f\"");
        text.Append("[ \"$(wc -c < \"$f\" | tr -d ' ')\" -gt ").Append(Invariant(offset + PageSize + LaneSize)).Append(" ] || rm -f \"$f\"\n");
        return text.ToString();
    }

    /// <summary>The lane a command printed on stderr for <paramref name="offset"/>, and its stderr without it (null lane: none, or cut short).</summary>
    public static (string? Lane, string Stderr) ParseLane(string stderr, long offset)
    {
        stderr ??= string.Empty;
        var marker = "\n" + LanePrefix + "offset=" + Invariant(offset) + "==\n";
        // The lane is printed last: a line like its marker in the script's own stderr comes before it.
        var at = stderr.LastIndexOf(marker, StringComparison.Ordinal);
        if (at < 0)
        {
            return (null, stderr);
        }

        var rest = stderr.Substring(at + marker.Length);
        var end = rest.IndexOf("\n" + EndMarker + "\n", StringComparison.Ordinal);
        var own = stderr.Substring(0, at) + (end < 0 ? string.Empty : rest.Substring(end + EndMarker.Length + 2));
        return (end < 0 ? null : rest.Substring(0, end), own);
    }

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A cleanup script for when paging is abandoned.</summary>
    public string CleanupScript() => "rm -f '" + EncodedPath + "' '" + RawPath + "' '" + RawPath + ".err'\n";

    /// <summary>Parses the first page. Null when the output carries no frame (e.g. the script never reached the end).</summary>
    public static FirstPage? ParseFirstPage(string stdout)
    {
        var lines = (stdout ?? string.Empty).Split('\n');
        for (var i = 0; i < lines.Length - 2; i++)
        {
            var match = Header.Match(lines[i]);
            if (!match.Success)
            {
                continue;
            }

            if (lines[i + 2] != EndMarker)
            {
                return null;
            }

            return new FirstPage(
                match.Groups["id"].Value,
                long.Parse(match.Groups["bytes"].Value, CultureInfo.InvariantCulture),
                long.Parse(match.Groups["encoded"].Value, CultureInfo.InvariantCulture),
                match.Groups["sha"].Value,
                lines[i + 1]);
        }

        return null;
    }

    /// <summary>Parses a follow-up page printed by <see cref="PageScript"/>; null when malformed.</summary>
    public static string? ParsePage(string stdout, long offset)
    {
        var lines = (stdout ?? string.Empty).Split('\n');
        var expected = PagePrefix + "offset=" + offset.ToString(CultureInfo.InvariantCulture) + "==";
        for (var i = 0; i < lines.Length - 2; i++)
        {
            if (lines[i] == expected && lines[i + 2] == EndMarker)
            {
                return lines[i + 1];
            }
        }

        return null;
    }

    /// <summary>Decodes and verifies the whole encoded output; throws <see cref="System.IO.InvalidDataException"/> on a mismatch.</summary>
    public static string Decode(string encoded, long expectedBytes, string expectedSha256)
    {
        byte[] raw;
        try
        {
            raw = SsmCommandEncoder.Gunzip(Convert.FromBase64String(encoded));
        }
        catch (FormatException ex)
        {
            throw new System.IO.InvalidDataException("The captured output is not valid base64: " + ex.Message, ex);
        }

        if (raw.LongLength != expectedBytes)
        {
            throw new System.IO.InvalidDataException($"The captured output has {raw.LongLength} bytes; the host reported {expectedBytes}.");
        }

        using var sha = SHA256.Create();
        var hash = BitConverter.ToString(sha.ComputeHash(raw)).Replace("-", string.Empty).ToLowerInvariant();
        if (!string.Equals(hash, expectedSha256, StringComparison.Ordinal))
        {
            throw new System.IO.InvalidDataException("The captured output does not match the sha256 the host reported.");
        }

        return new UTF8Encoding(false).GetString(raw);
    }

    private static string NewId()
    {
        var bytes = new byte[16];
        using (var random = RandomNumberGenerator.Create())
        {
            random.GetBytes(bytes);
        }

        return BitConverter.ToString(bytes).Replace("-", string.Empty).ToLowerInvariant();
    }

    /// <summary>The framed first page.</summary>
    public sealed class FirstPage
    {
        public FirstPage(string id, long bytes, long encodedLength, string sha256, string content)
        {
            Id = id;
            Bytes = bytes;
            EncodedLength = encodedLength;
            Sha256 = sha256;
            Content = content;
        }

        public string Id { get; }

        public long Bytes { get; }

        public long EncodedLength { get; }

        public string Sha256 { get; }

        public string Content { get; }
    }
}
