using System;
using System.Collections.Generic;
using System.Linq;

namespace ShowcaseOps.Core.Cluster;

/// <summary>Whether every resource of a cluster exists and is ready.</summary>
public enum ClusterState
{
    /// <summary>Every resource exists and every host is running.</summary>
    Complete,

    /// <summary>Something is missing or not ready (a create was interrupted, or a remove is under way): see <see cref="ClusterInfo.Missing"/>.</summary>
    Partial,
}

/// <summary>One tagged resource of a cluster (any type), as discovery saw it.</summary>
public sealed class ClusterResource
{
    public ClusterResource(string resourceType, string id, string role, IReadOnlyDictionary<string, string> tags)
    {
        ResourceType = resourceType;
        Id = id;
        Role = role;
        Tags = tags;
    }

    /// <summary>vpc, subnet, internet-gateway, route-table, security-group, elastic-ip, natgateway, instance, key-pair.</summary>
    public string ResourceType { get; }

    public string Id { get; }

    /// <summary>The <c>showcase:role</c> tag.</summary>
    public string Role { get; }

    public IReadOnlyDictionary<string, string> Tags { get; }

    public override string ToString() => $"{Role} {Id}";
}

public sealed class SubnetInfo
{
    public SubnetInfo(string id, string cidr, string availabilityZone, string vpcId)
    {
        Id = id;
        Cidr = cidr;
        AvailabilityZone = availabilityZone;
        VpcId = vpcId;
    }

    public string Id { get; }

    public string Cidr { get; }

    public string AvailabilityZone { get; }

    public string VpcId { get; }
}

public sealed class RouteTableInfo
{
    public RouteTableInfo(string id, string vpcId, string? defaultRouteTarget, IReadOnlyList<(string AssociationId, string SubnetId)> associations)
    {
        Id = id;
        VpcId = vpcId;
        DefaultRouteTarget = defaultRouteTarget;
        Associations = associations;
    }

    public string Id { get; }

    public string VpcId { get; }

    /// <summary>The gateway or NAT gateway id of the 0.0.0.0/0 route, if any.</summary>
    public string? DefaultRouteTarget { get; }

    /// <summary>Explicit (non-main) subnet associations.</summary>
    public IReadOnlyList<(string AssociationId, string SubnetId)> Associations { get; }
}

public sealed class SecurityGroupInfo
{
    public SecurityGroupInfo(string id, string name, string vpcId, IReadOnlyList<IngressRule> ingress, IReadOnlyList<string> referencedGroupIds)
    {
        Id = id;
        Name = name;
        VpcId = vpcId;
        Ingress = ingress;
        ReferencedGroupIds = referencedGroupIds;
    }

    public string Id { get; }

    public string Name { get; }

    public string VpcId { get; }

    /// <summary>CIDR-sourced ingress rules (one entry per protocol, port range and CIDR).</summary>
    public IReadOnlyList<IngressRule> Ingress { get; }

    /// <summary>Other groups this group's ingress rules name (revoked before the groups are deleted).</summary>
    public IReadOnlyList<string> ReferencedGroupIds { get; }

    /// <summary>Every ingress rule, CIDR and group sources alike (one entry per protocol, port range and source).</summary>
    public IReadOnlyList<SecurityGroupRule> Permissions { get; init; } = Array.Empty<SecurityGroupRule>();

    /// <summary>Every egress rule (one entry per protocol, port range and destination).</summary>
    public IReadOnlyList<SecurityGroupRule> Egress { get; init; } = Array.Empty<SecurityGroupRule>();
}

public sealed class AddressInfo
{
    public AddressInfo(string allocationId, string publicIp, string? associationId, string? instanceId, string? networkInterfaceId, string role)
    {
        AllocationId = allocationId;
        PublicIp = publicIp;
        AssociationId = associationId;
        InstanceId = instanceId;
        NetworkInterfaceId = networkInterfaceId;
        Role = role;
    }

    public string AllocationId { get; }

    public string PublicIp { get; }

    public string? AssociationId { get; }

    public string? InstanceId { get; }

    public string? NetworkInterfaceId { get; }

    public string Role { get; }
}

public sealed class NatGatewayInfo
{
    public NatGatewayInfo(string id, string state, string subnetId, string vpcId, string? allocationId, DateTime? createTime)
    {
        Id = id;
        State = state;
        SubnetId = subnetId;
        VpcId = vpcId;
        AllocationId = allocationId;
        CreateTime = createTime;
    }

    public string Id { get; }

    /// <summary>pending, available, deleting, deleted, failed.</summary>
    public string State { get; }

    public string SubnetId { get; }

    public string VpcId { get; }

    public string? AllocationId { get; }

    public DateTime? CreateTime { get; }

    public bool IsUsable => State is "pending" or "available";
}

/// <summary>One EC2 host of a cluster (gateway, master or agent); a record so a changed copy is one <c>with</c>.</summary>
public sealed record ClusterHostInfo
{
    public ClusterHostInfo(string instanceId, string role, string name, int? index, string state)
    {
        InstanceId = instanceId;
        Role = role;
        Name = name;
        Index = index;
        State = state;
    }

    public string InstanceId { get; }

    /// <summary>gateway, master or agent.</summary>
    public string Role { get; }

    /// <summary>The Name tag (<c>demo-gateway</c>, <c>demo-agent-2</c>).</summary>
    public string Name { get; }

    /// <summary>The agent's <c>showcase:index</c> (1-based); null for the gateway and the master.</summary>
    public int? Index { get; }

    /// <summary>pending, running, shutting-down, terminated, stopping, stopped.</summary>
    public string State { get; }

    public string? PrivateIpAddress { get; init; }

    public string? PublicIpAddress { get; init; }

    public string? InstanceType { get; init; }

    public string? ImageId { get; init; }

    public string? SubnetId { get; init; }

    public string? KeyName { get; init; }

    public string? InstanceProfileName { get; init; }

    public string? HttpTokens { get; init; }

    public DateTime? LaunchTime { get; init; }

    /// <summary>The security groups of the instance (its primary network interface).</summary>
    public IReadOnlyList<string> SecurityGroupIds { get; init; } = Array.Empty<string>();

    public bool IsLive => State is "pending" or "running" or "stopping" or "stopped";
}

/// <summary>A cluster rebuilt from tags alone (see <see cref="ClusterDiscovery"/>). Null members are missing.</summary>
public sealed class ClusterInfo
{
    public ClusterInfo(string name, string region)
    {
        Name = name;
        Region = region;
    }

    public string Name { get; }

    public string Region { get; }

    public string? VpcId { get; internal set; }

    public string? VpcCidr { get; internal set; }

    /// <summary>The VPC's <c>showcase:domain</c> tag.</summary>
    public string? Domain { get; internal set; }

    /// <summary>The VPC's <c>showcase:generation</c> tag (part of every client token), or the VPC id's tail for VPCs without it.</summary>
    public string? Generation { get; internal set; }

    public string? InternetGatewayId { get; internal set; }

    /// <summary>The VPC the internet gateway is attached to (null: detached).</summary>
    public string? InternetGatewayVpcId { get; internal set; }

    public SubnetInfo? PublicSubnet { get; internal set; }

    public SubnetInfo? PrivateSubnet { get; internal set; }

    public RouteTableInfo? PublicRouteTable { get; internal set; }

    public RouteTableInfo? PrivateRouteTable { get; internal set; }

    public SecurityGroupInfo? GatewaySecurityGroup { get; internal set; }

    public SecurityGroupInfo? MasterSecurityGroup { get; internal set; }

    public SecurityGroupInfo? AgentSecurityGroup { get; internal set; }

    public AddressInfo? NatAddress { get; internal set; }

    public AddressInfo? GatewayAddress { get; internal set; }

    /// <summary>The usable (pending or available) NAT gateway, if any.</summary>
    public NatGatewayInfo? NatGateway { get; internal set; }

    public ClusterHostInfo? Gateway { get; internal set; }

    public ClusterHostInfo? Master { get; internal set; }

    /// <summary>Live agents (not shutting down or terminated), by index.</summary>
    public IReadOnlyList<ClusterHostInfo> Agents { get; internal set; } = Array.Empty<ClusterHostInfo>();

    /// <summary>Every instance not yet terminated, shutting-down ones included.</summary>
    public IReadOnlyList<ClusterHostInfo> Instances { get; internal set; } = Array.Empty<ClusterHostInfo>();

    /// <summary>Every NAT gateway not yet deleted (failed ones included).</summary>
    public IReadOnlyList<NatGatewayInfo> NatGateways { get; internal set; } = Array.Empty<NatGatewayInfo>();

    public IReadOnlyList<AddressInfo> Addresses { get; internal set; } = Array.Empty<AddressInfo>();

    public IReadOnlyList<SecurityGroupInfo> SecurityGroups { get; internal set; } = Array.Empty<SecurityGroupInfo>();

    public IReadOnlyList<RouteTableInfo> RouteTables { get; internal set; } = Array.Empty<RouteTableInfo>();

    public IReadOnlyList<SubnetInfo> Subnets { get; internal set; } = Array.Empty<SubnetInfo>();

    /// <summary>(id, attached VPC) of every tagged internet gateway.</summary>
    public IReadOnlyList<(string Id, string? VpcId)> InternetGateways { get; internal set; } = Array.Empty<(string, string?)>();

    public IReadOnlyList<string> VpcIds { get; internal set; } = Array.Empty<string>();

    public string? KeyPairName { get; internal set; }

    public IReadOnlyList<string> KeyPairNames { get; internal set; } = Array.Empty<string>();

    /// <summary>Every tagged resource (duplicates and leftovers included): what Remove- deletes.</summary>
    public IReadOnlyList<ClusterResource> Resources { get; internal set; } = Array.Empty<ClusterResource>();

    public bool Exists => Resources.Count > 0;

    public string? AvailabilityZone => PublicSubnet?.AvailabilityZone ?? PrivateSubnet?.AvailabilityZone;

    /// <summary>The earliest creation time the tags can tell (instance launch, NAT gateway creation).</summary>
    public DateTime? CreatedTime
    {
        get
        {
            var times = Instances.Select(i => i.LaunchTime).Concat(NatGateways.Select(n => n.CreateTime)).Where(t => t.HasValue).Select(t => t!.Value).ToList();
            return times.Count == 0 ? null : times.Min();
        }
    }

    /// <summary>What a complete cluster has and this one lacks (roles, with a reason where useful).</summary>
    public IReadOnlyList<string> Missing
    {
        get
        {
            var missing = new List<string>();
            void Need(bool ok, string what)
            {
                if (!ok)
                {
                    missing.Add(what);
                }
            }

            Need(VpcId is not null, ClusterRoles.Vpc);
            Need(InternetGatewayId is not null && InternetGatewayVpcId == VpcId, ClusterRoles.InternetGateway);
            Need(PublicSubnet is not null, ClusterRoles.PublicSubnet);
            Need(PrivateSubnet is not null, ClusterRoles.PrivateSubnet);
            Need(PublicRouteTable is not null && PublicRouteTable.DefaultRouteTarget == InternetGatewayId && PublicRouteTable.Associations.Any(a => a.SubnetId == PublicSubnet?.Id), ClusterRoles.PublicRouteTable);
            Need(PrivateRouteTable is not null && PrivateRouteTable.DefaultRouteTarget == NatGateway?.Id && PrivateRouteTable.Associations.Any(a => a.SubnetId == PrivateSubnet?.Id), ClusterRoles.PrivateRouteTable);
            Need(GatewaySecurityGroup is not null, ClusterRoles.GatewaySecurityGroup);
            Need(MasterSecurityGroup is not null, ClusterRoles.MasterSecurityGroup);
            Need(AgentSecurityGroup is not null, ClusterRoles.AgentSecurityGroup);
            Need(NatAddress is not null, ClusterRoles.NatEip);
            Need(NatGateway is { State: "available" }, ClusterRoles.NatGateway);
            Need(GatewayAddress is not null && GatewayAddress.InstanceId == Gateway?.InstanceId, ClusterRoles.GatewayEip);
            Need(Gateway is { State: "running" }, ClusterRoles.Gateway);
            Need(Master is { State: "running" }, ClusterRoles.Master);
            foreach (var agent in Agents.Where(a => a.State != "running"))
            {
                missing.Add(agent.Name + " (" + agent.State + ")");
            }

            return missing;
        }
    }

    public ClusterState State => Missing.Count == 0 ? ClusterState.Complete : ClusterState.Partial;

    /// <summary>Gateway, master and agents, in that order.</summary>
    public IEnumerable<ClusterHostInfo> Hosts =>
        new[] { Gateway, Master }.Where(h => h is not null).Select(h => h!).Concat(Agents);
}
