using System;
using System.Collections.Generic;
using System.Linq;
using ShowcaseOps.Core.Platform;
using ShowcaseOps.Core.Services;

namespace ShowcaseOps.Model;

/// <summary>
/// An instance of a service (a Marathon task): where it listens and where it is registered (Consul, Vulcand). Output of
/// Get-/Register-/Unregister-ShowcaseInstance; its ServiceName, InstanceId, HostAddress and HostPort bind by property
/// name back into those cmdlets.
/// </summary>
public sealed class ShowcaseInstance
{
    internal ShowcaseInstance(string cluster, PlatformInstanceState state)
        : this(cluster, state.Service, state.InstanceId, state.Address, state.Port, state.InConsul, state.InVulcand, changed: false)
    {
        Owned = state.IsOwned;
    }

    internal ShowcaseInstance(string cluster, InstanceOutcome outcome)
        : this(cluster, outcome.Service, outcome.InstanceId, outcome.Address, outcome.Port, outcome.InConsul, outcome.InVulcand, outcome.Changed)
    {
        Owned = outcome.InConsul;
    }

    private ShowcaseInstance(string cluster, string service, string instanceId, string? address, int? port, bool inConsul, bool inVulcand, bool changed)
    {
        Cluster = cluster;
        ServiceName = service;
        InstanceId = instanceId;
        HostAddress = address;
        HostPort = port;
        InConsul = inConsul;
        InVulcand = inVulcand;
        Changed = changed;
        var targets = new[] { ("Consul", inConsul), ("Vulcand", inVulcand) };
        RegisteredIn = targets.Where(t => t.Item2).Select(t => t.Item1).ToArray();
        MissingFrom = targets.Where(t => !t.Item2).Select(t => t.Item1).ToArray();
        Status = RegisteredIn.Count == 2 ? ShowcaseRegistrationStatus.Registered
            : RegisteredIn.Count == 0 ? ShowcaseRegistrationStatus.Unregistered
            : ShowcaseRegistrationStatus.Partial;
    }

    public string Cluster { get; }

    /// <summary>The service (<c>web</c>).</summary>
    public string ServiceName { get; }

    /// <summary>The instance id (a Vulcand server id; the Consul entry is <c>&lt;service&gt;-&lt;instance&gt;</c>).</summary>
    public string InstanceId { get; }

    /// <summary>The address the instance listens on (an agent's IP).</summary>
    public string? HostAddress { get; }

    public int? HostPort { get; }

    public bool InConsul { get; }

    public bool InVulcand { get; }

    public IReadOnlyList<string> RegisteredIn { get; }

    public IReadOnlyList<string> MissingFrom { get; }

    /// <summary>Registered (in both), Partial (in one), Unregistered (in none).</summary>
    public ShowcaseRegistrationStatus Status { get; }

    /// <summary>Whether the command that returned this object changed anything for the instance.</summary>
    public bool Changed { get; }

    /// <summary>Whether its Consul entry carries the ShowcaseOps mark.</summary>
    public bool Owned { get; }

    /// <summary><c>http://address:port</c>, the Vulcand server URL.</summary>
    public string? Url => HostAddress is null || HostPort is null ? null
        : Core.Net.HttpUrl.Format(HostAddress, HostPort.Value);

    public override string ToString() => ServiceName + "/" + InstanceId;
}
