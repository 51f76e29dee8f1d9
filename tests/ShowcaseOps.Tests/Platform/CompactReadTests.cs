using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using ShowcaseOps.Core;
using ShowcaseOps.Core.Execution;
using ShowcaseOps.Core.Marathon;
using ShowcaseOps.Core.Platform;
using ShowcaseOps.Core.Platform.Compact;
using ShowcaseOps.Core.Sync;
using ShowcaseOps.Tests.Ssm;
using ShowcaseOps.Tests.Sync;
using Xunit;

namespace ShowcaseOps.Tests.Platform;

/// <summary>
/// The compact read (docs/ssm.md): what the readers get from it must be what they get from the whole answers, for every
/// shape the platform can answer; and a host that cannot run it must still be read, in plain frames.
/// </summary>
public sealed class CompactReadTests : IDisposable
{
    private readonly SsmTestSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task Over_SSM_the_readers_get_from_the_compact_read_what_they_get_from_the_whole_answers()
    {
        SeedVariedPlatform();
        using var http = new HttpPlatformChannel(PlatformEndpoints.FromServiceMap(_sandbox.Host.Endpoints));
        var sync = new SyncEngine(http, "service.consul");
        var plan = sync.Plan(await sync.ReadAsync(NullReporter.Instance, CancellationToken.None));
        Assert.All(await sync.ApplyAsync(plan.Changes, NullReporter.Instance, CancellationToken.None), r => Assert.True(r.Succeeded, r.Error));
        await AddHandMadeEntriesAsync(http);

        var whole = await ReadAsync(http);
        var reporter = new VerboseLog();
        var compact = await ReadAsync(_sandbox.AddGatewayChannel(new PlatformBodyCache()), reporter);

        Assert.Contains(reporter.Lines, l => l.Contains("compact read", StringComparison.Ordinal) && l.Contains("read ahead", StringComparison.Ordinal));
        Assert.Equal(Canonical(whole.Apps), Canonical(compact.Apps));
        Assert.Equal(Canonical(whole.State), Canonical(compact.State));
        Assert.Equal(2, compact.State.Rounds);
        Assert.True(whole.State.Services.Count >= 8, "the platform read holds the varied services");
    }

    [Fact]
    public async Task A_fresh_session_reads_1000_registrations_in_at_most_2_SSM_commands()
    {
        _sandbox.Host.Marathon.SeedApps(100, 10);
        using (var http = new HttpPlatformChannel(PlatformEndpoints.FromServiceMap(_sandbox.Host.Endpoints)))
        {
            var writer = new SyncEngine(http, "service.consul");
            var plan = writer.Plan(await writer.ReadAsync(NullReporter.Instance, CancellationToken.None));
            Assert.Equal(1000, plan.DesiredInstances);
            Assert.All(await writer.ApplyAsync(plan.Changes, NullReporter.Instance, CancellationToken.None), r => Assert.True(r.Succeeded, r.Error));
        }

        // A new runspace: no body cache, no hints.
        var mark = new SandboxLogMark(_sandbox.Host);
        var engine = new SyncEngine(_sandbox.AddGatewayChannel(new PlatformBodyCache()), "service.consul");
        var fresh = engine.Plan(await engine.ReadAsync(NullReporter.Instance, CancellationToken.None));
        Assert.Empty(fresh.Changes);
        Assert.Equal(1000, fresh.DesiredInstances);
        Assert.True(mark.Count("ssm", "SendCommand") <= 2, $"{mark.Count("ssm", "SendCommand")} SSM commands for a fresh read of 1,000 registrations");
    }

    [Fact]
    public async Task A_host_without_python3_answers_in_plain_frames_and_is_read_all_the_same()
    {
        SeedVariedPlatform();
        using var http = new HttpPlatformChannel(PlatformEndpoints.FromServiceMap(_sandbox.Host.Endpoints));
        var sync = new SyncEngine(http, "service.consul");
        Assert.All(await sync.ApplyAsync(sync.Plan(await sync.ReadAsync(NullReporter.Instance, CancellationToken.None)).Changes, NullReporter.Instance, CancellationToken.None), r => Assert.True(r.Succeeded, r.Error));
        var whole = await ReadAsync(http);

        var endpoints = PlatformEndpoints.FromServiceMap(_sandbox.Host.Endpoints);
        var withoutPython = new ShellScriptChannel(endpoints, new PlatformBatchScriptOptions { Compact = new PlatformCompactOptions() }) { HidePython = true };
        var plain = await ReadAsync(withoutPython);
        Assert.DoesNotContain(PlatformCompactRead.CompactMarker, withoutPython.LastOutput, StringComparison.Ordinal);
        Assert.Equal(Canonical(whole.State), Canonical(plain.State));

        var withPython = new ShellScriptChannel(endpoints, new PlatformBatchScriptOptions { Compact = new PlatformCompactOptions() });
        _ = await withPython.SendAsync(PlatformReadPlan.Lists(), NullReporter.Instance, CancellationToken.None);
        Assert.Contains(PlatformCompactRead.CompactMarker, withPython.LastOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_shape_the_program_rewrites_decodes_to_what_the_readers_read_from_the_answer()
    {
        var task = "app-a.instance-0b6a1c2d-3e4f-4a5b-8c6d-7e8f90a1b2c3._app.1";
        var bodies = new Dictionary<string, (int Status, string Body)>
        {
            [SyncEngine.MarathonAppsPath] = (200, new JObject
            {
                ["apps"] = new JArray(
                    new JObject
                    {
                        ["id"] = "/app-a", ["instances"] = 2, ["version"] = "2026-01-02T03:04:05.678Z", ["labels"] = new JObject { ["showcaseops.name"] = "ä-name" },
                        ["container"] = new JObject { ["type"] = "DOCKER", ["portMappings"] = new JArray(new JObject { ["containerPort"] = 80, ["name"] = "web", ["servicePort"] = 10001 }) },
                        ["networks"] = new JArray(new JObject { ["mode"] = "container", ["name"] = "weave" }),
                        ["healthChecks"] = new JArray(new JObject { ["protocol"] = "MESOS_HTTP", ["path"] = "/health", ["portIndex"] = 0 }),
                        ["tasks"] = new JArray(
                            new JObject { ["id"] = task, ["appId"] = "/app-a", ["host"] = "10.0.12.5", ["ports"] = new JArray(31001, 31002), ["servicePorts"] = new JArray(10001), ["state"] = "TASK_RUNNING", ["slaveId"] = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9-S1", ["version"] = "2026-01-02T03:04:05.678Z", ["ipAddresses"] = new JArray(new JObject { ["ipAddress"] = "10.32.0.7", ["protocol"] = "IPv4" }), ["healthCheckResults"] = new JArray(new JObject { ["alive"] = true }, new JObject { ["alive"] = false }), ["stagedAt"] = "2026-01-02T03:04:06.000Z" },
                            new JObject { ["id"] = "app-a.ABCDEF01-2345-4678-9ABC-DEF012345678", ["appId"] = "/other", ["host"] = "10.0.12.6", ["ports"] = new JArray(), ["state"] = "TASK_STAGING", ["agentId"] = "agent-7", ["version"] = "2026-01-01T00:00:00Z" },
                            new JObject { ["id"] = "app-a.z", ["appId"] = "/app-a", ["host"] = "10.0.12.7", ["ports"] = new JArray(8080), ["state"] = "TASK_RUNNING", ["slaveId"] = null, ["agentId"] = "agent-8" }),
                    },
                    new JObject { ["id"] = "/no-tasks", ["instances"] = 0, ["cmd"] = "sleep 1", ["cpus"] = 0.25, ["mem"] = 64.5 }),
            }.ToString(Formatting.None)),
            [PlatformReadPlan.ConsulAgentServices] = (200, new JObject
            {
                ["app-a"] = new JObject { ["ID"] = "app-a", ["Service"] = "app-a", ["Tags"] = new JArray("showcaseops"), ["Meta"] = new JObject { ["showcase-role"] = "service" }, ["Address"] = "vulcand.service.consul", ["Port"] = 10001, ["Weights"] = new JObject { ["Passing"] = 1 } },
                ["app-a-" + task] = new JObject { ["ID"] = "app-a-" + task, ["Service"] = "app-a", ["Tags"] = new JArray("showcaseops"), ["Meta"] = new JObject { ["showcase-role"] = "instance", ["showcase-instance"] = task, ["showcase-check"] = "tcp:31002" }, ["Address"] = "10.0.12.5", ["Port"] = 31002 },
                ["odd"] = new JObject { ["ID"] = "odd", ["Service"] = "odd", ["Tags"] = null, ["Meta"] = new JObject { ["note"] = "a \u0001 control character, \u00e9, 0b6a1c2d-3e4f-4a5b-8c6d-7e8f90a1b2c3" }, ["Address"] = "", ["Port"] = 0 },
                ["elsewhere"] = new JObject { ["ID"] = "elsewhere", ["Service"] = "app-a", ["Meta"] = new JObject { ["showcase-instance"] = task }, ["Address"] = "10.9.9.9", ["Port"] = 31001 },
            }.ToString(Formatting.None)),
            ["/v2/hosts"] = (200, "{\"Hosts\":{\"Name\":\"not a list\"}}"),
            ["/v2/backends"] = (200, "{\"Backends\":[{\"Id\":\"app-a\",\"Type\":\"http\",\"Settings\":{}},{\"Id\":\"..\",\"Type\":\"http\"},{\"Id\":\"gone\",\"Type\":\"http\"}]}"),
            ["/v2/frontends"] = (200, "{\"Frontends\":[{\"Id\":\"app-a\",\"Route\":\"Host(\\\"app-a.service.consul\\\") && PathRegexp(\\\"/.*\\\")\",\"Type\":\"http\",\"BackendId\":\"app-a\"}]}"),
            ["/v2/listeners"] = (200, "{\"Listeners\":[{\"Id\":\"app-a\",\"Protocol\":\"http\",\"Address\":{\"Network\":\"tcp\",\"Address\":\"0.0.0.0:10001\"}}]}"),
            ["/services?size=1000"] = (200, "{\"data\":[{\"id\":\"9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d\",\"name\":\"app-a\",\"protocol\":\"http\",\"host\":\"vulcand.service.consul\",\"port\":10001,\"path\":null,\"tags\":[\"showcaseops\"],\"retries\":5}],\"next\":\"/services?offset=abc&size=1000\"}"),
            ["/routes?size=1000"] = (500, "{\"message\":\"An unexpected error occurred\"}"),
        };
        var servers = new Dictionary<string, (int Status, string Body)>
        {
            ["app-a"] = (200, "{\"Servers\":[{\"Id\":\"" + task + "\",\"URL\":\"http://10.0.12.5:31001\"},{\"Id\":\"hand-made\",\"URL\":\"http://[fd00::1]:8080\"},{\"Id\":\"" + task + "\",\"URL\":\"http://10.0.12.6:31001\"},{\"Id\":\"" + task + "\",\"URL\":\"http://10.0.12.5:031001\"},{\"Id\":\"app-a.z\",\"URL\":\"http://10.0.12.7:\u0668\u0660\u0668\u0660\"}]}"),
            [".."] = (200, "{\"Servers\":null}"),
            ["gone"] = (404, "{\"message\":\"Object not found\"}"),
        };

        var requests = new[] { new PlatformRequest(PlatformTarget.Marathon, "GET", SyncEngine.MarathonAppsPath) }.Concat(PlatformReadPlan.Lists()).ToArray();
        var decoded = await CompactProgram.RunAsync(requests, bodies, servers, serversConfMustContain: "v2/backends/%2E%2E/servers");

        for (var i = 0; i < requests.Length; i++)
        {
            var (status, body) = bodies[requests[i].PathAndQuery];
            Assert.Equal(status, decoded.Answers[i].Status);
            if (status != 200)
            {
                Assert.Equal(body, decoded.Answers[i].Body);
            }
        }

        Assert.Equal(
            Canonical(((JArray)JObject.Parse(bodies[SyncEngine.MarathonAppsPath].Body)["apps"]!).Select(a => MarathonClient.ToApp((JObject)a))),
            Canonical(((JArray)JObject.Parse(decoded.Answers[0].Body)["apps"]!).Select(a => MarathonClient.ToApp((JObject)a))));
        Assert.Equal(
            new[] { "..", "app-a", "gone" },
            decoded.Servers.Select(s => s.Backend).OrderBy(b => b, StringComparer.Ordinal));
        foreach (var (backend, status, body, _, _) in decoded.Servers)
        {
            Assert.Equal(servers[backend].Status, status);
            Assert.True(JToken.DeepEquals(JObject.Parse(servers[backend].Body), JObject.Parse(body)), body);
        }

        var whole = await new PlatformStateReader(new FixedChannel(bodies, servers)).ReadAsync(NullReporter.Instance, CancellationToken.None);
        var fromCompact = await new PlatformStateReader(new FixedChannel(
            requests.Skip(1).Select((r, i) => (r.PathAndQuery, decoded.Answers[i + 1])).ToDictionary(x => x.PathAndQuery, x => (x.Item2.Status, x.Item2.Body)),
            decoded.Servers.ToDictionary(s => s.Backend, s => (s.Status, s.Body)))).ReadAsync(NullReporter.Instance, CancellationToken.None);
        Assert.Equal(Canonical(whole), Canonical(fromCompact));
        Assert.Contains(fromCompact.ConsulServices, c => c.Meta.TryGetValue("note", out var note) && note.Contains('\u0001', StringComparison.Ordinal));
        Assert.Contains(fromCompact.VulcandBackends.Single(b => b.Id == "app-a").Servers, v => v.Url == "http://10.0.12.5:031001");
        Assert.Contains(((JArray)JObject.Parse(decoded.Answers[0].Body)["apps"]![0]!["tasks"]!).Select(t => MarathonClient.ToTask((JObject)t)), t => t.Id == "app-a.z" && t.AgentId == "agent-8");
    }

    [Fact]
    public async Task An_unchanged_answer_comes_back_as_same_and_any_change_comes_back_whole()
    {
        _sandbox.Host.Marathon.SeedApps(3, 2);
        using (var http = new HttpPlatformChannel(PlatformEndpoints.FromServiceMap(_sandbox.Host.Endpoints)))
        {
            var writer = new SyncEngine(http, "service.consul");
            Assert.All(await writer.ApplyAsync(writer.Plan(await writer.ReadAsync(NullReporter.Instance, CancellationToken.None)).Changes, NullReporter.Instance, CancellationToken.None), r => Assert.True(r.Succeeded, r.Error));
        }

        var reporter = new VerboseLog();
        var engine = new SyncEngine(_sandbox.AddGatewayChannel(new PlatformBodyCache()), "service.consul");
        var first = await engine.ReadAsync(reporter, CancellationToken.None);
        var again = await engine.ReadAsync(reporter, CancellationToken.None);
        Assert.True(reporter.Lines.Any(l => l.Contains("compact read: 8 of 8 answer(s) unchanged; 3 server list(s) read ahead, 3 of them unchanged", StringComparison.Ordinal) || l.Contains("compact read: 11 of 11 answer(s) unchanged", StringComparison.Ordinal)), string.Join("\n", reporter.Lines.Where(l => l.Contains("compact", StringComparison.Ordinal))));
        Assert.Equal(Canonical(first.Platform), Canonical(again.Platform));

        var taskId = _sandbox.Host.Marathon.TaskIds("/app-001").First();
        Assert.True(_sandbox.Host.Marathon.KillTask(taskId));
        var vulcand = _sandbox.Host.Endpoint("vulcand").ToString().TrimEnd('/');
        using (var client = new System.Net.Http.HttpClient())
        {
            var gone = await client.DeleteAsync(vulcand + "/v2/backends/app-002/servers/" + Uri.EscapeDataString(_sandbox.Host.Marathon.TaskIds("/app-002").First()));
            Assert.True(gone.IsSuccessStatusCode);
        }

        var drifted = engine.Plan(await engine.ReadAsync(reporter, CancellationToken.None));
        Assert.Contains(drifted.Changes, c => c.Service == "app-002" && c.Target == PlatformTarget.Vulcand);
        Assert.Contains(drifted.Changes, c => c.Service == "app-001" && c.InstanceId == taskId);
    }

    [Fact]
    public void A_damaged_compact_frame_is_PlatformResponseMalformed()
    {
        var requests = PlatformReadPlan.Lists();
        var script = PlatformBatchScript.Create(PlatformEndpoints.ForCluster("10.0.12.4"), requests, new PlatformBatchScriptOptions { Compact = new PlatformCompactOptions() });
        var output = PlatformCompactRead.CompactMarker + " " + script.BatchId + " " + requests.Count + "\nH4sIAAAAAAAA/wMAAAAAAAAAAAA=\n" + PlatformBatchScript.DoneMarker + " " + script.BatchId + "\n";
        var error = Assert.Throws<ShowcaseException>(() => script.ParseBatch(output));
        Assert.Equal(ShowcaseErrors.PlatformResponseMalformed.Id, error.ErrorId);
    }

    private static async Task<(IReadOnlyList<MarathonAppInfo> Apps, PlatformState State)> ReadAsync(IPlatformChannel channel, IOperationReporter? reporter = null)
    {
        IReadOnlyList<MarathonAppInfo>? apps = null;
        var state = await new PlatformStateReader(channel).ReadAsync(
            new PlatformReadOptions
            {
                FirstRoundRequests = new[] { new PlatformRequest(PlatformTarget.Marathon, "GET", SyncEngine.MarathonAppsPath, null, "Marathon apps with tasks") },
                OnFirstRoundResponse = r => apps = ((JArray)JObject.Parse(r.Body)["apps"]!).Select(a => MarathonClient.ToApp((JObject)a)).ToArray(),
            },
            reporter ?? NullReporter.Instance,
            CancellationToken.None);
        Assert.Empty(state.Problems);
        return (apps!, state);
    }

    private void SeedVariedPlatform()
    {
        _sandbox.Host.Marathon.SeedApps(4, 3);
        _sandbox.Host.Marathon.SeedApp("""{"id":"/shop/api","instances":2,"labels":{"showcaseops.expose":"true","showcaseops.name":"api","showcaseops.port":"http"},"container":{"type":"DOCKER","docker":{"image":"nginx:1.27-alpine"},"portMappings":[{"containerPort":9000,"hostPort":0,"name":"admin"},{"containerPort":8080,"hostPort":0,"name":"http"}]},"networks":[{"mode":"container/bridge"}],"healthChecks":[{"protocol":"MESOS_HTTP","path":"/health","portIndex":1}]}""");
        _sandbox.Host.Marathon.SeedApp("""{"id":"/ipt","instances":2,"labels":{"showcaseops.expose":"true"},"container":{"type":"DOCKER","docker":{"image":"nginx:1.27-alpine"},"portMappings":[{"containerPort":80,"name":"web"}]},"networks":[{"mode":"container","name":"weave"}]}""");
        _sandbox.Host.Marathon.SeedApp("""{"id":"/hostnet","instances":2,"cmd":"python3 -m http.server $PORT0","labels":{"showcaseops.expose":"true"},"portDefinitions":[{"port":0,"name":"http"},{"port":0,"name":"metrics"}],"networks":[{"mode":"host"}]}""");
        Assert.True(_sandbox.Host.Marathon.SetTaskHealth(_sandbox.Host.Marathon.TaskIds("/shop/api").First(), false, "connection refused"));
    }

    private static async Task AddHandMadeEntriesAsync(HttpPlatformChannel http)
    {
        var answers = await http.SendAsync(
            new[]
            {
                new PlatformRequest(PlatformTarget.Consul, "PUT", "/v1/agent/service/register", """{"ID":"legacy-1","Name":"legacy","Tags":["hand"],"Meta":{"team":"ops é"},"Address":"10.0.12.99","Port":8080}"""),
                new PlatformRequest(PlatformTarget.Vulcand, "POST", "/v2/backends", """{"Backend":{"Id":"legacy","Type":"http"}}"""),
                new PlatformRequest(PlatformTarget.Vulcand, "POST", "/v2/backends/legacy/servers", """{"Server":{"Id":"legacy-1","URL":"http://10.0.12.99:8080"}}"""),
                new PlatformRequest(PlatformTarget.Kong, "PUT", "/services/legacy", """{"protocol":"http","host":"legacy.internal","port":8080,"path":"/v1"}"""),
            },
            NullReporter.Instance,
            CancellationToken.None);
        Assert.All(answers, a => Assert.True(a.Succeeded, a.ToString() + " " + a.Body));
    }

    /// <summary>
    /// A JSON text of the value with every array's items in a fixed order (the compact read keeps sets, not orders), without
    /// what the compact read does not carry (task times, an app's definition: docs/ssm.md) and the read's round count.
    /// </summary>
    internal static string Canonical(object value) => Sorted(JToken.FromObject(value, JsonSerializer.Create(new JsonSerializerSettings { ReferenceLoopHandling = ReferenceLoopHandling.Ignore }))).ToString(Formatting.None);

    private static JToken Sorted(JToken token) => token switch
    {
        JArray array => new JArray(array.Select(Sorted).OrderBy(t => t.ToString(Formatting.None), StringComparer.Ordinal)),
        JObject obj => new JObject(obj.Properties().Where(p => p.Name is not ("Rounds" or "StagedAt" or "StartedAt" or "Definition")).OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => new JProperty(p.Name, Sorted(p.Value)))),
        _ => token,
    };

    private sealed class VerboseLog : IOperationReporter
    {
        public List<string> Lines { get; } = new();

        public void Verbose(string message)
        {
            lock (Lines)
            {
                Lines.Add(message);
            }
        }

        public void Warning(string message) => Verbose(message);

        public void Progress(ProgressUpdate update)
        {
        }

        public void Output(object value)
        {
        }

        public void Failure(ShowcaseException failure)
        {
        }
    }

    /// <summary>Answers from fixed bodies by path (servers by backend id); anything else is 404.</summary>
    private sealed class FixedChannel : IPlatformChannel
    {
        private readonly Dictionary<string, (int Status, string Body)> _bodies;
        private readonly Dictionary<string, (int Status, string Body)> _servers;

        public FixedChannel(Dictionary<string, (int Status, string Body)> bodies, Dictionary<string, (int Status, string Body)> servers)
        {
            _bodies = bodies;
            _servers = servers;
        }

        public string Name => "fixed";

        public Task<IReadOnlyList<PlatformResponse>> SendAsync(IReadOnlyList<PlatformRequest> batch, IOperationReporter reporter, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<PlatformResponse>>(batch.Select(r =>
            {
                (int Status, string Body) found = PlatformReadPlan.ServersBackend(r) is { } backend ? _servers.TryGetValue(backend, out var s) ? s : (404, "{}") : _bodies.TryGetValue(r.PathAndQuery, out var b) ? b : (404, "{}");
                return new PlatformResponse(r, found.Status, found.Body);
            }).ToArray());
    }
}

/// <summary>Runs compact_read.py (the embedded program) over fixed answers in a scratch directory, as the batch script does.</summary>
internal static class CompactProgram
{
    public static async Task<PlatformCompactResult> RunAsync(IReadOnlyList<PlatformRequest> requests, Dictionary<string, (int Status, string Body)> bodies, Dictionary<string, (int Status, string Body)> servers, string? serversConfMustContain = null)
    {
        var dir = Directory.CreateTempSubdirectory("showcase-compact-").FullName;
        try
        {
            var endpoints = PlatformEndpoints.ForCluster("10.0.12.4");
            var script = PlatformBatchScript.Create(endpoints, requests, new PlatformBatchScriptOptions { Compact = new PlatformCompactOptions() });
            var spec = JObject.Parse(Encoding.UTF8.GetString(PlatformCompactRead.Files(endpoints, requests, script.BatchId, new PlatformCompactOptions()).Single(f => f.Key == PlatformCompactRead.SpecFile).Value));
            await File.WriteAllTextAsync(Path.Combine(dir, "spec"), spec.ToString(Formatting.None));
            await File.WriteAllBytesAsync(Path.Combine(dir, PlatformCompactRead.ProgramFile), PlatformCompactRead.Program);
            var status = new StringBuilder();
            for (var i = 0; i < requests.Count; i++)
            {
                var (code, body) = bodies[requests[i].PathAndQuery];
                await File.WriteAllTextAsync(Path.Combine(dir, "o" + (i + 1)), body, new UTF8Encoding(false));
                status.Append("\n@@SHOWCASE-STATUS ").Append(script.BatchId).Append(' ').Append(i + 1).Append(' ').Append(code).Append(' ').Append(Encoding.UTF8.GetByteCount(body)).Append('\n');
            }

            await File.WriteAllTextAsync(Path.Combine(dir, "status"), status.ToString());
            Assert.Equal(0, await PythonAsync(dir, "prefetch"));
            var prefetched = JArray.Parse(await File.ReadAllTextAsync(Path.Combine(dir, "prefetched"))).Select(b => (string)b!).ToArray();
            var pstatus = new StringBuilder();
            for (var n = 0; n < prefetched.Length; n++)
            {
                var (code, body) = servers[prefetched[n]];
                await File.WriteAllTextAsync(Path.Combine(dir, "p" + (n + 1)), body, new UTF8Encoding(false));
                pstatus.Append("\n@@SHOWCASE-STATUS ").Append(script.BatchId).Append(' ').Append(n + 1).Append(' ').Append(code).Append(' ').Append(Encoding.UTF8.GetByteCount(body)).Append('\n');
            }

            if (serversConfMustContain is not null)
            {
                Assert.Contains(serversConfMustContain, await File.ReadAllTextAsync(Path.Combine(dir, "servers.conf")), StringComparison.Ordinal);
            }
            await File.WriteAllTextAsync(Path.Combine(dir, "pstatus"), pstatus.ToString());
            var output = new StringBuilder();
            Assert.Equal(0, await PythonAsync(dir, "encode", output));
            var parsed = script.ParseBatch(output.ToString());
            return parsed.Compact ?? throw new InvalidOperationException("no compact frame: " + output);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    private static async Task<int> PythonAsync(string dir, string phase, StringBuilder? output = null)
    {
        var info = new ProcessStartInfo("python3") { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(PlatformCompactRead.ProgramFile);
        info.ArgumentList.Add(phase);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        output?.Append(await stdout);
        Assert.True(process.ExitCode == 0, await stderr);
        return process.ExitCode;
    }
}
