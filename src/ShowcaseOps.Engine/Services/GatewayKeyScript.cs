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
        HostParameterScript.AppendPreamble(s, "installs the gateway API key into Kong. The key is read HERE with the instance role from the", Marker);
        HostParameterScript.AppendGetParameter(s, parameter, "param", "the key");
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
}
