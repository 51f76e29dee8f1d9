using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using ShowcaseOps.Core.Platform;
using ShowcaseOps.Core.Platform.Wire;

namespace ShowcaseOps.Core.Services;

/// <summary>
/// The gateway's TLS certificate: a PEM certificate (chain) and its private key, imported from files or generated
/// (self-signed ECDSA P-256 for <c>*.&lt;domain&gt;</c>). Parsed and checked here (the key must belong to the leaf), installed
/// in Kong as <c>PUT /certificates/{stable id}</c> with its DNS names as SNIs, and kept in Parameter Store
/// (<see cref="CertificateParameterName"/> as String, <see cref="KeyParameterName"/> as SecureString).
/// </summary>
public sealed class GatewayCertificate
{
    /// <summary>Largest certificate or key file accepted (a chain of a few RSA-4096 certificates is about 8 KiB).</summary>
    public const int MaxFileBytes = 64 * 1024;

    /// <summary>Parameter Store's limit for an advanced parameter (standard ones hold 4,096 characters).</summary>
    public const int MaxParameterChars = 8192;

    private static readonly string[] KeyLabels = { "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY" };

    private GatewayCertificate(string certificatePem, string keyPem, X509Certificate2 leaf, IReadOnlyList<string> dnsNames)
    {
        CertificatePem = certificatePem;
        KeyPem = keyPem;
        DnsNames = dnsNames;
        Thumbprint = Sha256Hex(leaf.RawData);
        NotAfter = leaf.NotAfter.ToUniversalTime();
        Subject = leaf.Subject;
        SelfSigned = string.Equals(leaf.Subject, leaf.Issuer, StringComparison.Ordinal);
    }

    /// <summary>The certificate chain, leaf first, as PEM (only the CERTIFICATE blocks of the input).</summary>
    public string CertificatePem { get; }

    /// <summary>The private key as PEM. A secret: never logged, never put in an SSM command.</summary>
    public string KeyPem { get; }

    /// <summary>The leaf's DNS names (subject alternative names, else its common name): the SNIs Kong serves it for.</summary>
    public IReadOnlyList<string> DnsNames { get; }

    /// <summary>SHA-256 of the leaf certificate (hex, lower case): what a client pins to trust exactly this certificate.</summary>
    public string Thumbprint { get; }

    public DateTime NotAfter { get; }

    public string Subject { get; }

    public bool SelfSigned { get; }

    /// <summary>The String parameter that holds the certificate: <c>/showcaseops/&lt;cluster&gt;/gateway-tls-certificate</c>.</summary>
    public static string CertificateParameterName(string cluster) => ParameterPrefix(cluster) + "gateway-tls-certificate";

    /// <summary>The SecureString parameter that holds the private key: <c>/showcaseops/&lt;cluster&gt;/gateway-tls-key</c>.</summary>
    public static string KeyParameterName(string cluster) => ParameterPrefix(cluster) + "gateway-tls-key";

    /// <summary>A stable Kong certificate id per cluster, so a re-run replaces the same certificate (PUT by id).</summary>
    public static string KongId(string cluster)
    {
        using var sha = SHA256.Create();
        var bytes = sha.ComputeHash(Encoding.UTF8.GetBytes("showcaseops-gateway-tls:" + cluster)).Take(16).ToArray();
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x50);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        var hex = string.Concat(bytes.Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
        return $"{hex.Substring(0, 8)}-{hex.Substring(8, 4)}-{hex.Substring(12, 4)}-{hex.Substring(16, 4)}-{hex.Substring(20, 12)}";
    }

    /// <summary>
    /// Parses a PEM certificate (chain, leaf first) and its PEM private key (PKCS#8, PKCS#1 RSA or SEC1 EC; not
    /// encrypted) and checks the key belongs to the leaf. <paramref name="source"/> names the input in messages.
    /// </summary>
    /// <exception cref="ShowcaseException">ShowcaseGatewayCertificateInvalid.</exception>
    public static GatewayCertificate Parse(string certificatePem, string keyPem, string source)
    {
        var blocks = PemBlocks(certificatePem ?? string.Empty, "CERTIFICATE");
        if (blocks.Count == 0)
        {
            throw Invalid(source, "no PEM CERTIFICATE block (-----BEGIN CERTIFICATE-----) was found in the certificate");
        }

        if ((keyPem ?? string.Empty).Contains("ENCRYPTED PRIVATE KEY", StringComparison.Ordinal))
        {
            throw Invalid(source, "the private key is encrypted; Kong needs it unencrypted (openssl pkey -in key.pem -out plain.pem)");
        }

        var key = KeyLabels.SelectMany(label => PemBlocks(keyPem ?? string.Empty, label)).FirstOrDefault();
        if (key is null)
        {
            throw Invalid(source, "no PEM private key block (-----BEGIN PRIVATE KEY-----, RSA PRIVATE KEY or EC PRIVATE KEY) was found in the key");
        }

        var chain = string.Join("\n", blocks) + "\n";
        X509Certificate2 leaf;
        try
        {
            leaf = X509Certificate2.CreateFromPem(blocks[0], key);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            throw Invalid(source, "the certificate and the private key do not belong together or cannot be read (" + ex.Message.TrimEnd('.') + ")");
        }

        using (leaf)
        {
            if (chain.Length > MaxParameterChars || key.Length > MaxParameterChars)
            {
                throw Invalid(source, $"the certificate chain or key is longer than {MaxParameterChars} characters, more than a Parameter Store parameter holds");
            }

            var names = DnsNamesOf(leaf);
            if (names.Length == 0)
            {
                throw Invalid(source, "the certificate names no DNS host (no subject alternative name or common name Kong could serve it for)");
            }

            return new GatewayCertificate(chain, key + "\n", leaf, names);
        }
    }

    /// <summary>A new self-signed ECDSA P-256 certificate for <c>*.&lt;domain&gt;</c> and <c>&lt;domain&gt;</c>, valid for 397 days.</summary>
    public static GatewayCertificate Generate(string domain, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(domain) || !IsSniName(domain))
        {
            throw new ArgumentException($"'{domain}' is not a DNS domain.", nameof(domain));
        }

        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName("CN=*." + domain + ", O=ShowcaseOps gateway"), ecdsa, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("*." + domain);
        san.AddDnsName(domain);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(new OidCollection { new Oid("1.3.6.1.5.5.7.3.1") }, false));
        using var certificate = request.CreateSelfSigned(now.AddHours(-1), now.AddDays(397));
        return Parse(certificate.ExportCertificatePem(), ecdsa.ExportPkcs8PrivateKeyPem(), "the generated certificate");
    }

    /// <summary>True when a client connecting to <paramref name="host"/> would accept this certificate's names (one wildcard label).</summary>
    public bool Covers(string host) => DnsNames.Any(n => NameMatches(n, host));

    /// <summary>The Kong request WITH the private key in its body: only for the HTTP channel (see <see cref="GatewayCertificateScript"/> for SSM).</summary>
    public PlatformRequest KongRequest(string cluster) => new(
        PlatformTarget.Kong, "PUT", "/certificates/" + KongId(cluster),
        PlatformJson.Serialize(new KongCertificateBody(CertificatePem, KeyPem, DnsNames.ToArray(), new[] { PlatformOwnership.Tag, GatewayPlan.GatewayTag })),
        "Kong certificate of the gateway");

    internal static bool NameMatches(string pattern, string host)
    {
        if (pattern.StartsWith("*.", StringComparison.Ordinal))
        {
            var dot = host.IndexOf('.');
            return dot > 0 && string.Equals(host.Substring(dot), pattern.Substring(1), StringComparison.OrdinalIgnoreCase);
        }

        return string.Equals(pattern, host, StringComparison.OrdinalIgnoreCase);
    }

    private static string[] DnsNamesOf(X509Certificate2 leaf)
    {
        var names = leaf.Extensions.OfType<X509SubjectAlternativeNameExtension>().SelectMany(e => e.EnumerateDnsNames()).ToList();
        if (names.Count == 0)
        {
            var cn = leaf.GetNameInfo(X509NameType.DnsName, false);
            if (!string.IsNullOrEmpty(cn))
            {
                names.Add(cn);
            }
        }

        return names.Select(n => n.ToLowerInvariant()).Where(IsSniName).Distinct(StringComparer.Ordinal).ToArray();
    }

    /// <summary>A host name Kong accepts as an SNI: DNS labels, optionally a leading <c>*.</c> wildcard.</summary>
    internal static bool IsSniName(string name)
    {
        var bare = name.StartsWith("*.", StringComparison.Ordinal) ? name.Substring(2) : name;
        return bare.Length is > 0 and <= 253 && bare.Split('.').All(RegistrationInput.IsServiceName);
    }

    private static List<string> PemBlocks(string text, string label)
    {
        var result = new List<string>();
        var rest = text.AsSpan();
        while (PemEncoding.TryFind(rest, out var fields))
        {
            if (rest[fields.Label].SequenceEqual(label.AsSpan()))
            {
                result.Add(rest[fields.Location].ToString());
            }

            rest = rest.Slice(fields.Location.End.Value);
        }

        return result;
    }

    private static string ParameterPrefix(string cluster) =>
        GatewayPlan.KeyParameterName(cluster).Substring(0, GatewayPlan.KeyParameterName(cluster).Length - "gateway-api-key".Length);

    private static string Sha256Hex(byte[] data)
    {
        using var sha = SHA256.Create();
        return string.Concat(sha.ComputeHash(data).Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
    }

    public static ShowcaseException Invalid(string source, string reason) => new(
        ShowcaseErrors.ShowcaseGatewayCertificateInvalid, source, $"The gateway certificate from {source} cannot be used: {reason}.")
    {
        Terminating = true,
        RecommendedAction = "Pass a PEM certificate (chain, leaf first) with -CertificatePath and its unencrypted PEM private key with -KeyPath, or omit both to use a generated certificate.",
    };
}
