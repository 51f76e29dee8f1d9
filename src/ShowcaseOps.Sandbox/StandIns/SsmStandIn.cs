using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json.Linq;
using ShowcaseOps.Sandbox.Hosting;
using ShowcaseOps.Sandbox.StandIns.Ssm;

namespace ShowcaseOps.Sandbox.StandIns;

/// <summary>
/// Stand-in for the SSM API (AWS JSON 1.1, <c>X-Amz-Target: AmazonSSM.&lt;Op&gt;</c>): Run Command with a per-instance
/// agent, instance registration (DescribeInstanceInformation) and the Parameter Store. Ordinary commands are checked
/// with <c>sh -n</c> and simulated; commands whose comment starts with <see cref="PlatformCommentPrefix"/> run for real
/// with <c>/bin/sh</c> on this machine, with curl pointed at the sandbox's platform stand-ins. See docs/ssm.md.
/// </summary>
public sealed partial class SsmStandIn : StandIn, IDisposable
{
    /// <summary>Commands whose comment starts with this run for real (they talk to the platform admin APIs).</summary>
    public const string PlatformCommentPrefix = "showcaseops:platform";

    public const int MaxInstanceIdsPerCommand = 50;
    public const int MaxCommentLength = 100;
    public const int StandardOutputLimit = 24000;
    public const int StandardErrorLimit = 8000;
    public const int DetailsOutputLimit = 2500;
    public const string AccountId = "123456789012";
    public const string PluginName = "aws:runShellScript";

    private readonly ConcurrentDictionary<string, SsmCommandRecord> _commands = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _offline = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Task, byte> _running = new();
    private ConcurrentDictionary<string, SemaphoreSlim> _agents = new(StringComparer.Ordinal);
    private readonly object _curlGate = new();
    private string? _curlHome;
    private long _sequence;

    public SsmStandIn() => ResetSettings();

    public override string Service => "ssm";

    /// <summary>Injected outcomes per instance or command.</summary>
    public SsmBehaviorList Behaviors { get; } = new();

    /// <summary>The Parameter Store (seeded with the public AMI parameters).</summary>
    public SsmParameterStore Parameters { get; } = new();

    /// <summary>Eventual consistency: the first N <c>GetCommandInvocation</c> calls per invocation answer <c>InvocationDoesNotExist</c> (default 1).</summary>
    public int InvocationNotFoundCalls { get; set; }

    /// <summary>Eventual consistency: for this long after <c>SendCommand</c>, <c>GetCommandInvocation</c> answers <c>InvocationDoesNotExist</c> (default 0).</summary>
    public TimeSpan InvocationNotFoundWindow { get; set; }

    /// <summary>Upper bound for a platform operation run for real (the command's <c>executionTimeout</c> applies too).</summary>
    public TimeSpan PlatformScriptTimeout { get; set; }

    /// <summary>Total size (UTF-8 bytes) of the document parameters above which SendCommand is refused (64 KB; the exact AWS figure is unconfirmed).</summary>
    public int MaxParametersSize { get; set; }

    /// <summary>Every command received, oldest first.</summary>
    public IReadOnlyList<SsmCommandRecord> Commands => _commands.Values.OrderBy(c => c.RequestedAt).ThenBy(c => c.CommandId, StringComparer.Ordinal).ToArray();

    public SsmCommandRecord? GetCommand(string commandId) => _commands.TryGetValue(commandId, out var c) ? c : null;

    /// <summary>Every invocation (optionally of one instance), oldest first.</summary>
    public IReadOnlyList<SsmInvocationRecord> Invocations(string? instanceId = null) =>
        Commands.SelectMany(c => c.Invocations).Where(i => instanceId is null || i.InstanceId == instanceId).ToArray();

    /// <summary>Keeps an instance's agent from registering (it never comes Online; commands to it are refused).</summary>
    public void SetAgentOffline(string instanceId, bool offline = true)
    {
        if (offline)
        {
            _offline[instanceId] = 0;
        }
        else
        {
            _offline.TryRemove(instanceId, out _);
        }
    }

    /// <summary>Waits until no invocation is running or queued (for tests).</summary>
    public async Task WaitForIdleAsync(TimeSpan timeout)
    {
        var all = Task.WhenAll(_running.Keys.ToArray());
        if (await Task.WhenAny(all, Task.Delay(timeout)).ConfigureAwait(false) != all)
        {
            throw new TimeoutException("SSM invocations still running after " + timeout);
        }
    }

    public override RequestIdentity Identify(SandboxRequest request)
    {
        var header = request.Headers["X-Amz-Target"] ?? "AmazonSSM.Unknown";
        var dot = header.LastIndexOf('.');
        var operation = dot < 0 ? header : header.Substring(dot + 1);
        var target = string.Empty;
        try
        {
            var body = string.IsNullOrWhiteSpace(request.BodyText) ? new JObject() : JObject.Parse(request.BodyText);
            target = operation switch
            {
                "SendCommand" => string.Join(",", SsmJson.Strings(body, "InstanceIds")),
                "GetCommandInvocation" => SsmJson.String(body, "CommandId") + "/" + SsmJson.String(body, "InstanceId"),
                "CancelCommand" or "ListCommands" or "ListCommandInvocations" => SsmJson.String(body, "CommandId") ?? string.Empty,
                "GetParameter" or "PutParameter" or "DeleteParameter" => SsmJson.String(body, "Name") ?? string.Empty,
                "GetParameters" or "DeleteParameters" => string.Join(",", SsmJson.Strings(body, "Names")),
                "GetParametersByPath" => SsmJson.String(body, "Path") ?? string.Empty,
                _ => string.Empty,
            };
        }
        catch (Newtonsoft.Json.JsonException)
        {
        }

        return new(operation, target);
    }

    public override Task<SandboxResponse> HandleAsync(SandboxRequest request, RequestIdentity identity, CancellationToken cancellationToken)
    {
        try
        {
            // Every AWS API refuses an unsigned request (the SDK signs; a host script signs with curl --aws-sigv4).
            if (!(request.Headers["Authorization"] ?? string.Empty).StartsWith("AWS4-HMAC-SHA256 Credential=", StringComparison.Ordinal))
            {
                throw new SsmApiException("MissingAuthenticationTokenException", "Missing Authentication Token");
            }

            var body = SsmJson.Parse(request);
            var response = identity.Operation switch
            {
                "SendCommand" => SendCommand(body),
                "ListCommands" => ListCommands(body),
                "GetCommandInvocation" => GetCommandInvocation(body),
                "ListCommandInvocations" => ListCommandInvocations(body),
                "CancelCommand" => CancelCommand(body),
                "DescribeInstanceInformation" => DescribeInstanceInformation(body),
                "GetParameter" => GetParameter(body),
                "GetParameters" => GetParameters(body),
                "PutParameter" => PutParameter(body),
                "DeleteParameter" => DeleteParameter(body),
                "GetParametersByPath" => GetParametersByPath(body),
                "DeleteParameters" => DeleteParameters(body),
                _ => throw new SsmApiException("UnknownOperationException", $"The operation {identity.Operation} is not supported by the sandbox."),
            };
            return Task.FromResult(response);
        }
        catch (SsmApiException ex)
        {
            return Task.FromResult(AwsErrors.Json(ex.Status, ex.Code, ex.Message));
        }
    }

    public override SandboxResponse FaultResponse(FaultSpec fault) =>
        AwsErrors.Json(AwsErrors.StatusFor(fault.ErrorCode ?? "InternalServerError", fault.HttpStatus), fault.ErrorCode ?? "InternalServerError", fault.Message ?? "injected failure");

    public override void Reset()
    {
        CancelAll();
        _commands.Clear();
        _offline.Clear();
        _agents = new ConcurrentDictionary<string, SemaphoreSlim>(StringComparer.Ordinal);
        Behaviors.Clear();
        Parameters.Reset();
        ResetSettings();
    }

    public void Dispose()
    {
        CancelAll();
        lock (_curlGate)
        {
            if (_curlHome is not null)
            {
                ShellRunner.TryDelete(_curlHome);
                _curlHome = null;
            }
        }
    }

    /// <summary>
    /// The environment a platform operation runs with. A <c>curl</c> wrapper comes first on PATH: it rewrites every
    /// http(s) URL in its arguments and in <c>--config</c> files, so any host's :8500/:8182/:8001/:8080 goes to the
    /// Consul/Vulcand/Kong/Marathon stand-in on loopback and ANY other URL to a closed loopback port. The exact script
    /// that would run on the gateway thus reaches the stand-ins, and nothing it does can leave this machine (curl's
    /// <c>connect-to</c> in a .curlrc was not enough: options from a config file apply to the first URL only, and a
    /// batch's further <c>--next</c> transfers went to the real cluster addresses).
    /// </summary>
    public IReadOnlyDictionary<string, string> PlatformEnvironment()
    {
        lock (_curlGate)
        {
            if (_curlHome is null)
            {
                var dir = ShellRunner.CreateTempDirectory("curl-");
                var bin = Path.Combine(dir, "bin");
                Directory.CreateDirectory(bin);
                var wrapper = Path.Combine(bin, "curl");
                File.WriteAllText(wrapper, CurlWrapper(RealCurl()));
                ShellRunner.MakeExecutable(wrapper);
                _curlHome = dir;
            }

            return new Dictionary<string, string>
            {
                ["CURL_HOME"] = _curlHome,
                ["PATH"] = Path.Combine(_curlHome, "bin") + Path.PathSeparator + (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin"),
                ["no_proxy"] = "*",
                ["NO_PROXY"] = "*",
                ["SHOWCASEOPS_SANDBOX"] = "1",
            };
        }
    }

    private string CurlWrapper(string realCurl)
    {
        var sed = new System.Text.StringBuilder();
        foreach (var pair in SandboxHost.RealPorts)
        {
            sed.Append(" -e 's#https\\{0,1\\}://[^/\"'\"'\"' ]*:").Append(pair.Value.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .Append("\\([/?\"'\"'\"' ]\\|$\\)#sandbox://127.0.0.1:").Append(Host.Endpoint(pair.Key).Port.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append("\\1#g'");
        }

        var imdsPort = Host.ImdsEndpoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var ssmPort = Host.Endpoint("ssm").Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return "#!/bin/sh\n"
            + "# ShowcaseOps sandbox curl: platform ports go to the loopback stand-ins, the instance metadata service to this\n"
            + "# instance's IMDS stand-in, the SSM endpoint to the SSM stand-in, every other URL to a closed loopback port.\n"
            + "set -eu\n"
            + "real='" + realCurl.Replace("'", string.Empty) + "'\n"
            + "imds_to=\"sandbox://127.0.0.1:" + imdsPort + "/${SHOWCASEOPS_INSTANCE_ID:-none}\"\n"
            + "rewrite() {\n"
            + "  sed -e \"s#http://169[.]254[.]169[.]254#${imds_to}#g\" -e 's#https\\{0,1\\}://ssm[.][a-z0-9-]*[.]amazonaws[.]com#sandbox://127.0.0.1:" + ssmPort + "#g'"
            + sed + " -e 's#https\\{0,1\\}://[^/\"'\"'\"' ]*#http://127.0.0.1:9#g' -e 's#sandbox://#http://#g'\n"
            + "}\n"
            + "# Security groups: URLs of hosts this instance may not reach go to the closed port first, and are noted.\n"
            + "sg_rewrite() {\n"
            + "  if [ -s \"${SHOWCASEOPS_SG_RULES:-}\" ]; then sed -f \"$SHOWCASEOPS_SG_RULES\"; else cat; fi\n"
            + "}\n"
            + "sg_note() {\n"
            + "  if [ -s \"${SHOWCASEOPS_SG_MATCH:-}\" ]; then sed -n -f \"$SHOWCASEOPS_SG_MATCH\" >> \"$SHOWCASEOPS_SG_LOG\" || true; else cat > /dev/null; fi\n"
            + "}\n"
            + "count=$#\n"
            + "config=0\n"
            + "made=''\n"
            + "while [ \"$count\" -gt 0 ]; do\n"
            + "  a=$1\n"
            + "  shift\n"
            + "  count=$((count - 1))\n"
            + "  if [ \"$config\" = 1 ]; then\n"
            + "    t=$(mktemp)\n"
            + "    made=\"$made $t\"\n"
            + "    sg_note < \"$a\"\n"
            + "    sg_rewrite < \"$a\" | rewrite > \"$t\"\n"
            + "    set -- \"$@\" \"$t\"\n"
            + "    config=0\n"
            + "    continue\n"
            + "  fi\n"
            + "  case $a in\n"
            + "    -K|--config) config=1; set -- \"$@\" \"$a\" ;;\n"
            + "    *://*) printf '%s\\n' \"$a\" | sg_note; set -- \"$@\" \"$(printf '%s' \"$a\" | sg_rewrite | rewrite)\" ;;\n"
            + "    *) set -- \"$@\" \"$a\" ;;\n"
            + "  esac\n"
            + "done\n"
            + "rc=0\n"
            + "\"$real\" -q \"$@\" || rc=$?\n"
            + "for t in $made; do rm -f \"$t\"; done\n"
            + "exit \"$rc\"\n";
    }

    private static string RealCurl()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(Path.PathSeparator))
        {
            var candidate = Path.Combine(dir, "curl");
            if (dir.Length > 0 && File.Exists(candidate) && !candidate.Contains("showcaseops"))
            {
                return candidate;
            }
        }

        return "/usr/bin/curl";
    }

    private void ResetSettings()
    {
        InvocationNotFoundCalls = 1;
        InvocationNotFoundWindow = TimeSpan.Zero;
        PlatformScriptTimeout = TimeSpan.FromMinutes(2);
        MaxParametersSize = 64 * 1024;
    }

    private void CancelAll()
    {
        foreach (var command in _commands.Values)
        {
            foreach (var invocation in command.Invocations)
            {
                invocation.RequestCancel();
            }
        }
    }

    private string NewCommandId()
    {
        var n = Interlocked.Increment(ref _sequence);
        var g = Guid.NewGuid().ToString("D");
        return g.Substring(0, 24) + n.ToString("x12", System.Globalization.CultureInfo.InvariantCulture);
    }
}
