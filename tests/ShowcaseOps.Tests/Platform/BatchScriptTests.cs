using System;
using System.IO;
using System.IO.Compression;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using ShowcaseOps.Core;
using ShowcaseOps.Core.Execution;
using ShowcaseOps.Core.Platform;
using Xunit;

namespace ShowcaseOps.Tests.Platform;

public sealed class BatchScriptTests : SandboxTestBase
{
    private static readonly PlatformEndpoints Cluster = PlatformEndpoints.ForCluster("10.0.0.10");

    private static readonly PlatformRequest[] Batch =
    {
        new(PlatformTarget.Consul, "GET", "/v1/agent/services"),
        new(PlatformTarget.Kong, "PUT", "/services/web", "{\"name\":\"web\",\"url\":\"http://vulcand.x:1\",\"tags\":[\"it's $(rm -rf /) `id` \\\"q\\\"\"]}"),
        new(PlatformTarget.Vulcand, "DELETE", "/v2/frontends/web"),
    };

    [Fact]
    public void The_cluster_layout_uses_the_gateway_agent_the_master_and_the_gateway_loopback_admin_port()
    {
        Assert.Equal("http://127.0.0.1:8500/", Cluster.Consul.AbsoluteUri);
        Assert.Equal("http://10.0.0.10:8182/", Cluster.Vulcand.AbsoluteUri);
        Assert.Equal("http://127.0.0.1:8001/", Cluster.Kong.AbsoluteUri);   // Kong serves its Admin API on the gateway's loopback only
        Assert.Equal("http://10.0.0.10:8080/", Cluster.Marathon!.AbsoluteUri);
        Assert.Equal("http://127.0.0.1:8001/services/web", Cluster.UrlFor(Batch[1]));
    }

    [Fact]
    public void The_script_never_contains_request_data_as_shell_text()
    {
        var script = PlatformBatchScript.Create(Cluster, Batch);
        Assert.StartsWith("#!/bin/sh\n", script.Text);
        Assert.Contains("set -eu\n", script.Text);
        Assert.DoesNotContain("$(rm -rf /)", script.Text);
        Assert.DoesNotContain("`id`", script.Text);
        Assert.DoesNotContain("/services/web", script.Text);
        Assert.DoesNotContain("10.0.0.20", script.Text);
        Assert.DoesNotContain("\r", script.Text);
        var lines = script.Text.Split('\n');
        var payloads = lines.Where(l => l.StartsWith("printf '%s' '", StringComparison.Ordinal)).ToArray();
        var payload = Assert.Single(payloads);
        Assert.Matches("^printf '%s' '[A-Za-z0-9+/=]+' \\| base64 -d \\| gzip -dc \\| tar -xf - -C \"\\$tmp\"$", payload);
        Assert.Single(lines, l => l == "curl --config request.conf 2> err || true");
    }

    [Fact]
    public async Task The_script_is_shellcheck_clean()
    {
        if (!File.Exists("/usr/bin/shellcheck") && !File.Exists("/usr/local/bin/shellcheck"))
        {
            return; // build.sh installs shellcheck; a bare dev box may not have it.
        }

        var script = PlatformBatchScript.Create(Cluster, Batch);
        var path = Path.Combine(Path.GetTempPath(), "showcase-shellcheck-" + Guid.NewGuid().ToString("N") + ".sh");
        await File.WriteAllTextAsync(path, script.Text);
        try
        {
            var (stdout, stderr, exit) = await Shell.RunAsync($"shellcheck --shell=sh --severity=style '{path}'", CancellationToken.None, "/bin/sh");
            Assert.True(exit == 0, stdout + stderr);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Unsafe_requests_are_refused_when_the_script_is_made()
    {
        Assert.Throws<ArgumentException>(() => PlatformBatchScript.Create(Cluster, new[] { new PlatformRequest(PlatformTarget.Kong, "GET", "/services/a b") }));
        Assert.Throws<ArgumentException>(() => PlatformBatchScript.Create(Cluster, new[] { new PlatformRequest(PlatformTarget.Kong, "GET", "/services/é") }));
        Assert.Throws<ArgumentException>(() => PlatformBatchScript.Create(Cluster, new[] { new PlatformRequest(PlatformTarget.Kong, "GE T", "/services") }));
    }

    [Fact]
    public void The_parser_ignores_noise_and_reads_both_encodings()
    {
        var script = PlatformBatchScript.Create(Cluster, Batch);
        var id = script.BatchId;
        var first = "{\"a\":1}";
        var second = "conflict ✓";
        var bodies = first + second;
        var output = new StringBuilder()
            .Append("Welcome to the gateway\r\n")
            .Append(CultureInfo.InvariantCulture, $"@@SHOWCASE-BATCH {id} 3\r\n")
            .Append(CultureInfo.InvariantCulture, $"@@SHOWCASE-STATUS someotherbatch 1 500 3\n")
            .Append(CultureInfo.InvariantCulture, $"@@SHOWCASE-STATUS {id} 1 200 {Encoding.UTF8.GetByteCount(first)}\r\n")
            .Append("stray line\n")
            .Append(CultureInfo.InvariantCulture, $"@@SHOWCASE-STATUS {id} 2 409 {Encoding.UTF8.GetByteCount(second)}\n")
            .Append(CultureInfo.InvariantCulture, $"@@SHOWCASE-STATUS {id} 3 000 0\n")
            .Append(CultureInfo.InvariantCulture, $"@@SHOWCASE-BODIES {id} gzip\r\n{Gzip(bodies)}\r\n")
            .Append(CultureInfo.InvariantCulture, $"@@SHOWCASE-ERRORS {id}\n{Gzip("curl: (7) Failed to connect")}\n")
            .Append(CultureInfo.InvariantCulture, $"@@SHOWCASE-DONE {id}\n")
            .ToString();
        var responses = script.ParseOutput(output);
        Assert.Equal(new[] { 200, 409, 0 }, responses.Select(r => r.Status));
        Assert.Equal(first, responses[0].Body);
        Assert.Equal(second, responses[1].Body);
        Assert.Equal("curl: (7) Failed to connect", responses[2].Body);
        Assert.Same(Batch[1], responses[1].Request);

        var plain = output.Replace($"@@SHOWCASE-BODIES {id} gzip\r\n{Gzip(bodies)}", $"@@SHOWCASE-BODIES {id} plain\n{B64(bodies)}").Replace(Gzip("curl: (7) Failed to connect"), B64("curl: (7) Failed to connect"));
        Assert.Equal(second, script.ParseOutput(plain)[1].Body);
    }

    [Fact]
    public void Missing_or_broken_frames_are_clear_errors()
    {
        var script = PlatformBatchScript.Create(Cluster, Batch);
        var id = script.BatchId;
        var truncated = $"@@SHOWCASE-BATCH {id} 3\n@@SHOWCASE-STATUS {id} 1 200 1\n@@SHOWCASE-BODIES {id} plain\n{B64("x")}\n@@SHOWCASE-ERRORS {id}\n\n@@SHOWCASE-DONE {id}\n";
        var missing = Assert.Throws<ShowcaseException>(() => script.ParseOutput(truncated, "curl: not found"));
        Assert.Equal("PlatformResponseMissing", missing.ErrorId);
        Assert.Equal(ShowcaseErrorCategory.ProtocolError, missing.Category);
        Assert.Same(Batch[1], missing.Target);
        Assert.Contains("2 of 3", missing.Message);
        Assert.Contains("curl: not found", missing.Message);

        Assert.Equal("PlatformResponseMissing", Assert.Throws<ShowcaseException>(() => script.ParseOutput(string.Empty)).ErrorId);

        var garbled = $"@@SHOWCASE-BATCH {id} 3\n@@SHOWCASE-STATUS {id} 1 200 1\n@@SHOWCASE-BODIES {id} gzip\n!!notbase64!!\n@@SHOWCASE-ERRORS {id}\n\n@@SHOWCASE-DONE {id}\n";
        Assert.Equal("PlatformResponseMalformed", Assert.Throws<ShowcaseException>(() => script.ParseOutput(garbled)).ErrorId);
    }

    [Fact]
    public async Task Uncompressed_output_works_and_bodies_are_byte_exact()
    {
        var body = "{\"Name\":\"web\",\"Tags\":[\"a\\u0000b\",\"line1\\nline2\",\"日本語 🚀\"]}";
        var channel = new ShellScriptChannel(Endpoints, new PlatformBatchScriptOptions { Compress = false });
        var responses = await channel.SendAsync(new[] { new PlatformRequest(PlatformTarget.Consul, "PUT", "/v1/agent/service/register", body), new PlatformRequest(PlatformTarget.Consul, "GET", "/v1/agent/services") }, NullReporter.Instance, CancellationToken.None);
        Assert.Equal(200, responses[0].Status);
        Assert.Contains(" plain\n", channel.LastOutput, StringComparison.Ordinal);
        Assert.Equal(new[] { "a\0b", "line1\nline2", "日本語 🚀" }, Host.Consul.Services["web"].Tags);
        Assert.Contains("日本語 🚀", responses[1].Body);
    }

    [Fact]
    public async Task A_body_the_caller_already_has_comes_back_as_same_and_a_changed_one_in_full()
    {
        var register = new PlatformRequest(PlatformTarget.Consul, "PUT", "/v1/agent/service/register", "{\"ID\":\"web\",\"Name\":\"web\",\"Port\":80}");
        var read = new PlatformRequest(PlatformTarget.Consul, "GET", "/v1/agent/services");
        var first = (await new ShellScriptChannel(Endpoints).SendAsync(new[] { register, read }, NullReporter.Instance, CancellationToken.None))[1];
        Assert.Contains("\"web\"", first.Body, StringComparison.Ordinal);

        var same = new ShellScriptChannel(Endpoints, new PlatformBatchScriptOptions { KnownBodies = new[] { first.Body } });
        var again = (await same.SendAsync(new[] { read }, NullReporter.Instance, CancellationToken.None))[0];
        Assert.Equal(first.Body, again.Body);
        Assert.Equal(200, again.Status);
        Assert.Contains(PlatformBatchScript.SameMarker + " ", same.LastOutput, StringComparison.Ordinal);

        var stale = new ShellScriptChannel(Endpoints, new PlatformBatchScriptOptions { KnownBodies = new[] { first.Body.Replace("web", "old", StringComparison.Ordinal) } });
        var changed = (await stale.SendAsync(new[] { read }, NullReporter.Instance, CancellationToken.None))[0];
        Assert.Equal(first.Body, changed.Body);
        Assert.DoesNotContain(PlatformBatchScript.SameMarker + " ", stale.LastOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void A_same_frame_for_a_body_that_was_not_sent_is_malformed()
    {
        var batch = new[] { new PlatformRequest(PlatformTarget.Consul, "GET", "/v1/agent/services") };
        var id = "0123456789abcdef0123456789abcdef";
        var output = $"@@SHOWCASE-BATCH {id} 1\n@@SHOWCASE-STATUS {id} 1 200 2\n@@SHOWCASE-SAME {id} 1\n@@SHOWCASE-BODIES {id} plain\n\n@@SHOWCASE-ERRORS {id}\n\n@@SHOWCASE-DONE {id}\n";
        Assert.Equal("PlatformResponseMalformed", Assert.Throws<ShowcaseException>(() => PlatformBatchParser.Parse(output, batch, id)).ErrorId);
        Assert.Equal("{}", PlatformBatchParser.Parse(output, batch, id, null, new[] { "{}" })[0].Body);
    }

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private static string Gzip(string text)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            gzip.Write(bytes, 0, bytes.Length);
        }

        return Convert.ToBase64String(buffer.ToArray());
    }
}
