using System;
using System.Collections.Generic;
using System.Linq;
using ShowcaseOps.Sandbox.Hosting;
using ShowcaseOps.Sandbox.StandIns.Ec2;

namespace ShowcaseOps.Sandbox.StandIns;

// VPCs, subnets, internet gateways, route tables, availability zones and tags.
public sealed partial class Ec2StandIn
{
    private static readonly string[] ZoneSuffixes = { "a", "b", "c" };

    private SandboxResponse DescribeAvailabilityZones(Ec2Params p, DateTime now)
    {
        var region = Options.Region;
        var zones = ZoneSuffixes.Select((s, i) => (Name: region + s, Id: RegionShort(region) + "-az" + (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture))).ToList();
        var names = p.List("ZoneName");
        if (names.Count > 0)
        {
            foreach (var name in names.Where(n => zones.All(z => z.Name != n)))
            {
                throw new Ec2Fault("InvalidParameterValue", $"The zone '{name}' does not exist.");
            }

            zones = zones.Where(z => names.Contains(z.Name)).ToList();
        }

        foreach (var filter in p.Filters())
        {
            zones = filter.Name switch
            {
                "state" => zones.Where(_ => filter.Matches(Constants.Available)).ToList(),
                "opt-in-status" => zones.Where(_ => filter.Matches(Constants.OptInNotRequired)).ToList(),
                "zone-name" => zones.Where(z => filter.Matches(new[] { z.Name })).ToList(),
                "region-name" => zones.Where(_ => filter.Matches(new[] { region })).ToList(),
                _ => throw new Ec2Fault("InvalidParameterValue", $"The filter '{filter.Name}' is invalid"),
            };
        }

        return new Ec2Xml("DescribeAvailabilityZones")
            .Set("availabilityZoneInfo", zones, (x, z) => x.Element("zoneName", z.Name).Element("zoneState", "available").Element("regionName", region)
                .Element("zoneId", z.Id).Element("optInStatus", "opt-in-not-required").Element("zoneType", "availability-zone")
                .Element("groupName", region).Element("networkBorderGroup", region).Open("messageSet").Close("messageSet"))
            .Build();
    }

    /// <summary>The zone id AWS pairs with a zone name here (eu-west-1a → euw1-az1).</summary>
    private string? ZoneId(string zoneName)
    {
        var index = Array.FindIndex(ZoneSuffixes, z => Options.Region + z == zoneName);
        return index < 0 ? null : RegionShort(Options.Region) + "-az" + (index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A stable, locally administered MAC address for an interface id.</summary>
    private static string MacAddress(string interfaceId)
    {
        var hash = interfaceId.Aggregate(17, (h, c) => unchecked((h * 31) + c));
        var bytes = BitConverter.GetBytes(hash);
        return string.Format(System.Globalization.CultureInfo.InvariantCulture, "06:{0:x2}:{1:x2}:{2:x2}:{3:x2}:{4:x2}", bytes[0], bytes[1], bytes[2], bytes[3], (byte)(interfaceId.Length * 7));
    }

    private static string RegionShort(string region)
    {
        var parts = region.Split('-');
        return parts.Length == 3 ? parts[0] + parts[1][0] + parts[2] : region;
    }

    private IEnumerable<Ec2Resource> Taggable(DateTime now) =>
        _vpcs.Values.Cast<Ec2Resource>().Concat(_subnets.Values).Concat(_internetGateways.Values).Concat(_routeTables.Values)
            .Concat(_securityGroups.Values).Concat(_addresses.Values).Concat(_natGateways.Values.Where(n => n.StateAt(now, Options) != "deleted"))
            .Concat(_instances.Values.Where(i => i.StateAt(now, Options) != "terminated")).Concat(_keyPairs.Values);

    private SandboxResponse DescribeTags(Ec2Params p, DateTime now)
    {
        // DescribeTags reads the tag index, which lags behind creates (TagFilterDelay).
        var rows = Taggable(now).Where(r => TagsIndexed(r, now)).SelectMany(r => r.Tags.Select(t => (Resource: r, t.Key, t.Value)));
        var filters = p.Filters();
        foreach (var f in filters.Where(f => f.Name is not ("key" or "value" or "resource-type" or "resource-id") && !f.Name.StartsWith("tag:", StringComparison.Ordinal)))
        {
            throw new Ec2Fault("InvalidParameterValue", $"The filter '{f.Name}' is invalid");
        }

        bool Keep((Ec2Resource Resource, string Key, string Value) r) => filters.All(f => f.Name switch
        {
            "key" => f.Matches(new[] { r.Key }),
            "value" => f.Matches(new[] { r.Value }),
            "resource-type" => f.Matches(new[] { r.Resource.ResourceType }),
            "resource-id" => f.Matches(new[] { r.Resource.Id }),
            _ => r.Resource.Tags.TryGetValue(f.Name.Substring(4), out var v) && f.Matches(new[] { v }),
        });
        var page = PageByKey(p, "DescribeTags", rows, r => r.Resource.Id + "\u0000" + r.Key, Keep, 1000, out var next);

        return new Ec2Xml("DescribeTags").Element("nextToken", next)
            .Set("tagSet", page, (x, r) => x.Element("resourceId", r.Resource.Id).Element("resourceType", r.Resource.ResourceType).Element("key", r.Key).Element("value", r.Value))
            .Build();
    }

    private Ec2Resource FindTaggable(string id, DateTime now)
    {
        var resource = Taggable(now).FirstOrDefault(r => r.Id == id);
        if (resource is null || !Visible(resource, now))
        {
            var kind = id.Split('-')[0];
            var code = kind switch
            {
                "vpc" => "InvalidVpcID.NotFound",
                "subnet" => "InvalidSubnetID.NotFound",
                "sg" => "InvalidGroup.NotFound",
                "i" => "InvalidInstanceID.NotFound",
                "igw" => "InvalidInternetGatewayID.NotFound",
                "rtb" => "InvalidRouteTableID.NotFound",
                "eipalloc" => "InvalidAllocationID.NotFound",
                "nat" => "NatGatewayNotFound",
                "key" => "InvalidKeyPair.NotFound",
                _ => "InvalidID",
            };
            throw new Ec2Fault(code, $"The ID '{id}' does not exist");
        }

        return resource;
    }

    private SandboxResponse CreateTags(Ec2Params p, DateTime now)
    {
        var resources = p.List("ResourceId").Select(id => FindTaggable(id, now)).ToList();
        foreach (var member in p.Members("Tag"))
        {
            var key = p.Required(member + ".Key");
            foreach (var resource in resources)
            {
                resource.Tags[key] = p[member + ".Value"] ?? string.Empty;
            }
        }

        return Return("CreateTags");
    }

    private SandboxResponse DeleteTags(Ec2Params p, DateTime now)
    {
        var resources = p.List("ResourceId").Select(id => FindTaggable(id, now)).ToList();
        foreach (var member in p.Members("Tag"))
        {
            var key = p.Required(member + ".Key");
            foreach (var resource in resources)
            {
                resource.Tags.Remove(key);
            }
        }

        return Return("DeleteTags");
    }

    // ---- VPCs ----

    private SandboxResponse CreateVpc(Ec2Params p, DateTime now)
    {
        var text = p.Required("CidrBlock");
        if (!Cidr.TryParse(text, out var cidr))
        {
            throw new Ec2Fault("InvalidParameterValue", $"Value ({text}) for parameter cidrBlock is invalid. This is not a valid CIDR block.");
        }

        if (cidr.Prefix < 16 || cidr.Prefix > 28)
        {
            throw new Ec2Fault("InvalidVpc.Range", $"The CIDR '{text}' is invalid.");
        }

        var tags = p.TagsFor("vpc", "vpc");
        var vpc = new Vpc(NewId("vpc"), now, cidr);
        ApplyTags(vpc, tags);
        _vpcs.Add(vpc.Id, vpc);

        // AWS creates a main route table (with the local route) and a default security group with every VPC.
        var main = new RouteTable(NewId("rtb"), now, vpc.Id) { AwsManaged = true };
        main.Routes.Add(new Route(cidr.ToString(), "local", null, "CreateRouteTable"));
        main.Associations.Add(new RouteTableAssociation(NewId("rtbassoc"), null, main: true));
        _routeTables.Add(main.Id, main);
        var defaultGroup = new SecurityGroup(NewId("sg"), now, vpc.Id, "default", "default VPC security group") { AwsManaged = true };
        defaultGroup.Ingress.Add(new SecurityRule("-1", null, null, null, defaultGroup.Id, null));
        defaultGroup.Egress.Add(new SecurityRule("-1", null, null, "0.0.0.0/0", null, null));
        _securityGroups.Add(defaultGroup.Id, defaultGroup);

        return WriteVpc(new Ec2Xml("CreateVpc").Open("vpc"), vpc, "pending").Close("vpc").Build();
    }

    private static Ec2Xml WriteVpc(Ec2Xml x, Vpc v, string state) =>
        x.Element("vpcId", v.Id).Element("ownerId", OwnerId).Element("state", state).Element("cidrBlock", v.Cidr.ToString())
            .Set("cidrBlockAssociationSet", new[] { v }, (y, vv) => y.Element("cidrBlock", vv.Cidr.ToString()).Element("associationId", "vpc-cidr-assoc-" + vv.Id.Substring(4))
                .Open("cidrBlockState").Element("state", "associated").Close("cidrBlockState"))
            .Element("dhcpOptionsId", "dopt-0sandbox").Element("instanceTenancy", "default").Element("isDefault", false).TagSet(v.Tags);

    private SandboxResponse DescribeVpcs(Ec2Params p, DateTime now)
    {
        var vpcs = SelectPage(p, "DescribeVpcs", _vpcs.Values, p.List("VpcId"), now, "InvalidVpcID.NotFound", "vpc", p.Filters(), (v, name) => name switch
        {
            "vpc-id" => new[] { v.Id },
            "cidr" or "cidr-block-association.cidr-block" => new[] { v.Cidr.ToString() },
            "state" => Constants.Available,
            "is-default" => Constants.False,
            "owner-id" => new[] { OwnerId },
            _ => null,
        }, 1000, out var next);
        return new Ec2Xml("DescribeVpcs").Set("vpcSet", vpcs, (x, v) => WriteVpc(x, v, "available")).Element("nextToken", next).Build();
    }

    private SandboxResponse ModifyVpcAttribute(Ec2Params p, DateTime now)
    {
        var vpc = Require(_vpcs, p.Required("VpcId"), now, "InvalidVpcID.NotFound", "vpc");
        if (p.Bool("EnableDnsHostnames.Value") is { } hostnames)
        {
            vpc.EnableDnsHostnames = hostnames;
        }

        if (p.Bool("EnableDnsSupport.Value") is { } support)
        {
            vpc.EnableDnsSupport = support;
        }

        return Return("ModifyVpcAttribute");
    }

    private SandboxResponse DeleteVpc(Ec2Params p, DateTime now)
    {
        var vpc = Require(_vpcs, p.Required("VpcId"), now, "InvalidVpcID.NotFound", "vpc");
        var busy = _subnets.Values.Any(s => s.VpcId == vpc.Id)
                   || _internetGateways.Values.Any(g => g.AttachedVpcId == vpc.Id)
                   || _routeTables.Values.Any(t => t.VpcId == vpc.Id && !t.IsMain)
                   || _securityGroups.Values.Any(g => g.VpcId == vpc.Id && g.Name != "default")
                   || _natGateways.Values.Any(n => n.VpcId == vpc.Id && n.StateAt(now, Options) != "deleted");
        if (busy)
        {
            throw HasDependencies("vpc", vpc.Id);
        }

        _vpcs.Remove(vpc.Id);
        foreach (var table in _routeTables.Values.Where(t => t.VpcId == vpc.Id).ToList())
        {
            _routeTables.Remove(table.Id);
        }

        foreach (var group in _securityGroups.Values.Where(g => g.VpcId == vpc.Id).ToList())
        {
            _securityGroups.Remove(group.Id);
        }

        return Return("DeleteVpc");
    }

    // ---- Subnets ----

    private SandboxResponse CreateSubnet(Ec2Params p, DateTime now)
    {
        var vpc = Require(_vpcs, p.Required("VpcId"), now, "InvalidVpcID.NotFound", "vpc");
        var text = p.Required("CidrBlock");
        if (!Cidr.TryParse(text, out var cidr))
        {
            throw new Ec2Fault("InvalidParameterValue", $"Value ({text}) for parameter cidrBlock is invalid. This is not a valid CIDR block.");
        }

        if (!vpc.Cidr.Contains(cidr) || cidr.Prefix > 28)
        {
            throw new Ec2Fault("InvalidSubnet.Range", $"The CIDR '{text}' is invalid.");
        }

        if (_subnets.Values.Any(s => s.VpcId == vpc.Id && s.Cidr.Overlaps(cidr)))
        {
            throw new Ec2Fault("InvalidSubnet.Conflict", $"The CIDR '{text}' conflicts with another subnet");
        }

        var zone = p["AvailabilityZone"] ?? Options.Region + "a";
        if (!ZoneSuffixes.Any(s => Options.Region + s == zone))
        {
            throw new Ec2Fault("InvalidParameterValue", $"Value ({zone}) for parameter availabilityZone is invalid. Subnets can currently only be created in the following availability zones: {string.Join(", ", ZoneSuffixes.Select(s => Options.Region + s))}.");
        }

        var subnet = new Subnet(NewId("subnet"), now, vpc.Id, cidr, zone);
        ApplyTags(subnet, p.TagsFor("subnet", "subnet"));
        _subnets.Add(subnet.Id, subnet);
        return WriteSubnet(new Ec2Xml("CreateSubnet").Open("subnet"), subnet, "pending").Close("subnet").Build();
    }

    private Ec2Xml WriteSubnet(Ec2Xml x, Subnet s, string state) =>
        x.Element("subnetId", s.Id).Element("subnetArn", "arn:aws:ec2:" + s.AvailabilityZone.Substring(0, s.AvailabilityZone.Length - 1) + ":" + OwnerId + ":subnet/" + s.Id)
            .Element("state", state).Element("ownerId", OwnerId).Element("vpcId", s.VpcId).Element("cidrBlock", s.Cidr.ToString())
            .Element("availableIpAddressCount", s.AvailableAddressCount).Element("availabilityZone", s.AvailabilityZone).Element("availabilityZoneId", ZoneId(s.AvailabilityZone))
            .Element("defaultForAz", false).Element("mapPublicIpOnLaunch", false).TagSet(s.Tags);

    private SandboxResponse DescribeSubnets(Ec2Params p, DateTime now)
    {
        var subnets = SelectPage(p, "DescribeSubnets", _subnets.Values, p.List("SubnetId"), now, "InvalidSubnetID.NotFound", "subnet", p.Filters(), (s, name) => name switch
        {
            "subnet-id" => new[] { s.Id },
            "vpc-id" => new[] { s.VpcId },
            "cidr-block" or "cidr" or "cidrBlock" => new[] { s.Cidr.ToString() },
            "availability-zone" or "availabilityZone" => new[] { s.AvailabilityZone },
            "state" => Constants.Available,
            _ => null,
        }, 1000, out var next);
        return new Ec2Xml("DescribeSubnets").Set("subnetSet", subnets, (x, s) => WriteSubnet(x, s, "available")).Element("nextToken", next).Build();
    }

    private SandboxResponse DeleteSubnet(Ec2Params p, DateTime now)
    {
        var subnet = Require(_subnets, p.Required("SubnetId"), now, "InvalidSubnetID.NotFound", "subnet");
        if (_instances.Values.Any(i => i.SubnetId == subnet.Id && i.StateAt(now, Options) != "terminated")
            || _natGateways.Values.Any(n => n.SubnetId == subnet.Id && n.StateAt(now, Options) != "deleted")
            || _detachedInterfaces.Values.Any(e => e.SubnetId == subnet.Id))
        {
            throw HasDependencies("subnet", subnet.Id);
        }

        _subnets.Remove(subnet.Id);
        foreach (var table in _routeTables.Values)
        {
            table.Associations.RemoveAll(a => a.SubnetId == subnet.Id);
        }

        return Return("DeleteSubnet");
    }

    // ---- Internet gateways ----

    private SandboxResponse CreateInternetGateway(Ec2Params p, DateTime now)
    {
        var gateway = new InternetGateway(NewId("igw"), now);
        ApplyTags(gateway, p.TagsFor("internet-gateway", "internet-gateway"));
        _internetGateways.Add(gateway.Id, gateway);
        return WriteInternetGateway(new Ec2Xml("CreateInternetGateway").Open("internetGateway"), gateway).Close("internetGateway").Build();
    }

    private static Ec2Xml WriteInternetGateway(Ec2Xml x, InternetGateway g) =>
        x.Element("internetGatewayId", g.Id).Element("ownerId", OwnerId)
            .Set("attachmentSet", g.AttachedVpcId is null ? Array.Empty<string>() : new[] { g.AttachedVpcId }, (y, vpcId) => y.Element("vpcId", vpcId).Element("state", "available"))
            .TagSet(g.Tags);

    private SandboxResponse DescribeInternetGateways(Ec2Params p, DateTime now)
    {
        var gateways = SelectPage(p, "DescribeInternetGateways", _internetGateways.Values, p.List("InternetGatewayId"), now, "InvalidInternetGatewayID.NotFound", "internetGateway", p.Filters(), (g, name) => name switch
        {
            "internet-gateway-id" => new[] { g.Id },
            "attachment.vpc-id" => new[] { g.AttachedVpcId },
            "attachment.state" => new[] { g.AttachedVpcId is null ? null : "available" },
            "owner-id" => new[] { OwnerId },
            _ => null,
        }, 1000, out var next);
        return new Ec2Xml("DescribeInternetGateways").Set("internetGatewaySet", gateways, (x, g) => WriteInternetGateway(x, g)).Element("nextToken", next).Build();
    }

    private SandboxResponse AttachInternetGateway(Ec2Params p, DateTime now)
    {
        var gateway = Require(_internetGateways, p.Required("InternetGatewayId"), now, "InvalidInternetGatewayID.NotFound", "internetGateway");
        var vpc = Require(_vpcs, p.Required("VpcId"), now, "InvalidVpcID.NotFound", "vpc");
        if (gateway.AttachedVpcId is not null)
        {
            throw new Ec2Fault("Resource.AlreadyAssociated", $"resource {gateway.Id} is already attached to network {gateway.AttachedVpcId}");
        }

        if (_internetGateways.Values.Any(g => g.AttachedVpcId == vpc.Id))
        {
            throw new Ec2Fault("Resource.AlreadyAssociated", $"Network {vpc.Id} already has an internet gateway attached");
        }

        gateway.AttachedVpcId = vpc.Id;
        return Return("AttachInternetGateway");
    }

    private SandboxResponse DetachInternetGateway(Ec2Params p, DateTime now)
    {
        var gateway = Require(_internetGateways, p.Required("InternetGatewayId"), now, "InvalidInternetGatewayID.NotFound", "internetGateway");
        var vpcId = p.Required("VpcId");
        if (gateway.AttachedVpcId != vpcId)
        {
            throw new Ec2Fault("Gateway.NotAttached", $"resource {gateway.Id} is not attached to network {vpcId}");
        }

        if (_addresses.Values.Any(a => AddressVpc(a, now) == vpcId))
        {
            throw new Ec2Fault("DependencyViolation", $"Network {vpcId} has some mapped public address(es). Please unmap those public address(es) before detaching the gateway.");
        }

        gateway.AttachedVpcId = null;
        return Return("DetachInternetGateway");
    }

    private SandboxResponse DeleteInternetGateway(Ec2Params p, DateTime now)
    {
        var gateway = Require(_internetGateways, p.Required("InternetGatewayId"), now, "InvalidInternetGatewayID.NotFound", "internetGateway");
        if (gateway.AttachedVpcId is not null)
        {
            throw HasDependencies("internetGateway", gateway.Id);
        }

        _internetGateways.Remove(gateway.Id);
        return Return("DeleteInternetGateway");
    }

    // ---- Route tables ----

    private SandboxResponse CreateRouteTable(Ec2Params p, DateTime now)
    {
        var token = p["ClientToken"];
        if (SameToken(_routeTables.Values, token, t => t.ClientToken, t => t.VpcId == p["VpcId"]) is { } same)
        {
            return WriteRouteTable(new Ec2Xml("CreateRouteTable").Open("routeTable"), same).Close("routeTable").Element("clientToken", token).Build();
        }

        var vpc = Require(_vpcs, p.Required("VpcId"), now, "InvalidVpcID.NotFound", "vpc");
        var table = new RouteTable(NewId("rtb"), now, vpc.Id) { ClientToken = token };
        table.Routes.Add(new Route(vpc.Cidr.ToString(), "local", null, "CreateRouteTable"));
        ApplyTags(table, p.TagsFor("route-table", "route-table"));
        _routeTables.Add(table.Id, table);
        return WriteRouteTable(new Ec2Xml("CreateRouteTable").Open("routeTable"), table).Close("routeTable").Element("clientToken", token).Build();
    }

    private Ec2Xml WriteRouteTable(Ec2Xml x, RouteTable t) =>
        x.Element("routeTableId", t.Id).Element("vpcId", t.VpcId).Element("ownerId", OwnerId)
            .Set("routeSet", t.Routes, (y, r) => y.Element("destinationCidrBlock", r.Destination).Element("gatewayId", r.GatewayId).Element("natGatewayId", r.NatGatewayId)
                .Element("state", RouteState(r)).Element("origin", r.Origin))
            .Set("associationSet", t.Associations, (y, a) => y.Element("routeTableAssociationId", a.Id).Element("routeTableId", t.Id).Element("subnetId", a.SubnetId)
                .Element("main", a.Main).Open("associationState").Element("state", "associated").Close("associationState"))
            .Open("propagatingVgwSet").Close("propagatingVgwSet")
            .TagSet(t.Tags);

    private string RouteState(Route r)
    {
        if (r.GatewayId is { } gatewayId && gatewayId != "local")
        {
            return _internetGateways.ContainsKey(gatewayId) ? "active" : "blackhole";
        }

        if (r.NatGatewayId is { } natId)
        {
            return _natGateways.TryGetValue(natId, out var nat) && nat.StateAt(DateTime.UtcNow, Options) is "available" or "pending" ? "active" : "blackhole";
        }

        return "active";
    }

    private SandboxResponse DescribeRouteTables(Ec2Params p, DateTime now)
    {
        var tables = SelectPage(p, "DescribeRouteTables", _routeTables.Values, p.List("RouteTableId"), now, "InvalidRouteTableID.NotFound", "routeTable", p.Filters(), (t, name) => name switch
        {
            "route-table-id" => new[] { t.Id },
            "vpc-id" => new[] { t.VpcId },
            "association.main" => new[] { t.IsMain ? "true" : "false" },
            "association.subnet-id" => t.Associations.Select(a => a.SubnetId),
            "association.route-table-association-id" => t.Associations.Select(a => (string?)a.Id),
            "route.gateway-id" => t.Routes.Select(r => r.GatewayId),
            "route.nat-gateway-id" => t.Routes.Select(r => r.NatGatewayId),
            _ => null,
        }, 100, out var next);
        return new Ec2Xml("DescribeRouteTables").Set("routeTableSet", tables, (x, t) => WriteRouteTable(x, t)).Element("nextToken", next).Build();
    }

    private SandboxResponse CreateRoute(Ec2Params p, DateTime now)
    {
        var table = Require(_routeTables, p.Required("RouteTableId"), now, "InvalidRouteTableID.NotFound", "routeTable");
        var destination = p.Required("DestinationCidrBlock");
        if (!Cidr.TryParse(destination, out _))
        {
            throw new Ec2Fault("InvalidParameterValue", $"Value ({destination}) for parameter destinationCidrBlock is invalid. This is not a valid CIDR block.");
        }

        var gatewayId = p["GatewayId"];
        var natId = p["NatGatewayId"];
        if ((gatewayId is null) == (natId is null))
        {
            throw new Ec2Fault("InvalidParameterCombination", "The request must contain exactly one of gatewayId, natGatewayId, instanceId, networkInterfaceId, …");
        }

        if (gatewayId is not null)
        {
            var gateway = Require(_internetGateways, gatewayId, now, "InvalidInternetGatewayID.NotFound", "internetGateway");
            if (gateway.AttachedVpcId != table.VpcId)
            {
                throw new Ec2Fault("InvalidParameterValue", $"route table {table.Id} and network gateway {gateway.Id} belong to different networks");
            }
        }
        else
        {
            var nat = Require(_natGateways, natId, now, "NatGatewayNotFound", "natGateway");
            if (nat.VpcId != table.VpcId || nat.StateAt(now, Options) is "deleted" or "deleting" or "failed")
            {
                throw new Ec2Fault("InvalidNatGatewayID.NotFound", $"The natGateway ID '{natId}' does not exist");
            }
        }

        if (table.Routes.Any(r => r.Destination == destination))
        {
            throw new Ec2Fault("RouteAlreadyExists", $"The route identified by {destination} already exists.");
        }

        table.Routes.Add(new Route(destination, gatewayId, natId, "CreateRoute"));
        return Return("CreateRoute");
    }

    private SandboxResponse DeleteRoute(Ec2Params p, DateTime now)
    {
        var table = Require(_routeTables, p.Required("RouteTableId"), now, "InvalidRouteTableID.NotFound", "routeTable");
        var destination = p.Required("DestinationCidrBlock");
        if (table.Routes.RemoveAll(r => r.Destination == destination && r.Origin != "CreateRouteTable") == 0)
        {
            throw new Ec2Fault("InvalidRoute.NotFound", $"no route with destination-cidr-block {destination} in route table {table.Id}");
        }

        return Return("DeleteRoute");
    }

    private SandboxResponse AssociateRouteTable(Ec2Params p, DateTime now)
    {
        var table = Require(_routeTables, p.Required("RouteTableId"), now, "InvalidRouteTableID.NotFound", "routeTable");
        var subnet = Require(_subnets, p.Required("SubnetId"), now, "InvalidSubnetID.NotFound", "subnet");
        if (subnet.VpcId != table.VpcId)
        {
            throw new Ec2Fault("InvalidParameterValue", $"Route table {table.Id} and subnet {subnet.Id} belong to different networks");
        }

        var existing = _routeTables.Values.SelectMany(t => t.Associations.Select(a => (Table: t, Association: a))).FirstOrDefault(x => x.Association.SubnetId == subnet.Id);
        if (existing.Table is not null)
        {
            if (existing.Table == table)
            {
                return new Ec2Xml("AssociateRouteTable").Element("associationId", existing.Association.Id)
                    .Open("associationState").Element("state", "associated").Close("associationState").Build();
            }

            throw new Ec2Fault("Resource.AlreadyAssociated", $"the specified association for route table {existing.Table.Id} conflicts with an existing association");
        }

        var association = new RouteTableAssociation(NewId("rtbassoc"), subnet.Id, main: false);
        table.Associations.Add(association);
        return new Ec2Xml("AssociateRouteTable").Element("associationId", association.Id)
            .Open("associationState").Element("state", "associated").Close("associationState").Build();
    }

    private SandboxResponse DisassociateRouteTable(Ec2Params p, DateTime now)
    {
        var id = p.Required("AssociationId");
        var table = _routeTables.Values.FirstOrDefault(t => t.Associations.Any(a => a.Id == id))
                    ?? throw new Ec2Fault("InvalidAssociationID.NotFound", $"The association ID '{id}' does not exist");
        var association = table.Associations.First(a => a.Id == id);
        if (association.Main)
        {
            throw new Ec2Fault("InvalidParameterValue", "cannot disassociate the main route table association " + id);
        }

        table.Associations.Remove(association);
        return Return("DisassociateRouteTable");
    }

    private SandboxResponse DeleteRouteTable(Ec2Params p, DateTime now)
    {
        var table = Require(_routeTables, p.Required("RouteTableId"), now, "InvalidRouteTableID.NotFound", "routeTable");
        if (table.Associations.Count > 0)
        {
            throw HasDependencies("routeTable", table.Id);
        }

        _routeTables.Remove(table.Id);
        return Return("DeleteRouteTable");
    }
}
