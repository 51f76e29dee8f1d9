using System;
using System.Collections.Generic;
using System.Linq;

namespace ShowcaseOps.Sandbox.StandIns.Ssm;

/// <summary>
/// What the sandbox's platform stand-ins learn at "bootstrap": the per-cluster secrets ShowcaseOps keeps in Parameter
/// Store (<c>/showcaseops/&lt;cluster&gt;/consul-*-token</c>, <c>/showcaseops/&lt;cluster&gt;/marathon-credentials</c>), read
/// from the SSM stand-in, as real hosts read them with their instance role. The Consul, Vulcand, Kong and Marathon
/// stand-ins are shared by every cluster of the sandbox, so a secret of any cluster is accepted.
/// </summary>
public static class SandboxPlatformSecrets
{
    public const string Prefix = "/showcaseops/";
    public const string ManagementToken = "consul-management-token";
    public const string AgentToken = "consul-agent-token";
    public const string RegistrarToken = "consul-registrar-token";
    public const string MarathonCredentials = "marathon-credentials";

    /// <summary>The values of <c>/showcaseops/&lt;any cluster&gt;/&lt;leaf&gt;</c>.</summary>
    public static IReadOnlyList<string> Values(SsmParameterStore parameters, params string[] leaves) =>
        parameters.All.Where(p => IsLeafOfCluster(p.Name, leaves)).Select(p => p.Value).Where(v => v.Length > 0).ToArray();

    private static bool IsLeafOfCluster(string name, string[] leaves)
    {
        if (!name.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = name.Substring(Prefix.Length);
        var slash = rest.IndexOf('/');
        return slash > 0 && leaves.Contains(rest.Substring(slash + 1), StringComparer.Ordinal);
    }
}
