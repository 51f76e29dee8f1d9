using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using ShowcaseOps.Core.Platform.Compact;

namespace ShowcaseOps.Core.Platform;

/// <summary>Options of a generated batch script.</summary>
public sealed class PlatformBatchScriptOptions
{
    /// <summary>curl <c>--max-time</c> per request.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>curl <c>--connect-timeout</c> per request.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>gzip each response body before base64 when the host has gzip (the frame says which).</summary>
    public bool Compress { get; init; } = true;

    /// <summary>
    /// The body this side already has for each request (by index; null or missing: none). The host prints a "same" frame
    /// instead of a body whose sha256 matches, and the parser answers with the known body.
    /// </summary>
    public IReadOnlyList<string?> KnownBodies { get; init; } = Array.Empty<string?>();

    /// <summary>
    /// The cluster whose Consul token and Marathon credentials the script reads on the host with its instance role
    /// (see <see cref="Services.HostParameterScript.AppendPlatformCredentials"/>) and sends with the Consul and Marathon
    /// requests; null sends none. The secrets are never part of the script.
    /// </summary>
    public string? SecretsCluster { get; init; }

    /// <summary>
    /// Ask the host for a compact read (<see cref="PlatformCompactRead"/>); null: plain frames. With it,
    /// <see cref="KnownBodies"/> are the bodies of earlier compact answers and answer the ones the host calls "same".
    /// </summary>
    public PlatformCompactOptions? Compact { get; init; }
}

/// <summary>
/// One POSIX sh script that performs a batch of <see cref="PlatformRequest"/>s in order with one curl process, on the
/// host that can reach the admin APIs (the gateway, through SSM). The requests travel as one base64 gzip'd tar (a curl
/// config and the bodies as files), unpacked at run time: no request data is ever shell text, so no quote, <c>$()</c>
/// or backtick in a name or body can run, and curl reads bodies from files (never <c>@</c>-interpreted text).
/// It prints:
/// <code>
/// @@SHOWCASE-BATCH &lt;batch&gt; &lt;count&gt;
/// @@SHOWCASE-STATUS &lt;batch&gt; &lt;index&gt; &lt;http status, 000 when curl could not make the call&gt; &lt;body bytes&gt;   (one per request)
/// @@SHOWCASE-SAME &lt;batch&gt; &lt;index&gt;   (a request whose body matches the sha256 sent in <see cref="PlatformBatchScriptOptions.KnownBodies"/>: not printed again)
/// @@SHOWCASE-BODIES &lt;batch&gt; &lt;gzip|plain&gt;
/// &lt;the bodies, concatenated in order, base64 on one line&gt;
/// @@SHOWCASE-ERRORS &lt;batch&gt;
/// &lt;curl's stderr, base64&gt;
/// @@SHOWCASE-DONE &lt;batch&gt;
/// </code>
/// A request curl cannot make (connection refused, timeout) gets status 0 with curl's messages as body; the batch goes on.
/// </summary>
public sealed class PlatformBatchScript
{
    public const string BatchMarker = "@@SHOWCASE-BATCH";
    public const string StatusMarker = "@@SHOWCASE-STATUS";
    public const string BodiesMarker = "@@SHOWCASE-BODIES";
    public const string ErrorsMarker = "@@SHOWCASE-ERRORS";
    public const string DoneMarker = "@@SHOWCASE-DONE";
    public const string SameMarker = "@@SHOWCASE-SAME";

    private PlatformBatchScript(string batchId, string text, IReadOnlyList<PlatformRequest> requests)
    {
        BatchId = batchId;
        Text = text;
        Requests = requests;
    }

    /// <summary>A random id printed in every frame, so output from anything else cannot be mistaken for a response.</summary>
    public string BatchId { get; }

    /// <summary>The script (LF line endings, <c>set -eu</c>, shellcheck-clean).</summary>
    public string Text { get; }

    public IReadOnlyList<PlatformRequest> Requests { get; }

    public static PlatformBatchScript Create(PlatformEndpoints endpoints, IReadOnlyList<PlatformRequest> batch, PlatformBatchScriptOptions? options = null)
    {
        if (endpoints is null)
        {
            throw new ArgumentNullException(nameof(endpoints));
        }

        if (batch is null)
        {
            throw new ArgumentNullException(nameof(batch));
        }

        options ??= new PlatformBatchScriptOptions();
        var batchId = Guid.NewGuid().ToString("N");
        var requests = batch.ToArray();
        var known = KnownBodies(options, requests.Length);
        var files = new List<KeyValuePair<string, byte[]>>();
        var config = new StringBuilder();
        config.Append("silent\nshow-error\n");
        for (var i = 0; i < requests.Length; i++)
        {
            var request = requests[i] ?? throw new ArgumentException("The batch contains a null request.", nameof(batch));
            AppendRequestConfig(config, files, request, CheckedUrl(endpoints, request, nameof(batch)), i + 1, batchId, options);
        }

        files.Insert(0, new KeyValuePair<string, byte[]>("request.conf", Encoding.ASCII.GetBytes(config.ToString())));
        if (options.Compact is { } compact)
        {
            files.AddRange(PlatformCompactRead.Files(endpoints, requests, batchId, compact));
        }

        var digests = options.Compact is null ? KnownDigests(known) : string.Empty;
        if (digests.Length > 0)
        {
            files.Add(new KeyValuePair<string, byte[]>("known", Encoding.ASCII.GetBytes(digests)));
        }

        var payload = Convert.ToBase64String(TarArchive.CreateGzip(files));
        var s = new StringBuilder();
        AppendPrologue(s, batchId, requests, payload, options);
        if (requests.Length > 0 && options.Compact is not null)
        {
            PlatformCompactRead.AppendScript(s);
        }
        else if (requests.Length > 0)
        {
            // A transfer curl cannot make writes status 000 and curl goes on with the next one.
            AppendCurlInvocation(s);
        }
        else
        {
            s.Append(": > err\n");
        }

        if (digests.Length > 0)
        {
            AppendSameBodies(s, batchId);
        }

        AppendOutput(s, batchId, requests.Length, options);
        return new PlatformBatchScript(batchId, s.ToString(), requests) { Known = known, CompactRequested = options.Compact is not null };
    }

    /// <summary>The batch asked for a compact read (its output may hold a compact frame instead of the plain ones).</summary>
    public bool CompactRequested { get; private init; }

    /// <summary>The body each request already has on this side (by index, null for none), from the options.</summary>
    internal IReadOnlyList<string?> Known { get; private init; } = Array.Empty<string?>();

    private static string?[] KnownBodies(PlatformBatchScriptOptions options, int count)
    {
        var known = new string?[count];
        for (var i = 0; i < count && i < options.KnownBodies.Count; i++)
        {
            known[i] = options.KnownBodies[i];
        }

        return known;
    }

    // "<index> <sha256>" per request whose body this side already has: the host answers "same" when it still matches.
    private static string KnownDigests(string?[] known)
    {
        var text = new StringBuilder();
        for (var i = 0; i < known.Length; i++)
        {
            if (known[i] is { } body)
            {
                text.Append(Invariant(i + 1)).Append(' ').Append(PlatformBodyCache.Digest(body)).Append('\n');
            }
        }

        return text.ToString();
    }

    private static string CheckedUrl(PlatformEndpoints endpoints, PlatformRequest request, string paramName)
    {
        if (request.Method.Length == 0 || !request.Method.All(c => c >= 'A' && c <= 'Z'))
        {
            throw new ArgumentException($"'{request.Method}' is not an HTTP method.", paramName);
        }

        var url = endpoints.UrlFor(request);
        if (url.Any(c => c <= ' ' || c >= 127 || c == '"' || c == '\\'))
        {
            throw new ArgumentException($"The path of '{request.Description}' must be percent-encoded ASCII without spaces.", paramName);
        }

        return url;
    }

    // One transfer of the curl config (curl's "next" separates them); a body travels as a file of the archive.
    private static void AppendRequestConfig(StringBuilder config, List<KeyValuePair<string, byte[]>> files, PlatformRequest request, string url, int index, string batchId, PlatformBatchScriptOptions options)
    {
        var n = Invariant(index);
        if (index > 1)
        {
            config.Append("next\n");
        }

        config.Append("url = \"").Append(url).Append("\"\n");
        config.Append("request = \"").Append(request.Method).Append("\"\n");
        config.Append("globoff\npath-as-is\n");
        config.Append("output = \"o").Append(n).Append("\"\n");
        // The format starts with a newline: a write-out beginning with '@' would name a file to read the format from.
        config.Append("write-out = \"\\n").Append(StatusMarker).Append(' ').Append(batchId).Append(' ').Append(n).Append(" %{http_code} %{size_download}\\n\"\n");
        config.Append("connect-timeout = ").Append(Seconds(options.ConnectTimeout)).Append('\n');
        config.Append("max-time = ").Append(Seconds(options.RequestTimeout)).Append('\n');
        config.Append(Services.HostParameterScript.AuthConfigLine(options.SecretsCluster, request.Target));
        if (request.JsonBody is null)
        {
            if (request.Method is "PUT" or "POST" or "PATCH")
            {
                config.Append("header = \"Content-Length: 0\"\n");
            }
        }
        else
        {
            files.Add(new KeyValuePair<string, byte[]>("b" + n, Encoding.UTF8.GetBytes(request.JsonBody)));
            config.Append("header = \"Content-Type: application/json\"\nheader = \"Expect:\"\n");
            config.Append("data-binary = \"@b").Append(n).Append("\"\n");
        }
    }

    private static void AppendPrologue(StringBuilder s, string batchId, PlatformRequest[] requests, string payload, PlatformBatchScriptOptions options)
    {
        var count = requests.Length;
        s.Append("#!/bin/sh\n");
        s.Append("# ShowcaseOps platform batch ").Append(batchId).Append(": ").Append(Invariant(count)).Append(" request(s).\n");
        s.Append("# Generated. The requests (a curl config and the bodies) are one base64 archive unpacked at run time:\n");
        s.Append("# no request data is ever shell text. One curl process performs the whole batch, reusing connections.\n");
        s.Append("set -eu\n");
        s.Append("umask 077\n");
        s.Append("tmp=$(mktemp -d)\n");
        s.Append("trap 'rm -rf \"$tmp\"' EXIT\n");
        Services.HostParameterScript.AppendPlatformCredentials(s, options.SecretsCluster, requests.Select(r => r.Target));
        s.Append("printf '%s' '").Append(payload).Append("' | base64 -d | gzip -dc | tar -xf - -C \"$tmp\"\n");
        s.Append("cd \"$tmp\"\n");
        s.Append("printf '%s\\n' '").Append(BatchMarker).Append(' ').Append(batchId).Append(' ').Append(Invariant(count)).Append("'\n");
    }

    /// <summary>The one curl invocation of the batch (the requests are in <c>request.conf</c>).</summary>
    private static void AppendCurlInvocation(StringBuilder s) =>
        s.Append("curl --config request.conf 2> err || true\n");

    // A body whose sha256 is the one this side sent is not printed again: "same" frame, the file set aside.
    private static void AppendSameBodies(StringBuilder s, string batchId)
    {
        s.Append("while read -r n want; do\n");
        s.Append("  if [ -f \"o$n\" ] && [ \"$(sha256sum < \"o$n\" | cut -d ' ' -f 1)\" = \"$want\" ]; then\n");
        s.Append("    printf '%s %s\\n' '").Append(SameMarker).Append(' ').Append(batchId).Append("' \"$n\"\n");
        s.Append("    mv \"o$n\" \"s$n\"\n");
        s.Append("  fi\n");
        s.Append("done < known\n");
    }

    private static void AppendOutput(StringBuilder s, string batchId, int count, PlatformBatchScriptOptions options)
    {
        s.Append("set --\n");
        s.Append("n=0\n");
        s.Append("while [ \"$n\" -lt ").Append(Invariant(count)).Append(" ]; do\n");
        s.Append("  n=$((n + 1))\n");
        s.Append("  if [ -f \"o$n\" ]; then set -- \"$@\" \"o$n\"; fi\n");
        s.Append("done\n");
        s.Append(options.Compress ? "if command -v gzip >/dev/null 2>&1; then enc=gzip; else enc=plain; fi\n" : "enc=plain\n");
        s.Append("printf '%s %s\\n' '").Append(BodiesMarker).Append(' ').Append(batchId).Append("' \"$enc\"\n");
        s.Append("if [ \"$enc\" = gzip ]; then\n");
        s.Append("  if [ \"$#\" -gt 0 ]; then cat \"$@\"; fi | gzip -c | base64 -w0\n");
        s.Append("  printf '\\n%s\\n' '").Append(ErrorsMarker).Append(' ').Append(batchId).Append("'\n");
        s.Append("  gzip -c < err | base64 -w0\n");
        s.Append("else\n");
        s.Append("  if [ \"$#\" -gt 0 ]; then cat \"$@\"; fi | base64 -w0\n");
        s.Append("  printf '\\n%s\\n' '").Append(ErrorsMarker).Append(' ').Append(batchId).Append("'\n");
        s.Append("  base64 -w0 < err\n");
        s.Append("fi\n");
        s.Append("printf '\\n%s\\n' '").Append(DoneMarker).Append(' ').Append(batchId).Append("'\n");
    }

    /// <summary>Parses what the script printed (see <see cref="PlatformBatchParser"/>).</summary>
    public IReadOnlyList<PlatformResponse> ParseOutput(string output, string? errorOutput = null) =>
        ParseBatch(output, errorOutput).Responses;

    /// <summary>Parses the output, compact frame included (see <see cref="PlatformBatchParser.ParseBatch"/>).</summary>
    public PlatformBatchOutput ParseBatch(string output, string? errorOutput = null, IReadOnlyDictionary<string, string>? knownServers = null) =>
        PlatformBatchParser.ParseBatch(output, Requests, BatchId, errorOutput, Known, knownServers);

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Seconds(TimeSpan span) => Math.Max(1, (int)Math.Ceiling(span.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}
