using System;
using System.Linq;
using System.Text;
using ShowcaseOps.Sandbox.Hosting;
using ShowcaseOps.Sandbox.StandIns.Ssm;

namespace ShowcaseOps.Sandbox.StandIns;

/// <summary>
/// Marathon's <c>--http_credentials user:password</c>: while <see cref="SandboxOptions.EnforcePlatformCredentials"/> and
/// some cluster's <c>marathon-credentials</c> parameter exists, every request needs <c>Authorization: Basic</c> with those
/// credentials, else 401 with <c>WWW-Authenticate: Basic realm="Mesosphere Marathon"</c>. <c>/ping</c> too: Marathon
/// applies the credentials to every endpoint (d2iq-archive/marathon#7207 asks to exempt it).
/// </summary>
public sealed partial class MarathonStandIn
{
    /// <summary>True while requests need credentials.</summary>
    public bool CredentialsEnforced => Host.Options.EnforcePlatformCredentials
        && SandboxPlatformSecrets.Values(Host.Ssm.Parameters, SandboxPlatformSecrets.MarathonCredentials).Count > 0;

    private SandboxResponse? AuthCheck(SandboxRequest request)
    {
        if (!CredentialsEnforced)
        {
            return null;
        }

        var authorization = request.Headers["Authorization"] ?? string.Empty;
        if (authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            string given;
            try
            {
                given = Encoding.UTF8.GetString(Convert.FromBase64String(authorization.Substring(6).Trim()));
            }
            catch (FormatException)
            {
                given = string.Empty;
            }

            if (SandboxPlatformSecrets.Values(Host.Ssm.Parameters, SandboxPlatformSecrets.MarathonCredentials).Contains(given, StringComparer.Ordinal))
            {
                return null;
            }
        }

        var response = SandboxResponse.Json(401, new { message = "Invalid username or password." });
        response.Headers["WWW-Authenticate"] = "Basic realm=\"Mesosphere Marathon\"";
        response.ErrorCode = "Unauthorized";
        return response;
    }
}
