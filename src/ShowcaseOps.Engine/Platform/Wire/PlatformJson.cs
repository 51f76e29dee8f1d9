using Newtonsoft.Json;

namespace ShowcaseOps.Core.Platform.Wire;

/// <summary>Writes the request bodies of the platform admin APIs: compact JSON, properties in declaration order.</summary>
internal static class PlatformJson
{
    // Own settings, so a process-wide JsonConvert.DefaultSettings can never change what goes on the wire.
    private static readonly JsonSerializerSettings Settings = new() { Formatting = Formatting.None };

    public static string Serialize(object body) => JsonConvert.SerializeObject(body, Settings);
}
