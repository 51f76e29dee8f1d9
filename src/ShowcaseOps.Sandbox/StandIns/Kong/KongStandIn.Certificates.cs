using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Newtonsoft.Json.Linq;
using ShowcaseOps.Sandbox.Hosting;

namespace ShowcaseOps.Sandbox.StandIns;

// Kong 3's /certificates and /snis: a certificate (cert + key, checked to belong together) and the SNIs it is served for.
public sealed partial class KongStandIn
{
    private readonly List<JObject> _certificates = new();
    private readonly List<JObject> _snis = new();
    private readonly Dictionary<string, X509Certificate2> _tlsCache = new(StringComparer.Ordinal);
    private X509Certificate2? _defaultCertificate;

    /// <summary>The stored certificates (as the Admin API returns them, <c>snis</c> included).</summary>
    public IReadOnlyList<JObject> Certificates
    {
        get
        {
            lock (_gate)
            {
                return _certificates.Select(c => WithSnis(c)).ToArray();
            }
        }
    }

    /// <summary>
    /// The certificate Kong's proxy presents for a TLS ClientHello with server name <paramref name="serverName"/>: the one
    /// whose SNI matches exactly, else a wildcard SNI (<c>*.example.com</c>), else Kong's own self-signed default
    /// (CN=localhost), as Kong does.
    /// </summary>
    public X509Certificate2 ServerCertificate(string? serverName)
    {
        lock (_gate)
        {
            var name = (serverName ?? string.Empty).ToLowerInvariant();
            var sni = _snis.FirstOrDefault(s => (string)s["name"]! == name)
                ?? _snis.FirstOrDefault(s => ((string)s["name"]!).StartsWith("*.", StringComparison.Ordinal) && name.IndexOf('.') > 0 && name.Substring(name.IndexOf('.')) == ((string)s["name"]!).Substring(1));
            var certificate = sni is null ? null : _certificates.FirstOrDefault(c => (string)c["id"]! == (string)sni["certificate"]!["id"]!);
            if (certificate is null)
            {
                return _defaultCertificate ??= DefaultCertificate();
            }

            // By content: two PUTs within one second share an updated_at.
            var cacheKey = (string)certificate["id"]! + "\n" + (string)certificate["cert"]! + (string)certificate["key"]!;
            if (!_tlsCache.TryGetValue(cacheKey, out var tls))
            {
                using var pem = X509Certificate2.CreateFromPem((string)certificate["cert"]!, (string)certificate["key"]!);

                // An ephemeral key cannot serve TLS on every platform: round-trip through PKCS#12.
                tls = new X509Certificate2(pem.Export(X509ContentType.Pkcs12));
                _tlsCache[cacheKey] = tls;
            }

            return tls;
        }
    }

    private SandboxResponse? HandleCertificates(SandboxRequest request, string[] s)
    {
        if (s[0] == "snis")
        {
            return s.Length switch
            {
                1 when request.Method == "GET" => Json(200, new JObject { ["data"] = new JArray(_snis.OrderBy(x => (string)x["id"]!, StringComparer.Ordinal)), ["next"] = null }),
                2 when request.Method == "GET" => _snis.FirstOrDefault(x => (string)x["name"]! == s[1] || (string)x["id"]! == s[1]) is { } one ? Json(200, one) : NotFound(),
                1 or 2 => MethodNotAllowed(),
                _ => NotFound(),
            };
        }

        if (s[0] != "certificates")
        {
            return null;
        }

        var existing = s.Length >= 2 ? _certificates.FirstOrDefault(c => string.Equals((string)c["id"]!, s[1], StringComparison.OrdinalIgnoreCase)) : null;
        switch (s.Length, request.Method)
        {
            case (1, "GET"):
                return Json(200, new JObject { ["data"] = new JArray(_certificates.OrderBy(c => (string)c["id"]!, StringComparer.Ordinal).Select(c => WithSnis(c))), ["next"] = null });
            case (1, "POST"):
                return WriteCertificate(request, null, Guid.NewGuid().ToString(), 201);
            case (2, "GET"):
                return existing is null ? NotFound() : Json(200, WithSnis(existing));
            case (2, "PUT"):
                return Guid.TryParse(s[1], out var id)
                    ? WriteCertificate(request, existing, id.ToString(), 200)
                    : Json(400, KongSchemaViolation("id", "expected a valid UUID"));
            case (2, "DELETE"):
                if (existing is not null)
                {
                    _certificates.Remove(existing);
                    _snis.RemoveAll(x => (string)x["certificate"]!["id"]! == (string)existing["id"]!);
                }

                return SandboxResponse.Empty(204);
            case (1 or 2, _):
                return MethodNotAllowed();
            default:
                return NotFound();
        }
    }

    private SandboxResponse WriteCertificate(SandboxRequest request, JObject? existing, string id, int status)
    {
        var input = ParseBody(request, out _, out var parseError);
        if (input is null)
        {
            return Json(400, new JObject { ["message"] = "Cannot parse JSON body: " + parseError });
        }

        var errors = new JObject();
        var cert = input["cert"]?.Type == JTokenType.String ? (string)input["cert"]! : null;
        var key = input["key"]?.Type == JTokenType.String ? (string)input["key"]! : null;
        if (cert is null)
        {
            errors["cert"] = "required field missing";
        }

        if (key is null)
        {
            errors["key"] = "required field missing";
        }

        var snis = (input["snis"] as JArray)?.Select(t => ((string?)t ?? string.Empty).ToLowerInvariant()).ToArray() ?? Array.Empty<string>();
        var badSni = snis.FirstOrDefault(n => !IsSni(n));
        if (badSni is not null)
        {
            errors["snis"] = new JArray(badSni + ": invalid hostname");
        }

        if (errors.Count == 0)
        {
            try
            {
                using var parsed = X509Certificate2.CreateFromPem(cert!, key!);
            }
            catch (Exception ex) when (ex is CryptographicException or ArgumentException)
            {
                errors["@entity"] = new JArray("certificate does not match key");
            }
        }

        if (errors.Count > 0)
        {
            return Json(400, KongSchemaViolation(errors));
        }

        var taken = snis.FirstOrDefault(n => _snis.Any(x => (string)x["name"]! == n && (string)x["certificate"]!["id"]! != id));
        if (taken is not null)
        {
            return Json(409, new JObject
            {
                ["code"] = 5, ["name"] = "unique constraint violation",
                ["message"] = $"UNIQUE violation detected on '{{name=\"{taken}\"}}'", ["fields"] = new JObject { ["name"] = taken },
            });
        }

        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var entity = new JObject
        {
            ["id"] = id, ["created_at"] = existing?["created_at"]?.DeepClone() ?? now, ["updated_at"] = now,
            ["cert"] = cert, ["key"] = key, ["cert_alt"] = null, ["key_alt"] = null, ["tags"] = input["tags"]?.DeepClone() ?? JValue.CreateNull(),
        };
        if (existing is not null)
        {
            _certificates[_certificates.IndexOf(existing)] = entity;
        }
        else
        {
            _certificates.Add(entity);
        }

        _snis.RemoveAll(x => (string)x["certificate"]!["id"]! == id);
        foreach (var name in snis.Distinct(StringComparer.Ordinal))
        {
            _snis.Add(new JObject { ["id"] = Guid.NewGuid().ToString(), ["name"] = name, ["created_at"] = now, ["updated_at"] = now, ["tags"] = null, ["certificate"] = new JObject { ["id"] = id } });
        }

        return Json(status, WithSnis(entity));
    }

    private JObject WithSnis(JObject certificate)
    {
        var copy = (JObject)certificate.DeepClone();
        copy["snis"] = new JArray(_snis.Where(x => (string)x["certificate"]!["id"]! == (string)certificate["id"]!).Select(x => (string)x["name"]!).ToArray());
        return copy;
    }

    /// <summary>Kong's SNI names: host names, with at most one wildcard as the leftmost or rightmost label.</summary>
    private static bool IsSni(string name)
    {
        var labels = name.Split('.');
        if (labels.Length < 2 || name.Length > 253)
        {
            return false;
        }

        for (var i = 0; i < labels.Length; i++)
        {
            var label = labels[i];
            var wildcardOk = label == "*" && (i == 0 || i == labels.Length - 1) && labels.Count(l => l == "*") == 1;
            if (!wildcardOk && !(label.Length is > 0 and <= 63 && label[0] != '-' && label[label.Length - 1] != '-' && label.All(c => (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')))
            {
                return false;
            }
        }

        return true;
    }

    private static JObject KongSchemaViolation(string field, string message) => KongSchemaViolation(new JObject { [field] = message });

    private static JObject KongSchemaViolation(JObject errors) => Kong.KongSchema.SchemaViolation(errors);

    private static X509Certificate2 DefaultCertificate()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost, OU=Kong, O=Kong, L=San Francisco, S=California, C=US", ecdsa, HashAlgorithmName.SHA256);
        using var self = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(10));
        return new X509Certificate2(self.Export(X509ContentType.Pkcs12));
    }
}
