using System;
using System.Collections.Generic;
using System.Linq;
using ShowcaseOps.Core.Platform;

namespace ShowcaseOps.Model;

/// <summary>How completely a service or instance is registered.</summary>
public enum ShowcaseRegistrationStatus
{
    /// <summary>In every target it belongs in.</summary>
    Registered,

    /// <summary>In some targets and missing from others: drift to repair (register it again).</summary>
    Partial,

    /// <summary>In no target (after Unregister-ShowcaseInstance, or when a registration failed entirely).</summary>
    Unregistered,
}

/// <summary>A service as Get-ShowcaseService shows it: where it is registered (Consul, Vulcand, Kong) and where it is missing.</summary>
public sealed class ShowcaseService
{
    internal ShowcaseService(string cluster, string domain, PlatformServiceState state)
    {
        Cluster = cluster;
        Name = state.Name;
        Domain = state.Domain ?? domain;
        HostName = state.Name + "." + Domain;
        ServicePort = state.ServicePort;
        InConsul = state.InConsul;
        InVulcand = state.InVulcand;
        InKong = state.InKong;
        RegisteredIn = state.RegisteredIn.Select(t => t.ToString()).ToArray();
        MissingFrom = state.MissingFrom.Select(t => t.ToString()).ToArray();
        MissingVulcandParts = state.MissingVulcandParts.ToArray();
        Owned = state.IsOwned;
        InstanceCount = state.Instances.Count;
        Status = MissingFrom.Count == 0 ? ShowcaseRegistrationStatus.Registered : ShowcaseRegistrationStatus.Partial;
    }

    public string Name { get; }

    public string Cluster { get; }

    public string Domain { get; }

    /// <summary>The name the router and the gateway route on (<c>web.service.consul</c>).</summary>
    public string HostName { get; }

    public int? ServicePort { get; }

    public bool InConsul { get; }

    public bool InVulcand { get; }

    public bool InKong { get; }

    public IReadOnlyList<string> RegisteredIn { get; }

    public IReadOnlyList<string> MissingFrom { get; }

    /// <summary>Vulcand objects missing when the service is only partly there (host, backend, frontend, listener).</summary>
    public IReadOnlyList<string> MissingVulcandParts { get; }

    /// <summary>Whether ShowcaseOps registered it (tag/Meta): only owned entries are ever removed by Sync-ShowcaseService.</summary>
    public bool Owned { get; }

    public int InstanceCount { get; }

    public ShowcaseRegistrationStatus Status { get; }

    public override string ToString() => Name;
}
