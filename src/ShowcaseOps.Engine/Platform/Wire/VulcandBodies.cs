using Newtonsoft.Json;

namespace ShowcaseOps.Core.Platform.Wire;

// The JsonProperty names are the wire names, stated even where they match the C# name, so that renaming a property
// never renames a field on the wire (hence no nameof).
#pragma warning disable CA1507

// Vulcand's admin API (v2) upsert bodies: each entity wrapped in an object named after its kind.

internal sealed record VulcandBackendBody([property: JsonProperty("Backend")] VulcandBackend Backend);

internal sealed record VulcandBackend([property: JsonProperty("Id")] string Id, [property: JsonProperty("Type")] string Type);

internal sealed record VulcandHostBody([property: JsonProperty("Host")] VulcandHost Host);

internal sealed record VulcandHost([property: JsonProperty("Name")] string Name);

internal sealed record VulcandFrontendBody([property: JsonProperty("Frontend")] VulcandFrontend Frontend);

internal sealed record VulcandFrontend(
    [property: JsonProperty("Id")] string Id,
    [property: JsonProperty("Route")] string Route,
    [property: JsonProperty("Type")] string Type,
    [property: JsonProperty("BackendId")] string BackendId);

internal sealed record VulcandListenerBody([property: JsonProperty("Listener")] VulcandListener Listener);

internal sealed record VulcandListener(
    [property: JsonProperty("Id")] string Id,
    [property: JsonProperty("Protocol")] string Protocol,
    [property: JsonProperty("Address")] VulcandAddress Address);

internal sealed record VulcandAddress([property: JsonProperty("Network")] string Network, [property: JsonProperty("Address")] string Address);

internal sealed record VulcandServerBody([property: JsonProperty("Server")] VulcandServer Server);

internal sealed record VulcandServer([property: JsonProperty("Id")] string Id, [property: JsonProperty("URL")] string Url);
