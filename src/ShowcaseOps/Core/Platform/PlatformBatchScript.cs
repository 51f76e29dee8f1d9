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
/// (connection refused, timeout) gets status 0 with curl's message as body, and the script goes on.
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
        s.Append("set -eu\n");
        s.Append("umask 077\n");
        s.Append("batch=").Append(batchId).Append('\n');
        s.Append("tmp=$(mktemp -d)\n");
        s.Append("trap 'rm -rf \"$tmp\"' EXIT\n");
        s.Append(options.Compress ? "if command -v gzip >/dev/null 2>&1; then enc=gzip; else enc=plain; fi\n" : "enc=plain\n");
        s.Append("# showcase_call INDEX METHOD URL_BASE64 BODY_BASE64|-\n");
        s.Append("showcase_call() {\n");
        s.Append("  n=$1\n");
        s.Append("  method=$2\n");
        s.Append("  url=$(printf '%s' \"$3\" | base64 -d)\n");
        s.Append("  body=$4\n");
        s.Append("  : > \"$tmp/out\"\n");
        s.Append("  set -- --silent --show-error --globoff --path-as-is --request \"$method\" --output \"$tmp/out\" --write-out '%{http_code}'");
        s.Append(" --connect-timeout ").Append(Seconds(options.ConnectTimeout)).Append(" --max-time ").Append(Seconds(options.RequestTimeout)).Append('\n');
        s.Append("  if [ \"$body\" != - ]; then\n");
        s.Append("    printf '%s' \"$body\" | base64 -d > \"$tmp/body\"\n");
        s.Append("    set -- \"$@\" --header 'Content-Type: application/json' --data-binary @\"$tmp/body\"\n");
        s.Append("  else\n");
        s.Append("    case $method in PUT|POST|PATCH) set -- \"$@\" --header 'Content-Length: 0' ;; esac\n");
        s.Append("  fi\n");
        s.Append("  if status=$(curl \"$@\" --url \"$url\" 2>\"$tmp/err\"); then :; else status=0; cat \"$tmp/err\" > \"$tmp/out\"; fi\n");
        s.Append("  printf '%s %s %s %s %s\\n' '").Append(ResponseMarker).Append("' \"$batch\" \"$n\" \"$status\" \"$enc\"\n");
        s.Append("  if [ \"$enc\" = gzip ]; then gzip -c < \"$tmp/out\" | base64 -w0; else base64 -w0 < \"$tmp/out\"; fi\n");
        s.Append("  printf '\\n%s %s %s\\n' '").Append(EndMarker).Append("' \"$batch\" \"$n\"\n");
        s.Append("  rm -f \"$tmp/out\" \"$tmp/body\" \"$tmp/err\"\n");
        s.Append("}\n");
        s.Append("printf '%s %s %s\\n' '").Append(BatchMarker).Append("' \"$batch\" ").Append(Invariant(requests.Length)).Append('\n');
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

            s.Append("showcase_call ").Append(Invariant(i + 1)).Append(' ').Append(request.Method)
                .Append(" '").Append(Base64(url)).Append("' ")
                .Append(request.JsonBody is null ? "-" : "'" + Base64(request.JsonBody) + "'")
                .Append('\n');
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
