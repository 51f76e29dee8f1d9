using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

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
}

/// <summary>
/// One POSIX sh script that performs a batch of <see cref="PlatformRequest"/>s in order with curl, on the host that can
/// reach the admin APIs (the gateway, through SSM), and prints one framed record per request:
/// <code>
/// @@SHOWCASE-RESPONSE &lt;batch&gt; &lt;index&gt; &lt;status&gt; &lt;gzip|plain&gt;
/// &lt;response body, base64 on one line&gt;
/// @@SHOWCASE-END &lt;batch&gt; &lt;index&gt;
/// </code>
/// URLs and bodies travel as base64 literals decoded into files or variables at run time: no request data is ever
/// shell text, so no quote, <c>$()</c> or backtick in a name or body can run. A request curl cannot make at all
/// (connection refused, timeout) gets status 0 with curl's messages as body, and the batch goes on. One curl process
/// performs the whole batch (<c>--next</c>), so connections are reused and a 1,000-request batch takes seconds.
/// </summary>
public sealed class PlatformBatchScript
{
    public const string ResponseMarker = "@@SHOWCASE-RESPONSE";
    public const string EndMarker = "@@SHOWCASE-END";
    public const string BatchMarker = "@@SHOWCASE-BATCH";
    public const string DoneMarker = "@@SHOWCASE-DONE";

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
        var s = new StringBuilder();
        s.Append("#!/bin/sh\n");
        s.Append("# ShowcaseOps platform batch ").Append(batchId).Append(": ").Append(Invariant(requests.Length)).Append(" request(s).\n");
        s.Append("# Generated. Every URL and body below is base64 data decoded at run time, never shell text.\n");
        s.Append("# One curl process performs the whole batch (--next), reusing connections.\n");
        s.Append("set -eu\n");
        s.Append("umask 077\n");
        s.Append("batch=").Append(batchId).Append('\n');
        s.Append("tmp=$(mktemp -d)\n");
        s.Append("trap 'rm -rf \"$tmp\"' EXIT\n");
        s.Append(options.Compress ? "if command -v gzip >/dev/null 2>&1; then enc=gzip; else enc=plain; fi\n" : "enc=plain\n");
        s.Append("set --\n");
        var timeouts = " --connect-timeout " + Seconds(options.ConnectTimeout) + " --max-time " + Seconds(options.RequestTimeout);
        for (var i = 0; i < requests.Length; i++)
        {
            var request = requests[i] ?? throw new ArgumentException("The batch contains a null request.", nameof(batch));
            if (request.Method.Length == 0 || !request.Method.All(c => c >= 'A' && c <= 'Z'))
            {
                throw new ArgumentException($"'{request.Method}' is not an HTTP method.", nameof(batch));
            }

            var url = endpoints.UrlFor(request);
            if (url.Any(c => c <= ' ' || c >= 127))
            {
                throw new ArgumentException($"The path of '{request.Description}' must be percent-encoded ASCII without spaces.", nameof(batch));
            }

            var n = Invariant(i + 1);
            s.Append("url=$(printf '%s' '").Append(Base64(url)).Append("' | base64 -d)\n");
            s.Append("set -- \"$@\" --next --globoff --path-as-is --request ").Append(request.Method)
                .Append(" --url \"$url\" --output \"$tmp/o").Append(n).Append("\" --write-out '%{http_code}\\n'").Append(timeouts);
            if (request.JsonBody is null)
            {
                if (request.Method is "PUT" or "POST" or "PATCH")
                {
                    s.Append(" --header 'Content-Length: 0'");
                }

                s.Append('\n');
            }
            else
            {
                s.Append(" --header 'Content-Type: application/json' --header 'Expect:' --data-binary @\"$tmp/b").Append(n).Append("\"\n");
                s.Append("printf '%s' '").Append(Base64(request.JsonBody)).Append("' | base64 -d > \"$tmp/b").Append(n).Append("\"\n");
            }
        }

        s.Append("printf '%s %s %s\\n' '").Append(BatchMarker).Append("' \"$batch\" ").Append(Invariant(requests.Length)).Append('\n');
        if (requests.Length > 0)
        {
            // Drop the leading --next; a transfer curl cannot make prints 000 and curl goes on with the next one.
            s.Append("shift\n");
            s.Append("curl --silent --show-error \"$@\" > \"$tmp/statuses\" 2> \"$tmp/err\" || true\n");
            s.Append("n=0\n");
            s.Append("while [ \"$n\" -lt ").Append(Invariant(requests.Length)).Append(" ]; do\n");
            s.Append("  n=$((n + 1))\n");
            s.Append("  status=$(sed -n \"${n}p\" \"$tmp/statuses\")\n");
            s.Append("  case $status in ''|000) status=0; cat \"$tmp/err\" > \"$tmp/o$n\" ;; esac\n");
            s.Append("  [ -f \"$tmp/o$n\" ] || : > \"$tmp/o$n\"\n");
            s.Append("  printf '%s %s %s %s %s\\n' '").Append(ResponseMarker).Append("' \"$batch\" \"$n\" \"$status\" \"$enc\"\n");
            s.Append("  if [ \"$enc\" = gzip ]; then gzip -c < \"$tmp/o$n\" | base64 -w0; else base64 -w0 < \"$tmp/o$n\"; fi\n");
            s.Append("  printf '\\n%s %s %s\\n' '").Append(EndMarker).Append("' \"$batch\" \"$n\"\n");
            s.Append("  rm -f \"$tmp/o$n\"\n");
            s.Append("done\n");
        }

        s.Append("printf '%s %s\\n' '").Append(DoneMarker).Append("' \"$batch\"\n");
        return new PlatformBatchScript(batchId, s.ToString(), requests);
    }

    /// <summary>Parses what the script printed (see <see cref="PlatformBatchParser"/>).</summary>
    public IReadOnlyList<PlatformResponse> ParseOutput(string output, string? errorOutput = null) =>
        PlatformBatchParser.Parse(output, Requests, BatchId, errorOutput);

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Seconds(TimeSpan span) => Math.Max(1, (int)Math.Ceiling(span.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}
