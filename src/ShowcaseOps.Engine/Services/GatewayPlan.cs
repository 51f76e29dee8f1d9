using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using ShowcaseOps.Core.Net;
using ShowcaseOps.Core.Platform;
using ShowcaseOps.Core.Platform.Wire;

namespace ShowcaseOps.Core.Services;

/// <summary>
/// The Kong entities that expose the Mesos (5050) and Marathon (8080) UIs of the master through the gateway, as
/// idempotent requests: PUT upserts for services, routes, plugins (by <c>instance_name</c>) and the consumer; DELETE
/// (204 even when absent) for a protection no longer wanted. The key-auth credential is not part of the batch: its key
/// is a secret (see <see cref="CredentialRequest"/> and <see cref="GatewayKeyScript"/>).
/// </summary>
public static class GatewayPlan
{
    public const string GatewayTag = "showcase-gateway";

    /// <summary>The Kong consumer whose key-auth credential opens the gateway UIs.</summary>
    public const string Consumer = "showcase-gateway";

    /// <summary>The header (or query parameter) that carries the key.</summary>
    public const string KeyName = "apikey";

    public static readonly IReadOnlyList<GatewayUi> Uis = new[] { new GatewayUi("mesos", 5050), new GatewayUi("marathon", 8080) };

    /// <summary>The SecureString parameter that holds the key: <c>/showcaseops/&lt;cluster&gt;/gateway-api-key</c>.</summary>
    public static string KeyParameterName(string cluster)
    {
        if (string.IsNullOrEmpty(cluster) || !cluster.All(c => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c is '-' or '_' or '.'))
        {
            throw new ArgumentException($"'{cluster}' cannot be part of a parameter name.", nameof(cluster));
        }

        return "/showcaseops/" + cluster + "/gateway-api-key";
    }

    /// <summary>A stable credential id per cluster, so re-installing the key replaces the same credential (PUT by id).</summary>
    public static string CredentialId(string cluster)
    {
        using var sha = SHA256.Create();
        var bytes = sha.ComputeHash(Encoding.UTF8.GetBytes("showcaseops-gateway-key:" + cluster)).Take(16).ToArray();
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x50);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        var hex = string.Concat(bytes.Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
        return $"{hex.Substring(0, 8)}-{hex.Substring(8, 4)}-{hex.Substring(12, 4)}-{hex.Substring(16, 4)}-{hex.Substring(20, 12)}";
    }

    /// <summary>A new random key: 32 bytes, base64url without padding (43 characters of <c>A-Z a-z 0-9 - _</c>).</summary>
    public static string NewKey()
    {
        var bytes = new byte[32];
        using (var rng = RandomNumberGenerator.Create())
        {
            rng.GetBytes(bytes);
        }

        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>True for keys this module generates or accepts (the gateway script checks the same alphabet).</summary>
    public static bool IsValidKey(string? key) =>
        key is { Length: >= 16 and <= 256 } && key.All(c => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c is '-' or '_');

    public static string HostName(GatewayUi ui, string domain) => ui.Name + "." + domain;

    /// <summary>True for the Kong service/route pairs this plan creates (tag <c>showcase-gateway</c>): they are not services.</summary>
    public static bool IsGatewayEntity(PlatformServiceState state) =>
        state is not null && ((state.KongService?.Tags.Contains(GatewayTag) ?? false) || (state.KongRoute?.Tags.Contains(GatewayTag) ?? false));

    public static IReadOnlyList<PlatformRequest> Create(GatewaySpec spec)
    {
        if (spec is null)
        {
            throw new ArgumentNullException(nameof(spec));
        }

        var requests = new List<PlatformRequest>();
        foreach (var ui in Uis)
        {
            var name = ui.KongName;
            requests.Add(new PlatformRequest(PlatformTarget.Kong, "PUT", "/services/" + name,
                Json(new KongServiceBody(name, HttpUrl.Format(spec.MasterAddress, ui.MasterPort), Tags())), $"Kong service {name}"));
            requests.Add(new PlatformRequest(PlatformTarget.Kong, "PUT", "/services/" + name + "/routes/" + name, Json(new KongRouteBody(
                name, new[] { HostName(ui, spec.Domain) }, KongProtocols.HttpsOnly, PreserveHost: false, StripPath: false, Tags())), $"Kong route {name}"));

            var ipName = name + "-ip-restriction";
            requests.Add(spec.AllowCidrs.Count > 0
                ? new PlatformRequest(PlatformTarget.Kong, "PUT", "/services/" + name + "/plugins/" + ipName,
                    Json(new KongPluginBody("ip-restriction", ipName, Tags(), new KongIpRestrictionConfig(spec.AllowCidrs.ToArray()))), $"Kong ip-restriction on {name}")
                : new PlatformRequest(PlatformTarget.Kong, "DELETE", "/plugins/" + ipName, null, $"Kong ip-restriction on {name} (not wanted)"));

            var keyName = name + "-key-auth";
            requests.Add(spec.KeyAuth
                ? new PlatformRequest(PlatformTarget.Kong, "PUT", "/services/" + name + "/plugins/" + keyName,
                    Json(new KongPluginBody("key-auth", keyName, Tags(), new KongKeyAuthConfig(new[] { KeyName }, HideCredentials: true))), $"Kong key-auth on {name}")
                : new PlatformRequest(PlatformTarget.Kong, "DELETE", "/plugins/" + keyName, null, $"Kong key-auth on {name} (not wanted)"));
        }

        requests.Add(spec.KeyAuth
            ? new PlatformRequest(PlatformTarget.Kong, "PUT", "/consumers/" + Consumer, Json(new KongConsumerBody(Consumer, Tags())), $"Kong consumer {Consumer}")
            : new PlatformRequest(PlatformTarget.Kong, "DELETE", "/consumers/" + Consumer, null, $"Kong consumer {Consumer} (not wanted)"));
        return requests;
    }

    /// <summary>
    /// The credential request WITH the key in its body. Only for the HTTP channel, which sends it straight from this
    /// machine to Kong's Admin API: it must never be put in an SSM command (use <see cref="GatewayKeyScript"/> there).
    /// </summary>
    public static PlatformRequest CredentialRequest(string cluster, string key)
    {
        if (!IsValidKey(key))
        {
            throw new ArgumentException("The gateway key must be 16 to 256 characters of A-Z a-z 0-9 - _.", nameof(key));
        }

        return new PlatformRequest(PlatformTarget.Kong, "PUT", "/consumers/" + Consumer + "/key-auth/" + CredentialId(cluster),
            Json(new KongKeyAuthCredentialBody(key, Tags())), $"Kong key-auth credential of {Consumer}");
    }

    private static string[] Tags() => new[] { PlatformOwnership.Tag, GatewayTag, PlatformOwnership.OwnerTag(PlatformOwnership.GatewayOwner) };

    private static string Json(object body) => PlatformJson.Serialize(body);
}
