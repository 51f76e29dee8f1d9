using System;
using System.Collections.Generic;
using System.Linq;
using ShowcaseOps.Sandbox.Hosting;
using ShowcaseOps.Sandbox.StandIns.Ec2;

namespace ShowcaseOps.Sandbox.StandIns;

// Elastic IPs, NAT gateways and network interfaces.
public sealed partial class Ec2StandIn
{
    private readonly Dictionary<string, (string SubnetId, string VpcId, string PrivateIp)> _detachedInterfaces = new(StringComparer.Ordinal);

    /// <summary>Test seam: a detached ("available") network interface left in a subnet, as a crashed service can leave one.</summary>
    public string AddDetachedNetworkInterface(string subnetId)
    {
        lock (_gate)
        {
            if (!_subnets.TryGetValue(subnetId, out var subnet))
            {
                throw new ArgumentException($"No subnet {subnetId}.", nameof(subnetId));
            }

            var id = NewId("eni");
            _detachedInterfaces[id] = (subnet.Id, subnet.VpcId, subnet.AllocateAddress());
            return id;
        }
    }

    /// <summary>Clears associations whose instance terminated or whose NAT gateway was deleted (AWS does so itself).</summary>
    private void Refresh(ElasticIp address, DateTime now)
    {
        if (address.InstanceId is not null && (!_instances.TryGetValue(address.InstanceId, out var instance) || instance.StateAt(now, Options) == "terminated"))
        {
            address.InstanceId = null;
            address.AssociationId = null;
        }

        if (address.NatGatewayId is not null && (!_natGateways.TryGetValue(address.NatGatewayId, out var nat) || nat.StateAt(now, Options) is "deleted" or "failed"))
        {
            address.NatGatewayId = null;
            address.AssociationId = null;
        }
    }

    /// <summary>The VPC an address is mapped into, or null when it is not associated.</summary>
    private string? AddressVpc(ElasticIp address, DateTime now)
    {
        Refresh(address, now);
        if (address.InstanceId is not null)
        {
            return _instances[address.InstanceId].VpcId;
        }

        return address.NatGatewayId is not null ? _natGateways[address.NatGatewayId].VpcId : null;
    }

    private SandboxResponse AllocateAddress(Ec2Params p, DateTime now)
    {
        var domain = p["Domain"] ?? "vpc";
        if (domain != "vpc")
        {
            throw new Ec2Fault("InvalidParameterValue", "EC2-Classic addresses are no longer available: use Domain=vpc.");
        }

        var address = new ElasticIp(NewId("eipalloc"), now, NextPublicIp());
        ApplyTags(address, p.TagsFor("elastic-ip", "elastic-ip"));
        _addresses.Add(address.Id, address);
        return new Ec2Xml("AllocateAddress").Element("publicIp", address.PublicIp).Element("domain", "vpc").Element("allocationId", address.Id)
            .Element("publicIpv4Pool", "amazon").Element("networkBorderGroup", Options.Region).Build();
    }

    private SandboxResponse DescribeAddresses(Ec2Params p, DateTime now)
    {
        foreach (var address in _addresses.Values)
        {
            Refresh(address, now);
        }

        var selected = Select(_addresses.Values, p.List("AllocationId"), now, "InvalidAllocationID.NotFound", "allocation", p.Filters(), (a, name) => name switch
        {
            "allocation-id" => new[] { a.Id },
            "association-id" => new[] { a.AssociationId },
            "instance-id" => new[] { a.InstanceId },
            "public-ip" => new[] { a.PublicIp },
            "domain" => Constants.Vpc,
            "network-interface-id" => new[] { InterfaceOf(a) },
            "private-ip-address" => new[] { PrivateIpOf(a) },
            _ => null,
        });
        var publicIps = p.List("PublicIp");
        if (publicIps.Count > 0)
        {
            selected = selected.Where(a => publicIps.Contains(a.PublicIp)).ToList();
        }

        return new Ec2Xml("DescribeAddresses").Set("addressesSet", selected, (x, a) => x.Element("publicIp", a.PublicIp).Element("allocationId", a.Id).Element("domain", "vpc")
                .Element("instanceId", a.InstanceId).Element("associationId", a.AssociationId).Element("networkInterfaceId", InterfaceOf(a))
                .Element("networkInterfaceOwnerId", a.AssociationId is null ? null : OwnerId).Element("privateIpAddress", PrivateIpOf(a))
                .TagSet(a.Tags).Element("publicIpv4Pool", "amazon").Element("networkBorderGroup", Options.Region))
            .Build();
    }

    private string? InterfaceOf(ElasticIp a) =>
        a.InstanceId is not null ? _instances[a.InstanceId].NetworkInterfaceId : a.NatGatewayId is not null ? _natGateways[a.NatGatewayId].NetworkInterfaceId : null;

    private string? PrivateIpOf(ElasticIp a) =>
        a.InstanceId is not null ? _instances[a.InstanceId].PrivateIpAddress : a.NatGatewayId is not null ? _natGateways[a.NatGatewayId].PrivateIp : null;

    private SandboxResponse AssociateAddress(Ec2Params p, DateTime now)
    {
        var address = Require(_addresses, p["AllocationId"] ?? throw new Ec2Fault("MissingParameter", "The request must contain the parameter AllocationId"), now, "InvalidAllocationID.NotFound", "allocation");
        Refresh(address, now);
        var instance = Require(_instances, p["InstanceId"] ?? throw new Ec2Fault("MissingParameter", "The request must contain the parameter InstanceId"), now, "InvalidInstanceID.NotFound", "instance");
        var state = instance.StateAt(now, Options);
        if (state is not ("running" or "stopped"))
        {
            throw new Ec2Fault("InvalidInstanceID", $"The {state} instance '{instance.Id}' is not in a valid state for this operation.");
        }

        if (!_internetGateways.Values.Any(g => g.AttachedVpcId == instance.VpcId))
        {
            throw new Ec2Fault("Gateway.NotAttached", $"Network {instance.VpcId} is not attached to any internet gateway");
        }

        if (address.NatGatewayId is not null)
        {
            throw new Ec2Fault("Resource.AlreadyAssociated", $"Elastic IP address [{address.Id}] is already associated");
        }

        if (address.InstanceId == instance.Id && address.AssociationId is not null)
        {
            return new Ec2Xml("AssociateAddress").Element("return", true).Element("associationId", address.AssociationId).Build();
        }

        if (address.InstanceId is not null && p.Bool("AllowReassociation") != true)
        {
            throw new Ec2Fault("Resource.AlreadyAssociated", $"Elastic IP address [{address.Id}] is already associated");
        }

        foreach (var other in _addresses.Values.Where(a => a.InstanceId == instance.Id))
        {
            other.InstanceId = null;
            other.AssociationId = null;
        }

        address.InstanceId = instance.Id;
        address.AssociationId = NewId("eipassoc");
        return new Ec2Xml("AssociateAddress").Element("return", true).Element("associationId", address.AssociationId).Build();
    }

    private SandboxResponse DisassociateAddress(Ec2Params p, DateTime now)
    {
        var id = p.Required("AssociationId");
        foreach (var candidate in _addresses.Values)
        {
            Refresh(candidate, now);
        }

        var address = _addresses.Values.FirstOrDefault(a => a.AssociationId == id)
                      ?? throw new Ec2Fault("InvalidAssociationID.NotFound", $"The association ID '{id}' does not exist");
        if (address.NatGatewayId is not null)
        {
            throw new Ec2Fault("InvalidIPAddress.InUse", $"Address {address.PublicIp} is in use by NAT gateway {address.NatGatewayId}: delete the NAT gateway instead.");
        }

        address.InstanceId = null;
        address.AssociationId = null;
        return Return("DisassociateAddress");
    }

    private SandboxResponse ReleaseAddress(Ec2Params p, DateTime now)
    {
        var address = Require(_addresses, p.Required("AllocationId"), now, "InvalidAllocationID.NotFound", "allocation");
        Refresh(address, now);
        if (address.AssociationId is not null)
        {
            throw new Ec2Fault("InvalidIPAddress.InUse", $"Address {address.PublicIp} is in use.");
        }

        _addresses.Remove(address.Id);
        return Return("ReleaseAddress");
    }

    // ---- NAT gateways ----

    private SandboxResponse CreateNatGateway(Ec2Params p, DateTime now)
    {
        var token = p["ClientToken"];
        if (SameToken(_natGateways.Values, token, n => n.ClientToken, n => n.SubnetId == p["SubnetId"] && n.AllocationId == p["AllocationId"]) is { } same)
        {
            return WriteNatGateway(new Ec2Xml("CreateNatGateway").Element("clientToken", token).Open("natGateway"), same, now).Close("natGateway").Build();
        }

        var subnet = Require(_subnets, p.Required("SubnetId"), now, "InvalidSubnetID.NotFound", "subnet");
        if ((p["ConnectivityType"] ?? "public") != "public")
        {
            throw new Ec2Fault("InvalidParameterValue", "The sandbox models public NAT gateways only.");
        }

        var address = Require(_addresses, p["AllocationId"] ?? throw new Ec2Fault("MissingParameter", "The request must contain the parameter AllocationId"), now, "InvalidAllocationID.NotFound", "allocation");
        Refresh(address, now);
        if (address.AssociationId is not null)
        {
            throw new Ec2Fault("Resource.AlreadyAssociated", $"Elastic IP address [{address.Id}] is already associated");
        }

        var nat = new NatGateway(NewId("nat"), now, subnet.Id, subnet.VpcId, address.Id, address.PublicIp, subnet.AllocateAddress(), NewId("eni")) { ClientToken = token };
        ApplyTags(nat, p.TagsFor("natgateway", "natgateway"));
        if (!_internetGateways.Values.Any(g => g.AttachedVpcId == subnet.VpcId))
        {
            nat.FailureCode = "Gateway.NotAttached";
            nat.FailureMessage = $"Network {subnet.VpcId} has no Internet gateway attached";
        }
        else
        {
            address.NatGatewayId = nat.Id;
            address.AssociationId = NewId("eipassoc");
        }

        _natGateways.Add(nat.Id, nat);
        return WriteNatGateway(new Ec2Xml("CreateNatGateway").Element("clientToken", token).Open("natGateway"), nat, now).Close("natGateway").Build();
    }

    private Ec2Xml WriteNatGateway(Ec2Xml x, NatGateway n, DateTime now)
    {
        var state = n.StateAt(now, Options);
        x.Element("createTime", n.CreatedAt);
        if (state == "deleted" && n.DeleteRequestedAt is { } deleted)
        {
            x.Element("deleteTime", deleted + Options.InstanceShutdownTime);
        }

        return x.Element("failureCode", n.FailureCode).Element("failureMessage", n.FailureMessage)
            .Set("natGatewayAddressSet", new[] { n }, (y, nn) => y.Element("allocationId", nn.AllocationId).Element("networkInterfaceId", nn.NetworkInterfaceId)
                .Element("privateIp", nn.PrivateIp).Element("publicIp", nn.PublicIp).Element("isPrimary", true).Element("status", state is "available" ? "succeeded" : "associating"))
            .Element("natGatewayId", n.Id).Element("state", state).Element("subnetId", n.SubnetId).Element("vpcId", n.VpcId)
            .TagSet(n.Tags).Element("connectivityType", "public");
    }

    private SandboxResponse DescribeNatGateways(Ec2Params p, DateTime now)
    {
        var gateways = SelectPage(p, "DescribeNatGateways", _natGateways.Values, p.List("NatGatewayId"), now, "NatGatewayNotFound", "NAT gateway", p.Filters(), (n, name) => name switch
        {
            "nat-gateway-id" => new[] { n.Id },
            "state" => new[] { n.StateAt(now, Options) },
            "subnet-id" => new[] { n.SubnetId },
            "vpc-id" => new[] { n.VpcId },
            _ => null,
        }, 1000, out var next);
        return new Ec2Xml("DescribeNatGateways").Set("natGatewaySet", gateways, (x, n) => WriteNatGateway(x, n, now)).Element("nextToken", next).Build();
    }

    private SandboxResponse DeleteNatGateway(Ec2Params p, DateTime now)
    {
        var nat = Require(_natGateways, p.Required("NatGatewayId"), now, "NatGatewayNotFound", "NAT gateway");
        if (nat.StateAt(now, Options) == "deleted")
        {
            throw new Ec2Fault("NatGatewayNotFound", $"The Nat Gateway {nat.Id} was not found");
        }

        nat.DeleteRequestedAt ??= now;
        return new Ec2Xml("DeleteNatGateway").Element("natGatewayId", nat.Id).Build();
    }

    // ---- Network interfaces (an instance's or a NAT gateway's, plus detached leftovers) ----

    private sealed record Interface(string Id, string SubnetId, string VpcId, string PrivateIp, string Status, string Type, string? InstanceId, IReadOnlyList<string> Groups, bool RequesterManaged, IReadOnlyDictionary<string, string> Tags);

    private List<Interface> Interfaces(DateTime now)
    {
        var list = new List<Interface>();
        foreach (var i in _instances.Values.Where(i => i.FixedState is null && i.SubnetId is not null && i.StateAt(now, Options) != "terminated"))
        {
            list.Add(new Interface(i.NetworkInterfaceId, i.SubnetId!, i.VpcId!, i.PrivateIpAddress, "in-use", "interface", i.Id, i.SecurityGroupIds, false, i.NetworkInterfaceTags));
        }

        foreach (var n in _natGateways.Values.Where(n => n.StateAt(now, Options) is not ("deleted" or "failed")))
        {
            list.Add(new Interface(n.NetworkInterfaceId, n.SubnetId, n.VpcId, n.PrivateIp, "in-use", "nat_gateway", null, Array.Empty<string>(), true, new Dictionary<string, string>()));
        }

        foreach (var e in _detachedInterfaces)
        {
            list.Add(new Interface(e.Key, e.Value.SubnetId, e.Value.VpcId, e.Value.PrivateIp, "available", "interface", null, Array.Empty<string>(), false, new Dictionary<string, string>()));
        }

        return list;
    }

    private SandboxResponse DescribeNetworkInterfaces(Ec2Params p, DateTime now)
    {
        IEnumerable<Interface> list = Interfaces(now);
        var ids = p.List("NetworkInterfaceId");
        string? next = null;
        if (ids.Count > 0 && p["MaxResults"] is not null)
        {
            throw new Ec2Fault("InvalidParameterCombination", "The parameter networkInterfaceIdSet cannot be used with the parameter maxResults");
        }

        if (ids.Count > 0)
        {
            var missing = ids.FirstOrDefault(id => list.All(e => e.Id != id));
            if (missing is not null)
            {
                throw new Ec2Fault("InvalidNetworkInterfaceID.NotFound", $"The networkInterface ID '{missing}' does not exist");
            }

            list = list.Where(e => ids.Contains(e.Id));
        }

        var filters = p.Filters();
        bool Keep(Interface e) => filters.All(f => f.Matches(f.Name switch
            {
                "network-interface-id" => new[] { e.Id },
                "vpc-id" => new[] { e.VpcId },
                "subnet-id" => new[] { e.SubnetId },
                "status" => new[] { e.Status },
                "group-id" => e.Groups.ToArray<string?>(),
                "attachment.instance-id" => new[] { e.InstanceId },
                "interface-type" => new[] { e.Type },
                _ when f.Name.StartsWith("tag:", StringComparison.Ordinal) => e.Tags.TryGetValue(f.Name.Substring(4), out var v) ? new[] { v } : Array.Empty<string?>(),
                _ => throw new Ec2Fault("InvalidParameterValue", $"The filter '{f.Name}' is invalid"),
            }));
        list = ids.Count > 0 ? list.Where(Keep).ToList() : PageByKey(p, "DescribeNetworkInterfaces", list, e => e.Id, Keep, 1000, out next);

        return new Ec2Xml("DescribeNetworkInterfaces").Element("nextToken", next).Set("networkInterfaceSet", list.ToList(), (x, e) =>
            {
                x.Element("networkInterfaceId", e.Id).Element("subnetId", e.SubnetId).Element("vpcId", e.VpcId).Element("availabilityZone", _subnets.TryGetValue(e.SubnetId, out var s) ? s.AvailabilityZone : null)
                    .Element("ownerId", OwnerId).Element("requesterManaged", e.RequesterManaged).Element("status", e.Status).Element("privateIpAddress", e.PrivateIp)
                    .Element("sourceDestCheck", true).Element("interfaceType", e.Type).Element("macAddress", MacAddress(e.Id))
                    .Element("availabilityZoneId", _subnets.TryGetValue(e.SubnetId, out var zs) ? ZoneId(zs.AvailabilityZone) : null)
                    .Set("privateIpAddressesSet", new[] { e }, (y, ee) => y.Element("privateIpAddress", ee.PrivateIp).Element("primary", true))
                    .Set("groupSet", e.Groups, (y, g) => y.Element("groupId", g).Element("groupName", _securityGroups.TryGetValue(g, out var sg) ? sg.Name : null));
                if (e.InstanceId is not null)
                {
                    x.Open("attachment").Element("attachmentId", "eni-attach-" + e.Id.Substring(4)).Element("instanceId", e.InstanceId).Element("instanceOwnerId", OwnerId)
                        .Element("deviceIndex", 0).Element("status", "attached").Element("deleteOnTermination", true).Close("attachment");
                }

                x.TagSet(e.Tags);
            })
            .Build();
    }

    private SandboxResponse DeleteNetworkInterface(Ec2Params p, DateTime now)
    {
        var id = p.Required("NetworkInterfaceId");
        if (_detachedInterfaces.TryGetValue(id, out var detached))
        {
            _detachedInterfaces.Remove(id);
            if (_subnets.TryGetValue(detached.SubnetId, out var subnet))
            {
                subnet.Release(detached.PrivateIp);
            }

            return Return("DeleteNetworkInterface");
        }

        if (Interfaces(now).Any(e => e.Id == id))
        {
            throw new Ec2Fault("InvalidNetworkInterface.InUse", $"The network interface '{id}' is currently in use.");
        }

        throw new Ec2Fault("InvalidNetworkInterfaceID.NotFound", $"The networkInterface ID '{id}' does not exist");
    }
}
