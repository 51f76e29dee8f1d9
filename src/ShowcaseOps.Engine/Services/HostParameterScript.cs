using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using ShowcaseOps.Core.Platform;

namespace ShowcaseOps.Core.Services;

/// <summary>
/// The one place where a host script reads a SecureString with the host's instance role: IMDSv2 token → role
/// credentials (in a private curl config, never argv) → <c>GetParameter</c> WithDecryption signed with
/// <c>curl --aws-sigv4</c>. Used by <see cref="GatewayKeyScript"/>, <see cref="GatewayCertificateScript"/> and the
/// platform batch (<see cref="AppendPlatformCredentials"/>), so no secret is ever part of an SSM command's text or output.
/// </summary>
internal static class HostParameterScript
{
    /// <summary>Marker of the batch's credential step when it fails (<c>@@SHOWCASE-AUTH &lt;step&gt;</c>).</summary>
    public const string AuthMarker = "@@SHOWCASE-AUTH";

    /// <summary>The private curl config (in the batch's working directory) that carries a target's credentials.</summary>
    public static string? AuthConfigFile(PlatformTarget target) => target switch
    {
        PlatformTarget.Consul => "consul.auth",
        PlatformTarget.Marathon => "marathon.auth",
        _ => null,
    };

    /// <summary>The batch curl config line that includes a target's credentials (<c>config = "consul.auth"</c>), or empty.</summary>
    public static string AuthConfigLine(string? cluster, PlatformTarget target) =>
        cluster is not null && AuthConfigFile(target) is { } file ? "config = \"" + file + "\"\n" : string.Empty;

    /// <summary>The shared start: strict shell, private temp dir, <c>fail</c>/<c>field</c>, IMDSv2 → role credentials in a private curl config.</summary>
    public static void AppendPreamble(StringBuilder s, string purpose, string marker)
    {
        s.Append("#!/bin/sh\n");
        s.Append("# ShowcaseOps: ").Append(purpose).Append('\n');
        s.Append("# SecureString parameter below; it is never part of this command, its parameters or its output.\n");
        s.Append("set -eu\n");
        s.Append("umask 077\n");
        s.Append("tmp=$(mktemp -d)\n");
        s.Append("trap 'rm -rf \"$tmp\"' EXIT\n");
        AppendRoleCredentials(s, marker);
    }

    /// <summary><c>fail</c>, <c>field</c>, then IMDSv2 → the role's credentials in <c>$tmp/ssm.conf</c> and the region in <c>$region</c>.</summary>
    public static void AppendRoleCredentials(StringBuilder s, string marker)
    {
        s.Append("fail() { printf '").Append(marker).Append(" %s\\n' \"$1\"; printf '%s\\n' \"$2\" >&2; exit 3; }\n");
        s.Append("field() { sed -n \"s/.*\\\"$1\\\"[[:space:]]*:[[:space:]]*\\\"\\([^\\\"]*\\)\\\".*/\\1/p\" \"$2\" | head -n 1; }\n");
        s.Append("imds=http://169.254.169.254/latest\n");
        s.Append("token=$(curl -sf --connect-timeout 2 --max-time 5 -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 300' \"$imds/api/token\") || fail imds 'The instance metadata service (IMDSv2) did not answer.'\n");
        s.Append("printf 'header = \"X-aws-ec2-metadata-token: %s\"\\n' \"$token\" > \"$tmp/imds.conf\"\n");
        s.Append("curl -sf --connect-timeout 2 --max-time 5 -K \"$tmp/imds.conf\" \"$imds/meta-data/iam/security-credentials/\" > \"$tmp/role\" || fail role 'The host has no instance profile.'\n");
        s.Append("role=$(head -n 1 \"$tmp/role\")\n");
        s.Append("case $role in ''|*[!A-Za-z0-9+=,.@_-]*) fail role 'The instance profile role name is not usable.' ;; esac\n");
        s.Append("curl -sf --connect-timeout 2 --max-time 5 -K \"$tmp/imds.conf\" \"$imds/meta-data/iam/security-credentials/$role\" > \"$tmp/creds\" || fail role 'The instance role has no credentials.'\n");
        s.Append("region=$(curl -sf --connect-timeout 2 --max-time 5 -K \"$tmp/imds.conf\" \"$imds/meta-data/placement/region\") || fail imds 'The region is unknown.'\n");
        s.Append("case $region in ''|*[!a-z0-9-]*) fail imds 'The region is not usable.' ;; esac\n");
        s.Append("ak=$(field AccessKeyId \"$tmp/creds\"); sk=$(field SecretAccessKey \"$tmp/creds\"); st=$(field Token \"$tmp/creds\")\n");
        s.Append("if [ -z \"$ak\" ] || [ -z \"$sk\" ]; then fail role 'The instance role credentials are incomplete.'; fi\n");
        // Credentials go in a private config file, not in curl's argv (visible in the process list).
        s.Append("{ printf 'user = \"%s:%s\"\\n' \"$ak\" \"$sk\"; printf 'header = \"X-Amz-Security-Token: %s\"\\n' \"$st\"; } > \"$tmp/ssm.conf\"\n");
        s.Append("rm -f \"$tmp/creds\"\n");
    }

    /// <summary>GetParameter (with decryption) signed with the role's credentials into <c>$tmp/&lt;file&gt;</c>; fails with <c>parameter &lt;status&gt;</c>.</summary>
    public static void AppendGetParameter(StringBuilder s, string parameter, string file, string what)
    {
        AppendRequest(s, parameter, file);
        s.Append("[ \"$status\" = 200 ] || fail \"parameter $status\" 'Parameter Store did not give ").Append(what).Append(" (does the instance role allow ssm:GetParameter on it?).'\n");
    }

    /// <summary>
    /// The platform batch's credentials, read on the host: the cluster's Consul registrar token into
    /// <c>$tmp/consul.auth</c> (<c>header = "X-Consul-Token: …"</c>) and Marathon's <c>user:password</c> into
    /// <c>$tmp/marathon.auth</c> (<c>user = "…"</c>), which the batch's curl config includes per request
    /// (<c>config = "consul.auth"</c>). A parameter that does not exist (a cluster bootstrapped before the secrets) leaves
    /// the file empty: the request goes without it and the platform decides. Nothing when no request goes to Consul or
    /// Marathon, or no cluster is given.
    /// </summary>
    public static void AppendPlatformCredentials(StringBuilder s, string? cluster, IEnumerable<PlatformTarget> targets)
    {
        if (cluster is null || !targets.Any(t => AuthConfigFile(t) is not null))
        {
            return;
        }

        s.Append("# The Consul token and Marathon credentials are read HERE with the instance role (never in this command).\n");
        AppendRoleCredentials(s, AuthMarker);
        AppendOptional(s, ClusterSecrets.Name(cluster, ClusterSecrets.RegistrarToken), "consul.json");
        s.Append("t=$(field Value \"$tmp/consul.json\")\n");
        s.Append("case $t in *[!A-Za-z0-9-]*) fail consul-token 'The stored Consul token has characters other than A-Z a-z 0-9 -.' ;; esac\n");
        s.Append("if [ -n \"$t\" ]; then printf 'header = \"X-Consul-Token: %s\"\\n' \"$t\" > \"$tmp/consul.auth\"; else : > \"$tmp/consul.auth\"; fi\n");
        AppendOptional(s, ClusterSecrets.Name(cluster, ClusterSecrets.MarathonCredentials), "marathon.json");
        s.Append("m=$(field Value \"$tmp/marathon.json\")\n");
        s.Append("case $m in *[!A-Za-z0-9:._-]*) fail marathon-credentials 'The stored Marathon credentials have characters other than A-Z a-z 0-9 : . _ -.' ;; esac\n");
        s.Append("if [ -n \"$m\" ]; then printf 'user = \"%s\"\\n' \"$m\" > \"$tmp/marathon.auth\"; else : > \"$tmp/marathon.auth\"; fi\n");
        s.Append("rm -f \"$tmp/consul.json\" \"$tmp/marathon.json\" \"$tmp/ssm.conf\" \"$tmp/imds.conf\" \"$tmp/get.json\" \"$tmp/role\"\n");
        s.Append("t=''; m=''; sk=''; st=''\n");
    }

    // 200: the parameter; 400 ParameterNotFound: an empty file; anything else fails the script.
    private static void AppendOptional(StringBuilder s, string parameter, string file)
    {
        AppendRequest(s, parameter, file);
        s.Append("case $status in\n");
        s.Append("  200) ;;\n");
        s.Append("  400) if grep -q ParameterNotFound \"$tmp/").Append(file).Append("\"; then : > \"$tmp/").Append(file).Append("\"; else fail \"parameter 400\" 'Parameter Store refused the request.'; fi ;;\n");
        s.Append("  *) fail \"parameter $status\" 'Parameter Store did not give ").Append(parameter).Append(" (does the instance role allow ssm:GetParameter on it?).' ;;\n");
        s.Append("esac\n");
    }

    private static void AppendRequest(StringBuilder s, string parameter, string file)
    {
        if (parameter.Any(c => c is '\'' or '"' or '\\' or '$' or '`' || c <= ' ' || c >= 127))
        {
            throw new ArgumentException("The parameter name must be plain ASCII.", nameof(parameter));
        }

        s.Append("printf '%s' '{\"Name\":\"").Append(parameter).Append("\",\"WithDecryption\":true}' > \"$tmp/get.json\"\n");
        s.Append("status=$(curl -s --connect-timeout 5 --max-time 20 -K \"$tmp/ssm.conf\" --aws-sigv4 \"aws:amz:$region:ssm\" -o \"$tmp/").Append(file).Append("\" -w '%{http_code}' \\\n");
        s.Append("  -H 'Content-Type: application/x-amz-json-1.1' -H 'X-Amz-Target: AmazonSSM.GetParameter' --data-binary @\"$tmp/get.json\" \"https://ssm.$region.amazonaws.com/\") || status=000\n");
    }
}
