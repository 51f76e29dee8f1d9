using System;
using System.Collections.Generic;
using System.Globalization;

namespace ShowcaseOps.Sandbox.StandIns.Ec2;

/// <summary>An EC2 error as the Query protocol answers it (thrown inside handlers, turned into an XML error body).</summary>
internal sealed class Ec2Fault : Exception
{
    public Ec2Fault(string code, string message, int status = 400)
        : base(message)
    {
        Code = code;
        Status = status;
    }

    public string Code { get; }

    public int Status { get; }
}

/// <summary>Base of every stored EC2 resource: id, tags, creation time (for the eventual-consistency window).</summary>
internal abstract class Ec2Resource
{
    protected Ec2Resource(string id, DateTime createdAt)
    {
        Id = id;
        CreatedAt = createdAt;
    }

    public string Id { get; }

    public DateTime CreatedAt { get; }

    /// <summary>The resource type as TagSpecifications and DescribeTags name it (vpc, subnet, instance, …).</summary>
    public abstract string ResourceType { get; }

    /// <summary>Created by AWS itself (a VPC's main route table, its default security group): never tagged by callers.</summary>
    public bool AwsManaged { get; init; }

    public Dictionary<string, string> Tags { get; } = new(StringComparer.Ordinal);
}

internal sealed class Vpc : Ec2Resource
{
    public Vpc(string id, DateTime createdAt, Cidr cidr)
        : base(id, createdAt) => Cidr = cidr;

    public override string ResourceType => "vpc";

    public Cidr Cidr { get; }

    public bool EnableDnsHostnames { get; set; }

    public bool EnableDnsSupport { get; set; } = true;
}

internal sealed class Subnet : Ec2Resource
{
    public Subnet(string id, DateTime createdAt, string vpcId, Cidr cidr, string availabilityZone)
        : base(id, createdAt)
    {
        VpcId = vpcId;
        Cidr = cidr;
        AvailabilityZone = availabilityZone;
    }

    public override string ResourceType => "subnet";

    public string VpcId { get; }

    public Cidr Cidr { get; }

    public string AvailabilityZone { get; }

    public HashSet<uint> UsedAddresses { get; } = new();

    /// <summary>The next free private address (AWS reserves the first four and the last one).</summary>
    public string AllocateAddress()
    {
        for (var offset = 4u; offset < Cidr.Size - 1; offset++)
        {
            var address = Cidr.Network + offset;
            if (UsedAddresses.Add(address))
            {
                return Cidr.Format(address);
            }
        }

        throw new Ec2Fault("InsufficientFreeAddressesInSubnet", $"There are not enough free addresses in subnet '{Id}' to satisfy the requested number of instances.");
    }

    public void Release(string? address)
    {
        if (address is not null && Cidr.TryParseAddress(address, out var value))
        {
            UsedAddresses.Remove(value);
        }
    }

    public int AvailableAddressCount => (int)Cidr.Size - 5 - UsedAddresses.Count;
}

internal sealed class InternetGateway : Ec2Resource
{
    public InternetGateway(string id, DateTime createdAt)
        : base(id, createdAt)
    {
    }

    public override string ResourceType => "internet-gateway";

    public string? AttachedVpcId { get; set; }
}

internal sealed class Route
{
    public Route(string destination, string? gatewayId, string? natGatewayId, string origin)
    {
        Destination = destination;
        GatewayId = gatewayId;
        NatGatewayId = natGatewayId;
        Origin = origin;
    }

    public string Destination { get; }

    public string? GatewayId { get; }

    public string? NatGatewayId { get; }

    public string Origin { get; }
}

internal sealed class RouteTableAssociation
{
    public RouteTableAssociation(string id, string? subnetId, bool main)
    {
        Id = id;
        SubnetId = subnetId;
        Main = main;
    }

    public string Id { get; }

    public string? SubnetId { get; }

    public bool Main { get; }
}

internal sealed class RouteTable : Ec2Resource
{
    public RouteTable(string id, DateTime createdAt, string vpcId)
        : base(id, createdAt) => VpcId = vpcId;

    public override string ResourceType => "route-table";

    public string VpcId { get; }

    public List<Route> Routes { get; } = new();

    public List<RouteTableAssociation> Associations { get; } = new();

    public bool IsMain => Associations.Exists(a => a.Main);

    public string? ClientToken { get; init; }
}

/// <summary>One security group rule: a protocol, a port range and one source (a CIDR or a group).</summary>
internal sealed record SecurityRule(string Protocol, int? FromPort, int? ToPort, string? CidrIp, string? GroupId, string? Description)
{
    public bool SameAs(SecurityRule other) =>
        Protocol == other.Protocol && FromPort == other.FromPort && ToPort == other.ToPort && CidrIp == other.CidrIp && GroupId == other.GroupId;

    public string Describe() =>
        string.Format(CultureInfo.InvariantCulture, "peer: {0}, {1}, from port: {2}, to port: {3}, ALLOW", CidrIp ?? GroupId, Protocol == "-1" ? "ALL" : Protocol.ToUpperInvariant(), FromPort?.ToString(CultureInfo.InvariantCulture) ?? "ALL", ToPort?.ToString(CultureInfo.InvariantCulture) ?? "ALL");
}

internal sealed class SecurityGroup : Ec2Resource
{
    public SecurityGroup(string id, DateTime createdAt, string vpcId, string name, string description)
        : base(id, createdAt)
    {
        VpcId = vpcId;
        Name = name;
        Description = description;
    }

    public override string ResourceType => "security-group";

    public string VpcId { get; }

    public string Name { get; }

    public string Description { get; }

    public List<SecurityRule> Ingress { get; } = new();

    public List<SecurityRule> Egress { get; } = new();
}

internal sealed class ElasticIp : Ec2Resource
{
    public ElasticIp(string id, DateTime createdAt, string publicIp)
        : base(id, createdAt) => PublicIp = publicIp;

    public override string ResourceType => "elastic-ip";

    public string PublicIp { get; }

    public string? AssociationId { get; set; }

    public string? InstanceId { get; set; }

    public string? NatGatewayId { get; set; }
}

internal sealed class NatGateway : Ec2Resource
{
    public NatGateway(string id, DateTime createdAt, string subnetId, string vpcId, string allocationId, string publicIp, string privateIp, string networkInterfaceId)
        : base(id, createdAt)
    {
        SubnetId = subnetId;
        VpcId = vpcId;
        AllocationId = allocationId;
        PublicIp = publicIp;
        PrivateIp = privateIp;
        NetworkInterfaceId = networkInterfaceId;
    }

    public override string ResourceType => "natgateway";

    public string SubnetId { get; }

    public string VpcId { get; }

    public string AllocationId { get; }

    public string PublicIp { get; }

    public string PrivateIp { get; }

    public string NetworkInterfaceId { get; }

    public DateTime? DeleteRequestedAt { get; set; }

    /// <summary>Set when the gateway could not be created (no internet gateway on the VPC): it goes to <c>failed</c>.</summary>
    public string? FailureCode { get; set; }

    public string? FailureMessage { get; set; }

    public string? ClientToken { get; set; }

    public string StateAt(DateTime now, SandboxOptions options)
    {
        if (DeleteRequestedAt is { } deleting)
        {
            return now < deleting + options.InstanceShutdownTime ? "deleting" : "deleted";
        }

        if (FailureCode is not null)
        {
            return "failed";
        }

        return now < CreatedAt + options.InstancePendingTime ? "pending" : "available";
    }
}

internal sealed class Instance : Ec2Resource
{
    public Instance(string id, DateTime launchTime)
        : base(id, launchTime)
    {
    }

    public override string ResourceType => "instance";

    public string ReservationId { get; set; } = string.Empty;

    public string ImageId { get; set; } = "ami-00000000";

    public string InstanceType { get; set; } = "t3.medium";

    public string? SubnetId { get; set; }

    public string? VpcId { get; set; }

    public string AvailabilityZone { get; set; } = string.Empty;

    public string PrivateIpAddress { get; set; } = string.Empty;

    public List<string> SecurityGroupIds { get; } = new();

    public string? KeyName { get; set; }

    public string? InstanceProfileName { get; set; }

    public string HttpTokens { get; set; } = "optional";

    public string HttpEndpoint { get; set; } = "enabled";

    public int HttpPutResponseHopLimit { get; set; } = 1;

    public bool RootVolumeEncrypted { get; set; }

    public int RootVolumeSize { get; set; } = 8;

    public string RootVolumeType { get; set; } = "gp3";

    public string VolumeId { get; set; } = string.Empty;

    public string NetworkInterfaceId { get; set; } = string.Empty;

    public int LaunchIndex { get; set; }

    public string? ClientToken { get; set; }

    public Dictionary<string, string> VolumeTags { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, string> NetworkInterfaceTags { get; } = new(StringComparer.Ordinal);

    public DateTime? TerminateRequestedAt { get; set; }

    /// <summary>For instances added through <see cref="Ec2StandIn.AddInstance"/>: a state that never changes.</summary>
    public string? FixedState { get; set; }

    public DateTime? FixedRunningSince { get; set; }

    public string StateAt(DateTime now, SandboxOptions options)
    {
        if (FixedState is not null)
        {
            return FixedState;
        }

        if (TerminateRequestedAt is { } terminating)
        {
            return now < terminating + options.InstanceShutdownTime ? "shutting-down" : "terminated";
        }

        return now < CreatedAt + options.InstancePendingTime ? "pending" : "running";
    }

    public DateTime? RunningSince(DateTime now, SandboxOptions options)
    {
        if (FixedState is not null)
        {
            return FixedRunningSince;
        }

        var running = CreatedAt + options.InstancePendingTime;
        return now >= running && (TerminateRequestedAt is null || TerminateRequestedAt > running) ? running : null;
    }

    public static int StateCode(string state) => state switch
    {
        "pending" => 0,
        "running" => 16,
        "shutting-down" => 32,
        "terminated" => 48,
        "stopping" => 64,
        "stopped" => 80,
        _ => 0,
    };
}

internal sealed class KeyPair : Ec2Resource
{
    public KeyPair(string id, DateTime createdAt, string name, string fingerprint, string keyType)
        : base(id, createdAt)
    {
        Name = name;
        Fingerprint = fingerprint;
        KeyType = keyType;
    }

    public override string ResourceType => "key-pair";

    public string Name { get; }

    public string Fingerprint { get; }

    public string KeyType { get; }
}

/// <summary>An IPv4 CIDR block.</summary>
internal readonly struct Cidr
{
    public Cidr(uint network, int prefix)
    {
        Prefix = prefix;
        Network = prefix == 0 ? 0 : network & (uint.MaxValue << (32 - prefix));
    }

    public uint Network { get; }

    public int Prefix { get; }

    public uint Size => Prefix == 0 ? uint.MaxValue : 1u << (32 - Prefix);

    public uint Last => Network + (Size - 1);

    public bool Contains(Cidr other) => other.Prefix >= Prefix && other.Network >= Network && other.Last <= Last;

    public bool Overlaps(Cidr other) => Network <= other.Last && other.Network <= Last;

    public override string ToString() => Format(Network) + "/" + Prefix.ToString(CultureInfo.InvariantCulture);

    public static string Format(uint address) =>
        string.Join(".", (address >> 24) & 255, (address >> 16) & 255, (address >> 8) & 255, address & 255);

    public static bool TryParse(string? text, out Cidr cidr)
    {
        cidr = default;
        if (text is null)
        {
            return false;
        }

        var slash = text.IndexOf('/');
        if (slash < 0 || !TryParseAddress(text.Substring(0, slash), out var address)
            || !int.TryParse(text.Substring(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var prefix) || prefix > 32)
        {
            return false;
        }

        cidr = new Cidr(address, prefix);
        return cidr.Network == address;
    }

    public static bool TryParseAddress(string text, out uint address)
    {
        address = 0;
        var parts = text.Split('.');
        if (parts.Length != 4)
        {
            return false;
        }

        foreach (var part in parts)
        {
            if (!byte.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var b))
            {
                return false;
            }

            address = (address << 8) | b;
        }

        return true;
    }
}

/// <summary>Filter values that never change (shared arrays).</summary>
internal static class Constants
{
    public static readonly string?[] Available = { "available" };
    public static readonly string?[] OptInNotRequired = { "opt-in-not-required" };
    public static readonly string?[] False = { "false" };
    public static readonly string?[] Vpc = { "vpc" };
}
