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
    [property: JsonProperty("tags")] IReadOnlyList<string> Tags);

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

internal static class KongProtocols
{
    /// <summary>The protocols of every route this module creates.</summary>
    public static readonly IReadOnlyList<string> HttpAndHttps = new[] { "http", "https" };
}
