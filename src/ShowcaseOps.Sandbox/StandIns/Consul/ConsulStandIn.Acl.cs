using System;
using System.Linq;
using ShowcaseOps.Sandbox.Hosting;
using ShowcaseOps.Sandbox.StandIns.Ssm;

namespace ShowcaseOps.Sandbox.StandIns;

/// <summary>
/// Consul's ACL system with <c>default_policy = "deny"</c>, on while <see cref="SandboxOptions.EnforcePlatformCredentials"/>
/// and some cluster's <c>consul-management-token</c> exists in the SSM stand-in. A token is read from
/// <c>X-Consul-Token</c>, <c>Authorization: Bearer</c> or <c>?token=</c>, like Consul. An unknown token is 403
/// <c>ACL not found</c>; no token is the anonymous token, which may do nothing: a write or a single-service read is 403
/// <c>Permission denied: …</c>, and lists answer empty (filtered, <c>X-Consul-Results-Filtered-By-ACLs: true</c>), as
/// Consul filters rather than refuses list reads. The management, agent and registrar tokens may do everything here.
/// </summary>
public sealed partial class ConsulStandIn
{
    private const string AnonymousAccessorId = "00000000-0000-0000-0000-000000000002";

    /// <summary>True while requests need a token (see the class remarks).</summary>
    public bool AclsEnforced => Host.Options.EnforcePlatformCredentials
        && SandboxPlatformSecrets.Values(Host.Ssm.Parameters, SandboxPlatformSecrets.ManagementToken).Count > 0;

    /// <summary>Null when the request may go on; else Consul's refusal. <paramref name="filtered"/>: a list read by the anonymous token.</summary>
    private SandboxResponse? AclCheck(SandboxRequest request, RequestIdentity identity, out bool filtered)
    {
        filtered = false;
        if (request.Path == "/v1/status/leader" || !AclsEnforced)
        {
            return null;
        }

        var token = TokenOf(request);
        if (token.Length > 0)
        {
            var known = SandboxPlatformSecrets.Values(Host.Ssm.Parameters, SandboxPlatformSecrets.ManagementToken, SandboxPlatformSecrets.AgentToken, SandboxPlatformSecrets.RegistrarToken);
            return known.Contains(token, StringComparer.Ordinal) ? null : Text(403, "ACL not found", "AclNotFound");
        }

        var isList = request.Method == "GET" && (request.Path is "/v1/agent/services" or "/v1/catalog/services" || request.Path.StartsWith(CatalogServicePrefix, StringComparison.Ordinal));
        if (isList)
        {
            filtered = true;
            return null;
        }

        var permission = request.Method == "GET" ? "service:read" : "service:write";
        return Text(403, $"Permission denied: token with AccessorID '{AnonymousAccessorId}' lacks permission '{permission}' on \"{identity.Target}\"", "PermissionDenied");
    }

    private static string TokenOf(SandboxRequest request)
    {
        var header = request.Headers["X-Consul-Token"];
        if (!string.IsNullOrEmpty(header))
        {
            return header!.Trim();
        }

        var authorization = request.Headers["Authorization"];
        if (authorization is not null && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return authorization.Substring(7).Trim();
        }

        return request.Query["token"] ?? string.Empty;
    }
}
