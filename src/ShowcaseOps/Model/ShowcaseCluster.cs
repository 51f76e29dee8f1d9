using System;
using System.Collections.Generic;
using System.Linq;
using ShowcaseOps.Core.Cluster;

namespace ShowcaseOps.Model;

/// <summary>Whether every resource of a cluster exists and every host runs.</summary>
public enum ShowcaseClusterState
{
    Complete,
    Partial,
}

/// <summary>
/// A cluster as Get-/New-/Set-ShowcaseCluster show it, rebuilt from tags. Other cmdlets take it (or its name) as
/// <c>-Cluster</c>: the gateway's instance id for SSM, the master's private address, the agents.
/// </summary>
public sealed class ShowcaseCluster
{
    internal ShowcaseCluster(ClusterInfo info)
    {
        Name = info.Name;
        Region = info.Region;
        State = info.State == ClusterState.Complete ? ShowcaseClusterState.Complete : ShowcaseClusterState.Partial;
        MissingResources = info.Missing.ToArray();
        Domain = info.Domain;
        CreatedTime = info.CreatedTime;
        VpcId = info.VpcId;
        VpcCidr = info.VpcCidr;
        AvailabilityZone = info.AvailabilityZone;
        PublicSubnetId = info.PublicSubnet?.Id;
        PrivateSubnetId = info.PrivateSubnet?.Id;
        InternetGatewayId = info.InternetGatewayId;
        NatGatewayId = info.NatGateway?.Id;
        GatewaySecurityGroupId = info.GatewaySecurityGroup?.Id;
        MasterSecurityGroupId = info.MasterSecurityGroup?.Id;
        AgentSecurityGroupId = info.AgentSecurityGroup?.Id;
        KeyName = info.KeyPairName;
        Gateway = info.Gateway is null ? null : new ShowcaseClusterHost(info.Name, info.Gateway);
        Master = info.Master is null ? null : new ShowcaseClusterHost(info.Name, info.Master);
        Agents = info.Agents.Select(a => new ShowcaseClusterHost(info.Name, a)).ToArray();
        GatewayPublicIpAddress = info.GatewayAddress?.PublicIp;
        Info = info;
    }

    public string Name { get; }

    public string Region { get; }

    public ShowcaseClusterState State { get; }

    /// <summary>What a complete cluster has and this one lacks (empty when Complete).</summary>
    public IReadOnlyList<string> MissingResources { get; }

    /// <summary>The DNS domain the platform's services answer under (the VPC's showcase:domain tag).</summary>
    public string? Domain { get; }

    /// <summary>The earliest creation time the tags tell (first instance launch or NAT gateway creation), UTC.</summary>
    public DateTime? CreatedTime { get; }

    public string? VpcId { get; }

    public string? VpcCidr { get; }

    public string? AvailabilityZone { get; }

    public string? PublicSubnetId { get; }

    public string? PrivateSubnetId { get; }

    public string? InternetGatewayId { get; }

    public string? NatGatewayId { get; }

    public string? GatewaySecurityGroupId { get; }

    public string? MasterSecurityGroupId { get; }

    public string? AgentSecurityGroupId { get; }

    public string? KeyName { get; }

    /// <summary>The gateway's Elastic IP (Kong's proxy answers there on 80/443).</summary>
    public string? GatewayPublicIpAddress { get; }

    public string? GatewayPrivateIpAddress => Gateway?.PrivateIpAddress;

    public string? MasterPrivateIpAddress => Master?.PrivateIpAddress;

    public ShowcaseClusterHost? Gateway { get; }

    public ShowcaseClusterHost? Master { get; }

    public IReadOnlyList<ShowcaseClusterHost> Agents { get; }

    public int AgentCount => Agents.Count;

    /// <summary>Gateway, master and agents, in that order.</summary>
    public IReadOnlyList<ShowcaseClusterHost> Hosts =>
        new[] { Gateway, Master }.Where(h => h is not null).Select(h => h!).Concat(Agents).ToArray();

    /// <summary>The core's view (for other areas of the module).</summary>
    internal ClusterInfo Info { get; }

    public override string ToString() => Name;
}

/// <summary>One EC2 host of a cluster.</summary>
public sealed class ShowcaseClusterHost
{
    internal ShowcaseClusterHost(string cluster, ClusterHostInfo host)
    {
        Cluster = cluster;
        InstanceId = host.InstanceId;
        Role = host.Role;
        Name = host.Name;
        Index = host.Index;
        PrivateIpAddress = host.PrivateIpAddress;
        PublicIpAddress = host.PublicIpAddress;
        State = host.State;
        InstanceType = host.InstanceType;
        LaunchTime = host.LaunchTime;
    }

    /// <summary>The cluster's name.</summary>
    public string Cluster { get; }

    public string InstanceId { get; }

    /// <summary>gateway, master or agent.</summary>
    public string Role { get; }

    /// <summary>The Name tag (demo-gateway, demo-agent-2).</summary>
    public string Name { get; }

    /// <summary>The agent's 1-based index; null for the gateway and the master.</summary>
    public int? Index { get; }

    public string? PrivateIpAddress { get; }

    public string? PublicIpAddress { get; }

    /// <summary>pending, running, shutting-down, terminated, stopping or stopped.</summary>
    public string State { get; }

    public string? InstanceType { get; }

    public DateTime? LaunchTime { get; }

    public override string ToString() => Name;
}
