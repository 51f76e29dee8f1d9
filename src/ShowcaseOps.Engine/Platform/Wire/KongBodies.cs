using System.Collections.Generic;
using Newtonsoft.Json;

namespace ShowcaseOps.Core.Platform.Wire;

// Kong Admin API upsert bodies (PUT /services/{name}, /routes, /plugins, /consumers, key-auth credentials).

internal sealed record KongServiceBody(
    [property: JsonProperty("name")] string Name,
    [property: JsonProperty("url")] string Url,
    [property: JsonProperty("tags")] IReadOnlyList<string> Tags);

internal sealed record KongRouteBody(
    [property: JsonProperty("name")] string Name,
    [property: JsonProperty("hosts")] IReadOnlyList<string> Hosts,
    [property: JsonProperty("protocols")] IReadOnlyList<string> Protocols,
    [property: JsonProperty("preserve_host")] bool PreserveHost,
    [property: JsonProperty("strip_path")] bool StripPath,
    [property: JsonProperty("tags")] IReadOnlyList<string> Tags)
{
    /// <summary>What Kong answers a plain-HTTP request on an https-only route: 308 with <c>Location: https://…</c> (Kong's default is 426).</summary>
    [JsonProperty("https_redirect_status_code")]
    public int HttpsRedirectStatusCode { get; init; } = KongProtocols.HttpsRedirect;
}

internal sealed record KongPluginBody(
    [property: JsonProperty("name")] string Name,
    [property: JsonProperty("instance_name")] string InstanceName,
    [property: JsonProperty("tags")] IReadOnlyList<string> Tags,
    [property: JsonProperty("config")] object Config);

internal sealed record KongIpRestrictionConfig([property: JsonProperty("allow")] IReadOnlyList<string> Allow);

internal sealed record KongKeyAuthConfig(
    [property: JsonProperty("key_names")] IReadOnlyList<string> KeyNames,
    [property: JsonProperty("hide_credentials")] bool HideCredentials);

internal sealed record KongConsumerBody([property: JsonProperty("username")] string Username, [property: JsonProperty("tags")] IReadOnlyList<string> Tags);

internal sealed record KongKeyAuthCredentialBody([property: JsonProperty("key")] string Key, [property: JsonProperty("tags")] IReadOnlyList<string> Tags);

internal sealed record KongCertificateBody(
    [property: JsonProperty("cert")] string Cert,
    [property: JsonProperty("key")] string Key,
    [property: JsonProperty("snis")] IReadOnlyList<string> Snis,
    [property: JsonProperty("tags")] IReadOnlyList<string> Tags);

internal static class KongProtocols
{
    /// <summary>
    /// The protocols of every route this module creates: https only, so an API key (or anything else) never travels in
    /// clear; a plain-HTTP request is answered <see cref="HttpsRedirect"/> with the https URL instead of being proxied.
    /// </summary>
    public static readonly IReadOnlyList<string> HttpsOnly = new[] { "https" };

    /// <summary>308 Permanent Redirect: keeps the method and body (301/302 may turn a POST into a GET).</summary>
    public const int HttpsRedirect = 308;
}
