using System;
using Newtonsoft.Json.Linq;

namespace ShowcaseOps.Sandbox.StandIns.Kong;

/// <summary>A read-only view of one Kong entity (service, route, plugin, consumer, key-auth credential) as the Admin API returns it.</summary>
public sealed class KongEntity
{
    internal KongEntity(JObject json)
    {
        Json = (JObject)json.DeepClone();
    }

    public string Id => (string)Json["id"]!;

    /// <summary>The entity's name (or username for consumers, key for credentials); null when it has none.</summary>
    public string? Name => (string?)(Json["name"] ?? Json["username"] ?? Json["key"]);

    /// <summary>A copy of the JSON object the Admin API returns for this entity.</summary>
    public JObject Json { get; }

    public T? Get<T>(string field)
    {
        var token = Json[field];
        return token is null || token.Type == JTokenType.Null ? default : token.ToObject<T>();
    }

    /// <summary>The id of a foreign reference (<c>service</c>, <c>route</c>, <c>consumer</c>), or null.</summary>
    public string? ForeignId(string field) => Json[field] is JObject reference ? (string?)reference["id"] : null;

    public override string ToString() => Name ?? Id;
}

/// <summary>The entity kinds of the stand-in, with their Admin API collection names.</summary>
internal static class KongKinds
{
    public const string Services = "services";
    public const string Routes = "routes";
    public const string Plugins = "plugins";
    public const string Consumers = "consumers";
    public const string KeyAuth = "keyauth_credentials";

    public static string EntityName(string kind) => kind switch
    {
        Services => "services",
        Routes => "routes",
        Plugins => "plugins",
        Consumers => "consumers",
        KeyAuth => "keyauth_credentials",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
