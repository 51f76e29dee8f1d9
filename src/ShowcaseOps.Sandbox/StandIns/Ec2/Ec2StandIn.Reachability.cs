using System;
using System.Collections.Generic;
using System.Linq;
using ShowcaseOps.Sandbox.StandIns.Ec2;

namespace ShowcaseOps.Sandbox.StandIns;

/// <summary>What the EC2 stand-in's security groups do to one connection.</summary>
public sealed class SandboxConnectionVerdict
{
    public SandboxConnectionVerdict(bool allowed, bool modelled, string reason)
    {
        Allowed = allowed;
        Modelled = modelled;
        Reason = reason;
    }

    public bool Allowed { get; }

    /// <summary>False when an end is not an instance with security groups (a test seam's host, an outside address): then nothing is enforced.</summary>
    public bool Modelled { get; }

    public string Reason { get; }

    public override string ToString() => (Allowed ? "allowed: " : "denied: ") + Reason;
}

// Security group evaluation for the traffic other stand-ins carry (platform scripts' curl calls, Kong to Vulcand to tasks).
public sealed partial class Ec2StandIn
{
    private readonly List<string> _deniedConnections = new();

    /// <summary>Every connection the groups refused (newest last), for tests and curious users.</summary>
    public IReadOnlyList<string> DeniedConnections
    {
        get
        {
            lock (_gate)
            {
                return _deniedConnections.ToList();
            }
        }
    }

    /// <summary>
    /// Whether a connection from one instance to another gets through their security groups: the source's egress must
    /// admit the destination (its address or one of its groups) and the destination's ingress the source, on the
    /// protocol and port. Groups are stateful: answers are not checked. An instance talking to its own address, an end
    /// that is no live instance with groups, or <see cref="SandboxOptions.EnforceSecurityGroups"/> off: allowed.
    /// </summary>
    public SandboxConnectionVerdict CheckConnection(string sourceAddress, string destinationAddress, string protocol, int port)
    {
        var verdict = EvaluateConnection(sourceAddress, destinationAddress, protocol, port);
        if (!verdict.Allowed)
        {
            NoteDeniedConnection(verdict.Reason);
        }

        return verdict;
    }

    /// <summary>Records a connection the groups refused (the SSM stand-in notes what a script actually tried).</summary>
    internal void NoteDeniedConnection(string reason)
    {
        lock (_gate)
        {
            _deniedConnections.Add(reason);
        }
    }

    /// <summary><see cref="CheckConnection"/> without recording a refusal (for rules computed ahead of the traffic).</summary>
    internal SandboxConnectionVerdict EvaluateConnection(string sourceAddress, string destinationAddress, string protocol, int port)
    {
        lock (_gate)
        {
            if (!Options.EnforceSecurityGroups)
            {
                return new SandboxConnectionVerdict(true, false, "security groups are not enforced (SandboxOptions.EnforceSecurityGroups)");
            }

            var now = DateTime.UtcNow;
            var source = LiveInstanceAt(sourceAddress, now, null);
            // Private addresses mean something only inside one VPC: two clusters may use the same ones.
            var destination = LiveInstanceAt(destinationAddress, now, source?.VpcId);
            if (source is null || destination is null || source.SecurityGroupIds.Count == 0 || destination.SecurityGroupIds.Count == 0)
            {
                return new SandboxConnectionVerdict(true, false, $"{sourceAddress} -> {destinationAddress}: not two instances with security groups");
            }

            if (source.Id == destination.Id)
            {
                return new SandboxConnectionVerdict(true, true, $"{source.Id} to itself (never leaves the host)");
            }

            var what = $"{protocol}/{port} from {source.Id} ({source.PrivateIpAddress}) to {destination.Id} ({destination.PrivateIpAddress})";
            var egress = source.SecurityGroupIds.Where(_securityGroups.ContainsKey).SelectMany(id => _securityGroups[id].Egress)
                .FirstOrDefault(r => Admits(r, protocol, port, destination));
            if (egress is null)
            {
                return Deny($"{what}: no egress rule of {string.Join(", ", source.SecurityGroupIds)} admits it");
            }

            var ingress = destination.SecurityGroupIds.Where(_securityGroups.ContainsKey).SelectMany(id => _securityGroups[id].Ingress)
                .FirstOrDefault(r => Admits(r, protocol, port, source));
            if (ingress is null)
            {
                return Deny($"{what}: no ingress rule of {string.Join(", ", destination.SecurityGroupIds)} admits it");
            }

            return new SandboxConnectionVerdict(true, true, $"{what}: {ingress.Describe()}");
        }
    }

    private static SandboxConnectionVerdict Deny(string reason) => new(false, true, reason);

    private Instance? LiveInstanceAt(string address, DateTime now, string? vpcId) =>
        _instances.Values.FirstOrDefault(i => (i.PrivateIpAddress == address || i.Id == address) && (vpcId is null || i.VpcId == vpcId) && i.StateAt(now, Options) == "running");

    /// <summary>The other running instances in the VPC of <paramref name="instanceId"/>: the only private addresses it can reach.</summary>
    internal IReadOnlyList<(string InstanceId, string PrivateIpAddress)> RunningPeersInVpcOf(string instanceId)
    {
        lock (_gate)
        {
            var now = DateTime.UtcNow;
            var source = _instances.Values.FirstOrDefault(i => i.Id == instanceId);
            return _instances.Values
                .Where(i => i.Id != instanceId && (source is null || i.VpcId == source.VpcId) && !string.IsNullOrEmpty(i.PrivateIpAddress) && i.StateAt(now, Options) == "running")
                .Select(i => (i.Id, i.PrivateIpAddress!))
                .ToList();
        }
    }

    private static bool Admits(SecurityRule rule, string protocol, int port, Instance peer)
    {
        if (rule.Protocol != "-1" && (rule.Protocol != protocol || rule.FromPort > port || port > rule.ToPort))
        {
            return false;
        }

        if (rule.GroupId is not null)
        {
            return peer.SecurityGroupIds.Contains(rule.GroupId);
        }

        return rule.CidrIp is not null && Cidr.TryParse(rule.CidrIp, out var cidr) && Cidr.TryParseAddress(peer.PrivateIpAddress, out var value)
               && value >= cidr.Network && value <= cidr.Last;
    }
}
