using System;
using ShowcaseOps.Core.Execution;
using ShowcaseOps.Core.Platform;

namespace ShowcaseOps.Core.Services;

/// <summary>What happened to one instance in a batch.</summary>
public sealed class InstanceOutcome
{
    internal InstanceOutcome(string service, string instanceId, string? address, int? port)
    {
        Service = service;
        InstanceId = instanceId;
        Address = address;
        Port = port;
    }

    public string Service { get; }

    public string InstanceId { get; }

    public string? Address { get; internal set; }

    public int? Port { get; internal set; }

    /// <summary>Registered in Consul after the command (as far as this command knows).</summary>
    public bool InConsul { get; internal set; }

    /// <summary>A server of the service's Vulcand backend after the command.</summary>
    public bool InVulcand { get; internal set; }

    /// <summary>Whether this command sent any write for the instance (false: it was already as wanted).</summary>
    public bool Changed { get; internal set; }

    /// <summary>The failure, when a read or a write for this instance failed (the others go on).</summary>
    public ShowcaseException? Error { get; internal set; }

    public bool Succeeded => Error is null;

    public override string ToString() => $"{Service}/{InstanceId}";
}
