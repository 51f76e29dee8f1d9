using System;
using System.Collections.Generic;
using System.Linq;

namespace ShowcaseOps.Core.Platform;

/// <summary>A Consul service entry on the gateway agent.</summary>
public sealed record ConsulServiceRecord(string Id, string Name, IReadOnlyList<string> Tags, IReadOnlyDictionary<string, string> Meta, string Address, int Port)
{
    /// <summary>Marked by ShowcaseOps (tag <c>showcaseops</c> or Meta <c>managed-by=showcaseops</c>).</summary>
    public bool IsOwned => Tags.Contains(PlatformOwnership.Tag) || (Meta.TryGetValue(PlatformOwnership.MetaKey, out var v) && v == PlatformOwnership.MetaValue);

    public string? Role => Meta.TryGetValue(PlatformOwnership.RoleKey, out var role) ? role : null;

    /// <summary>Which path made it (<see cref="PlatformOwnership.OwnerOf"/>); null when not ShowcaseOps's.</summary>
    public string? Owner => PlatformOwnership.OwnerOf(Tags, Meta);
}

public sealed record VulcandBackendRecord(string Id, string Type, IReadOnlyList<VulcandServerRecord> Servers);

public sealed record VulcandServerRecord(string BackendId, string Id, string Url);

public sealed record VulcandFrontendRecord(string Id, string Route, string BackendId);

public sealed record VulcandListenerRecord(string Id, string Protocol, string Address);

public sealed record KongServiceRecord(string Id, string? Name, string Protocol, string Host, int Port, string? Path, IReadOnlyList<string> Tags)
{
    public bool IsOwned => Tags.Contains(PlatformOwnership.Tag);

    public string? Owner => PlatformOwnership.OwnerOf(Tags, null);
}

public sealed record KongRouteRecord(string Id, string? Name, string? ServiceId, string? ServiceName, IReadOnlyList<string> Hosts, IReadOnlyList<string> Paths, bool PreserveHost, bool StripPath, IReadOnlyList<string> Tags)
{
    public bool IsOwned => Tags.Contains(PlatformOwnership.Tag);

    public string? Owner => PlatformOwnership.OwnerOf(Tags, null);

    /// <summary>Kong's default when a route does not say.</summary>
    public static readonly IReadOnlyList<string> DefaultProtocols = new[] { "http", "https" };

    /// <summary>The route's <c>protocols</c> (<c>https</c> only for the routes this module writes).</summary>
    public IReadOnlyList<string> Protocols { get; init; } = DefaultProtocols;

    /// <summary>What Kong answers plain HTTP on an https-only route (426, or a redirect 301/302/307/308).</summary>
    public int HttpsRedirectStatusCode { get; init; } = 426;
}

/// <summary>A read that did not succeed: the view of that target is incomplete.</summary>
public sealed record PlatformReadProblem(PlatformTarget Target, string Description, int Status, string Message);

/// <summary>A service as the three targets know it: where it is registered, where it is missing, whether ShowcaseOps owns it.</summary>
public sealed class PlatformServiceState
{
    internal PlatformServiceState(string name)
    {
        Name = name;
    }

    public string Name { get; }

    /// <summary>The DNS domain (from the Consul entry's Meta, or the Kong route host); null when unknown.</summary>
    public string? Domain { get; internal set; }

    /// <summary>The Vulcand listener port (from the listener, or the Consul entry); null when unknown.</summary>
    public int? ServicePort { get; internal set; }

    public ConsulServiceRecord? Consul { get; internal set; }

    public string? VulcandHost { get; internal set; }

    public VulcandBackendRecord? VulcandBackend { get; internal set; }

    public VulcandFrontendRecord? VulcandFrontend { get; internal set; }

    public VulcandListenerRecord? VulcandListener { get; internal set; }

    public KongServiceRecord? KongService { get; internal set; }

    public KongRouteRecord? KongRoute { get; internal set; }

    public IReadOnlyList<PlatformInstanceState> Instances { get; internal set; } = Array.Empty<PlatformInstanceState>();

    public bool InConsul => Consul is not null;

    /// <summary>All four Vulcand parts exist (host, backend, frontend, listener).</summary>
    public bool InVulcand => VulcandHost is not null && VulcandBackend is not null && VulcandFrontend is not null && VulcandListener is not null;

    public bool InKong => KongService is not null && KongRoute is not null;

    /// <summary>Marked as ShowcaseOps's in Consul or Kong (Vulcand has no place for a mark).</summary>
    public bool IsOwned => (Consul?.IsOwned ?? false) || (KongService?.IsOwned ?? false) || (KongRoute?.IsOwned ?? false);

    /// <summary>
    /// Which path owns the service: the first definite owner among the Consul entry, the Kong service and route
    /// (<c>sync</c>, <c>cmdlet</c>, <c>gateway</c>), else <c>legacy</c> when only marked <c>showcaseops</c>; null when not ShowcaseOps's.
    /// </summary>
    public string? Owner
    {
        get
        {
            var owners = new[] { Consul?.Owner, KongService?.Owner, KongRoute?.Owner }.Where(o => o is not null).ToArray();
            return owners.FirstOrDefault(o => o != PlatformOwnership.LegacyOwner) ?? owners.FirstOrDefault();
        }
    }

    public IReadOnlyList<PlatformTarget> RegisteredIn => Targets(true);

    public IReadOnlyList<PlatformTarget> MissingFrom => Targets(false);

    /// <summary>The Vulcand parts that are missing (<c>host</c>, <c>backend</c>, <c>frontend</c>, <c>listener</c>), for partial registrations.</summary>
    public IReadOnlyList<string> MissingVulcandParts =>
        new[] { ("host", VulcandHost is null), ("backend", VulcandBackend is null), ("frontend", VulcandFrontend is null), ("listener", VulcandListener is null) }
            .Where(p => p.Item2).Select(p => p.Item1).ToArray();

    public override string ToString() => $"{Name} (in {string.Join(", ", RegisteredIn)}; missing from {string.Join(", ", MissingFrom)})";

    private PlatformTarget[] Targets(bool present) =>
        new[] { (PlatformTarget.Consul, InConsul), (PlatformTarget.Vulcand, InVulcand), (PlatformTarget.Kong, InKong) }
            .Where(t => t.Item2 == present).Select(t => t.Item1).ToArray();
}

/// <summary>An instance of a service as Consul and Vulcand know it.</summary>
public sealed class PlatformInstanceState
{
    internal PlatformInstanceState(string service, string instanceId)
    {
        Service = service;
        InstanceId = instanceId;
    }

    public string Service { get; }

    public string InstanceId { get; }

    public string? Address { get; internal set; }

    public int? Port { get; internal set; }

    public ConsulServiceRecord? Consul { get; internal set; }

    public VulcandServerRecord? VulcandServer { get; internal set; }

    public bool InConsul => Consul is not null;

    public bool InVulcand => VulcandServer is not null;

    public bool IsOwned => Consul?.IsOwned ?? false;

    /// <summary>Which path registered the instance (its Consul entry's mark); null when not ShowcaseOps's.</summary>
    public string? Owner => Consul?.Owner;

    public IReadOnlyList<PlatformTarget> RegisteredIn =>
        new[] { (PlatformTarget.Consul, InConsul), (PlatformTarget.Vulcand, InVulcand) }.Where(t => t.Item2).Select(t => t.Item1).ToArray();

    public IReadOnlyList<PlatformTarget> MissingFrom =>
        new[] { (PlatformTarget.Consul, InConsul), (PlatformTarget.Vulcand, InVulcand) }.Where(t => !t.Item2).Select(t => t.Item1).ToArray();

    public override string ToString() => $"{Service}/{InstanceId} {Address}:{Port}";
}

/// <summary>What the platform's admin APIs hold, read in one go (see <see cref="PlatformStateReader"/>).</summary>
public sealed class PlatformState
{
    internal PlatformState(
        IReadOnlyList<PlatformServiceState> services,
        IReadOnlyList<ConsulServiceRecord> consulServices,
        IReadOnlyList<string> vulcandHosts,
        IReadOnlyList<VulcandBackendRecord> vulcandBackends,
        IReadOnlyList<VulcandFrontendRecord> vulcandFrontends,
        IReadOnlyList<VulcandListenerRecord> vulcandListeners,
        IReadOnlyList<KongServiceRecord> kongServices,
        IReadOnlyList<KongRouteRecord> kongRoutes,
        IReadOnlyList<PlatformReadProblem> problems)
    {
        Services = services;
        ConsulServices = consulServices;
        VulcandHosts = vulcandHosts;
        VulcandBackends = vulcandBackends;
        VulcandFrontends = vulcandFrontends;
        VulcandListeners = vulcandListeners;
        KongServices = kongServices;
        KongRoutes = kongRoutes;
        Problems = problems;
    }

    /// <summary>Every service any target knows, by name (owned or not), sorted.</summary>
    public IReadOnlyList<PlatformServiceState> Services { get; }

    public IReadOnlyList<ConsulServiceRecord> ConsulServices { get; }

    public IReadOnlyList<string> VulcandHosts { get; }

    public IReadOnlyList<VulcandBackendRecord> VulcandBackends { get; }

    public IReadOnlyList<VulcandFrontendRecord> VulcandFrontends { get; }

    public IReadOnlyList<VulcandListenerRecord> VulcandListeners { get; }

    public IReadOnlyList<KongServiceRecord> KongServices { get; }

    public IReadOnlyList<KongRouteRecord> KongRoutes { get; }

    /// <summary>Reads that failed; when not empty, absence in this view may only mean "not read".</summary>
    public IReadOnlyList<PlatformReadProblem> Problems { get; }

    public bool IsComplete => Problems.Count == 0;

    /// <summary>How many batches (rounds) the read took: one SSM command each on the SSM channel.</summary>
    public int Rounds { get; internal set; }

    /// <summary>Backends whose server lists were deliberately not read (see <see cref="PlatformReadOptions.ReadServersOf"/>): their Servers are unknown, not empty.</summary>
    public IReadOnlyList<string> UnreadServerLists { get; internal set; } = Array.Empty<string>();

    public PlatformServiceState? Service(string name) => Services.FirstOrDefault(s => s.Name == name);

    /// <summary>Throws <c>PlatformReadFailed</c> when a read failed, so nothing acts on a partial view.</summary>
    public void ThrowIfIncomplete()
    {
        if (IsComplete)
        {
            return;
        }

        var first = Problems[0];
        throw new ShowcaseException(
            ShowcaseErrors.PlatformReadFailed,
            first.Status == 0 ? ShowcaseErrorCategory.ConnectionError : ShowcaseErrorCategory.InvalidResult,
            first.Target,
            $"{Problems.Count} platform read(s) failed, first {first.Target} '{first.Description}' ({(first.Status == 0 ? "no response" : first.Status.ToString(System.Globalization.CultureInfo.InvariantCulture))}): {first.Message}")
        {
            RecommendedAction = "Check that Consul, Vulcand and Kong are running and reachable over the chosen channel, then try again.",
        };
    }
}
