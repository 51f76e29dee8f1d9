using System;
using System.Linq;
using System.Text;

namespace ShowcaseOps.Core.Services;

/// <summary>
/// The script that installs the gateway API key into Kong over the SSM channel WITHOUT the key ever being part of the
/// SSM command (its text, parameters or output). It runs on the gateway and, with the instance role only (IMDSv2 →
/// role credentials → Parameter Store <c>GetParameter</c> WithDecryption signed by <c>curl --aws-sigv4</c>, so no AWS CLI
/// is needed), reads the SecureString, checks its alphabet, writes the credential body to a private temporary file and
/// PUTs it to Kong's Admin API. It prints one line <c>@@SHOWCASE-KEY &lt;outcome&gt; &lt;detail&gt;</c> and never the key or
/// Kong's answer (which holds the key). Outcomes: <c>ok &lt;http status&gt;</c>, or a failure (exit code 3):
/// <c>imds</c>, <c>role</c>, <c>parameter &lt;status&gt;</c>, <c>key</c>, <c>kong &lt;status&gt;</c>. See docs/gateway.md.
/// </summary>
public static class GatewayKeyScript
{
    public const string Marker = "@@SHOWCASE-KEY";

    /// <param name="kongAdmin">Kong's Admin API base URL as seen from the gateway (<c>http://10.0.5.10:8001</c>).</param>
    /// <param name="cluster">The cluster (gives the parameter name and the credential id).</param>
    public static string Create(Uri kongAdmin, string cluster)
    {
        if (kongAdmin is null)
        {
            throw new ArgumentNullException(nameof(kongAdmin));
        }

        var parameter = GatewayPlan.KeyParameterName(cluster);
        var kong = kongAdmin.GetLeftPart(UriPartial.Authority);
        if (kong.Any(c => c is '\'' or '"' or '\\' or '$' or '`' || c <= ' ' || c >= 127))
        {
            throw new ArgumentException("The Kong URL must be plain ASCII.", nameof(kongAdmin));
        }

        var url = kong + "/consumers/" + GatewayPlan.Consumer + "/key-auth/" + GatewayPlan.CredentialId(cluster);
        var s = new StringBuilder();
        AppendPreamble(s, "installs the gateway API key into Kong. The key is read HERE with the instance role from the", Marker);
        AppendGetParameter(s, parameter, "param", "the key");
        s.Append("key=$(field Value \"$tmp/param\")\n");
        s.Append("case $key in ''|*[!A-Za-z0-9_-]*) fail key 'The stored key is empty or has characters other than A-Z a-z 0-9 - _.' ;; esac\n");
        s.Append("printf '{\"key\":\"%s\",\"tags\":[\"showcaseops\",\"").Append(GatewayPlan.GatewayTag).Append("\"]}' \"$key\" > \"$tmp/body\"\n");
        s.Append("status=$(curl -s --connect-timeout 5 --max-time 30 -o \"$tmp/out\" -w '%{http_code}' -X PUT -H 'Content-Type: application/json' --data-binary @\"$tmp/body\" '")
            .Append(url).Append("') || status=000\n");
        s.Append("case $status in 2*) printf '").Append(Marker).Append(" ok %s\\n' \"$status\" ;; *) fail \"kong $status\" 'Kong refused the credential.' ;; esac\n");
        return s.ToString();
    }

    /// <summary>The outcome line (<c>ok 200</c>, <c>imds</c>, <c>parameter 400</c>, …), or null when the script printed none.</summary>
    public static string? ParseOutcome(string? output) =>
        (output ?? string.Empty).Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.StartsWith(Marker + " ", StringComparison.Ordinal))
            .Select(l => l.Substring(Marker.Length + 1)).LastOrDefault();

    /// <summary>The shared start: strict shell, private temp dir, <c>fail</c>/<c>field</c>, IMDSv2 → role credentials in a private curl config.</summary>
    internal static void AppendPreamble(StringBuilder s, string purpose, string marker)
    {
        s.Append("#!/bin/sh\n");
        s.Append("# ShowcaseOps: ").Append(purpose).Append('\n');
        s.Append("# SecureString parameter below; it is never part of this command, its parameters or its output.\n");
        s.Append("set -eu\n");
        s.Append("umask 077\n");
        s.Append("tmp=$(mktemp -d)\n");
        s.Append("trap 'rm -rf \"$tmp\"' EXIT\n");
        s.Append("fail() { printf '").Append(marker).Append(" %s\\n' \"$1\"; printf '%s\\n' \"$2\" >&2; exit 3; }\n");
        s.Append("field() { sed -n \"s/.*\\\"$1\\\"[[:space:]]*:[[:space:]]*\\\"\\([^\\\"]*\\)\\\".*/\\1/p\" \"$2\" | head -n 1; }\n");
        s.Append("imds=http://169.254.169.254/latest\n");
        s.Append("token=$(curl -sf --connect-timeout 2 --max-time 5 -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 300' \"$imds/api/token\") || fail imds 'The instance metadata service (IMDSv2) did not answer.'\n");
        s.Append("printf 'header = \"X-aws-ec2-metadata-token: %s\"\\n' \"$token\" > \"$tmp/imds.conf\"\n");
        s.Append("curl -sf --connect-timeout 2 --max-time 5 -K \"$tmp/imds.conf\" \"$imds/meta-data/iam/security-credentials/\" > \"$tmp/role\" || fail role 'The gateway has no instance profile.'\n");
        s.Append("role=$(head -n 1 \"$tmp/role\")\n");
        s.Append("case $role in ''|*[!A-Za-z0-9+=,.@_-]*) fail role 'The instance profile role name is not usable.' ;; esac\n");
        s.Append("curl -sf --connect-timeout 2 --max-time 5 -K \"$tmp/imds.conf\" \"$imds/meta-data/iam/security-credentials/$role\" > \"$tmp/creds\" || fail role 'The instance role has no credentials.'\n");
        s.Append("region=$(curl -sf --connect-timeout 2 --max-time 5 -K \"$tmp/imds.conf\" \"$imds/meta-data/placement/region\") || fail imds 'The region is unknown.'\n");
        s.Append("case $region in ''|*[!a-z0-9-]*) fail imds 'The region is not usable.' ;; esac\n");
        s.Append("ak=$(field AccessKeyId \"$tmp/creds\"); sk=$(field SecretAccessKey \"$tmp/creds\"); st=$(field Token \"$tmp/creds\")\n");
        s.Append("if [ -z \"$ak\" ] || [ -z \"$sk\" ]; then fail role 'The instance role credentials are incomplete.'; fi\n");
        // Credentials go in a private config file, not in curl's argv (visible in the process list).
        s.Append("{ printf 'user = \"%s:%s\"\\n' \"$ak\" \"$sk\"; printf 'header = \"X-Amz-Security-Token: %s\"\\n' \"$st\"; } > \"$tmp/ssm.conf\"\n");
    }

    /// <summary>GetParameter (with decryption) signed with the role's credentials into <c>$tmp/&lt;file&gt;</c>; fails with <c>parameter &lt;status&gt;</c>.</summary>
    internal static void AppendGetParameter(StringBuilder s, string parameter, string file, string what)
    {
        s.Append("printf '%s' '{\"Name\":\"").Append(parameter).Append("\",\"WithDecryption\":true}' > \"$tmp/get.json\"\n");
        s.Append("status=$(curl -s --connect-timeout 5 --max-time 20 -K \"$tmp/ssm.conf\" --aws-sigv4 \"aws:amz:$region:ssm\" -o \"$tmp/").Append(file).Append("\" -w '%{http_code}' \\\n");
        s.Append("  -H 'Content-Type: application/x-amz-json-1.1' -H 'X-Amz-Target: AmazonSSM.GetParameter' --data-binary @\"$tmp/get.json\" \"https://ssm.$region.amazonaws.com/\") || status=000\n");
        s.Append("[ \"$status\" = 200 ] || fail \"parameter $status\" 'Parameter Store did not give ").Append(what).Append(" (does the instance role allow ssm:GetParameter on it?).'\n");
    }
}
