using System;
using System.Collections.Generic;
using System.Globalization;
using ShowcaseOps.Core.Execution;

namespace ShowcaseOps.Core.Platform;

/// <summary>The GETs that read the platform: the lists of each target (the first round of <see cref="PlatformStateReader"/>).</summary>
public static class PlatformReadPlan
{
    public const string ConsulAgentServices = "/v1/agent/services";

    /// <summary>Consul agent services; Vulcand hosts, backends, frontends, listeners; Kong services and routes (first pages).</summary>
    public static IReadOnlyList<PlatformRequest> Lists(int kongPageSize = 1000)
    {
        if (kongPageSize < 1 || kongPageSize > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(kongPageSize), kongPageSize, "Kong pages hold 1 to 1000 items.");
        }

        var size = kongPageSize.ToString(CultureInfo.InvariantCulture);
        return new[]
        {
            new PlatformRequest(PlatformTarget.Consul, "GET", ConsulAgentServices, null, "Consul agent services"),
            new PlatformRequest(PlatformTarget.Vulcand, "GET", "/v2/hosts", null, "Vulcand hosts"),
            new PlatformRequest(PlatformTarget.Vulcand, "GET", "/v2/backends", null, "Vulcand backends"),
            new PlatformRequest(PlatformTarget.Vulcand, "GET", "/v2/frontends", null, "Vulcand frontends"),
            new PlatformRequest(PlatformTarget.Vulcand, "GET", "/v2/listeners", null, "Vulcand listeners"),
            new PlatformRequest(PlatformTarget.Kong, "GET", "/services?size=" + size, null, "Kong services"),
            new PlatformRequest(PlatformTarget.Kong, "GET", "/routes?size=" + size, null, "Kong routes"),
        };
    }

    /// <summary>One Vulcand backend (404 when it does not exist: the only way to tell, since its servers answer 200 either way).</summary>
    public static PlatformRequest VulcandBackend(string backendId) =>
        new(PlatformTarget.Vulcand, "GET", "/v2/backends/" + PlatformPath.Segment(backendId), null, $"Vulcand backend {backendId}");

    public static PlatformRequest VulcandServers(string backendId) =>
        new(PlatformTarget.Vulcand, "GET", "/v2/backends/" + PlatformPath.Segment(backendId) + "/servers", null, $"Vulcand servers of {backendId}");

    /// <summary>The backend whose servers <paramref name="request"/> reads (<c>GET /v2/backends/{id}/servers</c>), or null.</summary>
    public static string? ServersBackend(PlatformRequest request)
    {
        if (request is null || request.Target != PlatformTarget.Vulcand || request.Method != "GET")
        {
            return null;
        }

        var parts = request.PathAndQuery.Split('/');
        return parts.Length == 5 && parts[0].Length == 0 && parts[1] == "v2" && parts[2] == "backends" && parts[4] == "servers" && parts[3].Length > 0
            ? Uri.UnescapeDataString(parts[3])
            : null;
    }
}
