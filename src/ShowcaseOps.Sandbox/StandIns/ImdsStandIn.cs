using System;
using System.Collections.Concurrent;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json.Linq;
using ShowcaseOps.Sandbox.Hosting;

namespace ShowcaseOps.Sandbox.StandIns;

/// <summary>
/// Stand-in for the EC2 instance metadata service (IMDSv2), one per instance: the SSM stand-in's curl wrapper sends
/// <c>http://169.254.169.254/…</c> of a script running "on" instance X to <c>/&lt;X&gt;/…</c> here. Answers
/// <c>PUT /latest/api/token</c> (needs <c>X-aws-ec2-metadata-token-ttl-seconds</c>, 1–21600, else 400), and with a valid
/// <c>X-aws-ec2-metadata-token</c> of that instance (else 401, as IMDSv2 does): <c>meta-data/instance-id</c>,
/// <c>placement/region</c>, <c>iam/security-credentials/</c> (the role, 404 without an instance profile) and
/// <c>iam/security-credentials/&lt;role&gt;</c> (temporary credentials). The role is named after the instance profile; an
/// instance made with the <c>AddInstance</c> seam has the role <see cref="TestRole"/>.
/// </summary>
public sealed class ImdsStandIn : StandIn
{
    /// <summary>The role of instances added with <see cref="Ec2StandIn.AddInstance"/> (they have no launch record).</summary>
    public const string TestRole = "showcase-sandbox-test-role";

    public const string TokenHeader = "X-aws-ec2-metadata-token";
    public const string TtlHeader = "X-aws-ec2-metadata-token-ttl-seconds";

    private readonly ConcurrentDictionary<string, (string InstanceId, DateTime Expires)> _tokens = new(StringComparer.Ordinal);

    public override string Service => "imds";

    /// <summary>The access key id IMDS hands to <paramref name="instanceId"/>'s role (stable per instance, so tests can find it in the log).</summary>
    public static string AccessKeyIdOf(string instanceId) =>
        "ASIA" + new string(instanceId.Where(char.IsLetterOrDigit).Select(char.ToUpperInvariant).ToArray()).PadRight(16, 'X').Substring(0, 16);

    public override RequestIdentity Identify(SandboxRequest request)
    {
        var segments = request.Segments;
        var instance = segments.Count > 0 ? segments[0] : string.Empty;
        var rest = "/" + string.Join("/", segments.Skip(1));
        var operation = rest.StartsWith("/latest/meta-data/iam/security-credentials/", StringComparison.Ordinal) && segments.Count > 5
            ? "/latest/meta-data/iam/security-credentials/{role}"
            : rest;
        // The token PUT changes nothing: logged as GetToken, so the request log does not count it as a write.
        return operation == "/latest/api/token" ? new("GetToken", instance) : new(request.Method + " " + operation, instance);
    }

    public override Task<SandboxResponse> HandleAsync(SandboxRequest request, RequestIdentity identity, CancellationToken cancellationToken) =>
        Task.FromResult(Handle(request, identity.Target));

    public override void Reset() => _tokens.Clear();

    private SandboxResponse Handle(SandboxRequest request, string instanceId)
    {
        var instance = Host.Ec2.GetInstances().FirstOrDefault(i => i.InstanceId == instanceId && i.State == "running");
        if (instance is null)
        {
            return Text(404, "Not Found");
        }

        var path = "/" + string.Join("/", request.Segments.Skip(1));
        if (path == "/latest/api/token")
        {
            return request.Method == "PUT" ? NewToken(request, instanceId) : Text(405, "Method Not Allowed");
        }

        if (request.Method != "GET")
        {
            return Text(405, "Method Not Allowed");
        }

        var token = request.Headers[TokenHeader];
        if (token is null || !_tokens.TryGetValue(token, out var known) || known.InstanceId != instanceId || known.Expires < DateTime.UtcNow)
        {
            return Text(401, "Unauthorized");
        }

        var role = RoleOf(instanceId);
        const string credentials = "/latest/meta-data/iam/security-credentials/";
        return path switch
        {
            "/latest/meta-data/instance-id" => Text(200, instanceId),
            "/latest/meta-data/placement/region" => Text(200, Host.Options.Region),
            "/latest/meta-data/local-ipv4" => Text(200, instance.PrivateIpAddress),
            credentials or "/latest/meta-data/iam/security-credentials" => role is null ? Text(404, "Not Found") : Text(200, role),
            _ when role is not null && path == credentials + role => Credentials(instanceId),
            _ => Text(404, "Not Found"),
        };
    }

    private SandboxResponse NewToken(SandboxRequest request, string instanceId)
    {
        if (!int.TryParse(request.Headers[TtlHeader], NumberStyles.None, CultureInfo.InvariantCulture, out var ttl) || ttl < 1 || ttl > 21600)
        {
            return Text(400, "Bad Request");
        }

        var bytes = new byte[32];
        using (var rng = RandomNumberGenerator.Create())
        {
            rng.GetBytes(bytes);
        }

        var token = Convert.ToBase64String(bytes).Replace('+', '-').Replace('/', '_').TrimEnd('=');
        _tokens[token] = (instanceId, DateTime.UtcNow.AddSeconds(ttl));
        var response = Text(200, token);
        response.Headers[TtlHeader] = ttl.ToString(CultureInfo.InvariantCulture);
        return response;
    }

    private string? RoleOf(string instanceId)
    {
        var launch = Host.Ec2.GetLaunches().FirstOrDefault(l => l.InstanceId == instanceId);
        return launch is null ? TestRole : launch.InstanceProfileName;
    }

    private static SandboxResponse Credentials(string instanceId)
    {
        var now = DateTime.UtcNow;
        var body = new JObject
        {
            ["Code"] = "Success",
            ["LastUpdated"] = now.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            ["Type"] = "AWS-HMAC",
            ["AccessKeyId"] = AccessKeyIdOf(instanceId),
            ["SecretAccessKey"] = "sandbox/secret/" + instanceId,
            ["Token"] = "sandbox-session-token-" + instanceId,
            ["Expiration"] = now.AddHours(6).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
        };
        return SandboxResponse.Text(200, body.ToString(Newtonsoft.Json.Formatting.Indented), "text/plain");
    }

    private static SandboxResponse Text(int status, string text)
    {
        var response = SandboxResponse.Text(status, text, "text/plain");
        if (status >= 400)
        {
            response.ErrorCode = status.ToString(CultureInfo.InvariantCulture);
        }

        return response;
    }
}
