using System.Collections.Generic;
using Newtonsoft.Json;

namespace ShowcaseOps.Core.Platform.Wire;

// The JsonProperty names are the wire names, stated even where they match the C# name, so that renaming a property
// never renames a field on the wire (hence no nameof).
#pragma warning disable CA1507

/// <summary>Consul's <c>PUT /v1/agent/service/register</c> body (the fields this module sets).</summary>
internal sealed record ConsulServiceRegistration(
    [property: JsonProperty("ID")] string Id,
    [property: JsonProperty("Name")] string Name,
    [property: JsonProperty("Tags")] IReadOnlyList<string> Tags,
    [property: JsonProperty("Address")] string Address,
    [property: JsonProperty("Port")] int Port,
    [property: JsonProperty("Meta")] IReadOnlyDictionary<string, string> Meta,
    [property: JsonProperty("Check", NullValueHandling = NullValueHandling.Ignore)] ConsulCheck? Check = null);

/// <summary>An agent check on a service: HTTP (a URL) or TCP (host:port), with its interval and automatic deregistration.</summary>
internal sealed record ConsulCheck(
    [property: JsonProperty("HTTP", NullValueHandling = NullValueHandling.Ignore)] string? Http,
    [property: JsonProperty("TCP", NullValueHandling = NullValueHandling.Ignore)] string? Tcp,
    [property: JsonProperty("Interval")] string Interval,
    [property: JsonProperty("Timeout")] string Timeout,
    [property: JsonProperty("DeregisterCriticalServiceAfter")] string DeregisterCriticalServiceAfter);
