using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace ShowcaseOps.Core.Services;

/// <summary>
/// Over the SSM channel, installs the gateway's TLS certificate into Kong WITHOUT its private key ever being part of the
/// SSM command: like <see cref="GatewayKeyScript"/>, it runs on the gateway, reads the certificate (String) and the key
/// (SecureString) from Parameter Store with the instance role, and PUTs <c>/certificates/{id}</c> from a private temporary
/// file. It prints <c>@@SHOWCASE-TLS ok &lt;status&gt;</c> or the failing step (<c>imds</c>, <c>role</c>,
/// <c>parameter &lt;status&gt;</c>, <c>pem</c>, <c>kong &lt;status&gt;</c>), never the key or Kong's answer.
/// </summary>
public static class GatewayCertificateScript
{
    public const string Marker = "@@SHOWCASE-TLS";

    /// <param name="kongAdmin">Kong's Admin API base URL as seen from the gateway.</param>
    /// <param name="cluster">The cluster (gives the parameter names and the certificate id).</param>
    /// <param name="snis">The certificate's DNS names (validated SNI names: <c>a-z 0-9 - .</c> and a leading <c>*.</c>).</param>
    public static string Create(Uri kongAdmin, string cluster, IReadOnlyList<string> snis)
    {
        if (kongAdmin is null)
        {
            throw new ArgumentNullException(nameof(kongAdmin));
        }

        var kong = kongAdmin.GetLeftPart(UriPartial.Authority);
        if (kong.Any(c => c is '\'' or '"' or '\\' or '$' or '`' || c <= ' ' || c >= 127))
        {
            throw new ArgumentException("The Kong URL must be plain ASCII.", nameof(kongAdmin));
        }

        if (snis is null || snis.Count == 0 || snis.Any(n => !GatewayCertificate.IsSniName(n) || n.Any(char.IsUpper)))
        {
            throw new ArgumentException("The SNIs must be lower-case DNS names.", nameof(snis));
        }

        var url = kong + "/certificates/" + GatewayCertificate.KongId(cluster);
        var names = string.Join(",", snis.Select(n => "\"" + n + "\""));
        var s = new StringBuilder();
        HostParameterScript.AppendPreamble(s, "installs the gateway's TLS certificate into Kong. Its private key is read HERE with the instance role from the", Marker);
        HostParameterScript.AppendGetParameter(s, GatewayCertificate.CertificateParameterName(cluster), "cert.json", "the certificate");
        HostParameterScript.AppendGetParameter(s, GatewayCertificate.KeyParameterName(cluster), "key.json", "the private key");

        // Parameter Store answers one JSON line; its Value is already JSON-escaped (PEM line breaks as \n), so it goes into
        // Kong's JSON body as it is. PEM has no quote, and printf %s does not interpret backslashes.
        s.Append("cert=$(field Value \"$tmp/cert.json\"); key=$(field Value \"$tmp/key.json\")\n");
        s.Append("case $cert in *'-----BEGIN CERTIFICATE-----'*) ;; *) fail pem 'The stored certificate is not PEM.' ;; esac\n");
        s.Append("case $key in *'PRIVATE KEY-----'*) ;; *) fail pem 'The stored private key is not PEM.' ;; esac\n");
        s.Append("printf '{\"cert\":\"%s\",\"key\":\"%s\",\"snis\":[").Append(names).Append("],\"tags\":[\"showcaseops\",\"")
            .Append(GatewayPlan.GatewayTag).Append("\"]}' \"$cert\" \"$key\" > \"$tmp/body\"\n");
        s.Append("status=$(curl -s --connect-timeout 5 --max-time 30 -o \"$tmp/out\" -w '%{http_code}' -X PUT -H 'Content-Type: application/json' --data-binary @\"$tmp/body\" '")
            .Append(url).Append("') || status=000\n");
        s.Append("case $status in 2*) printf '").Append(Marker).Append(" ok %s\\n' \"$status\" ;; *) fail \"kong $status\" 'Kong refused the certificate.' ;; esac\n");
        return s.ToString();
    }

    /// <summary>The outcome line (<c>ok 200</c>, <c>imds</c>, …), or null when the script printed none.</summary>
    public static string? ParseOutcome(string? output) =>
        (output ?? string.Empty).Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.StartsWith(Marker + " ", StringComparison.Ordinal))
            .Select(l => l.Substring(Marker.Length + 1)).LastOrDefault();
}
