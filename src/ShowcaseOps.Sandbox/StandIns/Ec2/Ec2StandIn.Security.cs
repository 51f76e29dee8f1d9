using System;
using System.Collections.Generic;
using System.Linq;
using ShowcaseOps.Sandbox.Hosting;
using ShowcaseOps.Sandbox.StandIns.Ec2;

namespace ShowcaseOps.Sandbox.StandIns;

// Security groups and their rules.
public sealed partial class Ec2StandIn
{
    /// <summary>
    /// Test seam: removes the rules of a group that match (direction <c>ingress</c> or <c>egress</c>; source or
    /// destination a CIDR or a group id), as someone editing the group in the console would. Returns how many it removed.
    /// </summary>
    public int RemoveSecurityRules(string groupId, string direction, string protocol, int? fromPort, int? toPort, string source)
    {
        lock (_gate)
        {
            if (!_securityGroups.TryGetValue(groupId, out var group))
            {
                throw new ArgumentException($"No security group {groupId}.", nameof(groupId));
            }

            var rules = direction switch
            {
                "ingress" => group.Ingress,
                "egress" => group.Egress,
                _ => throw new ArgumentException("direction is ingress or egress.", nameof(direction)),
            };
            return rules.RemoveAll(r => r.Protocol == protocol && r.FromPort == fromPort && r.ToPort == toPort && (r.CidrIp == source || r.GroupId == source));
        }
    }

    private SandboxResponse CreateSecurityGroup(Ec2Params p, DateTime now)
    {
        var name = p.Required("GroupName");
        var description = p.Required("GroupDescription");
        var vpcId = p["VpcId"] ?? throw new Ec2Fault("VPCIdNotSpecified", "No default VPC for this user");
        var vpc = Require(_vpcs, vpcId, now, "InvalidVpcID.NotFound", "vpc");
        if (name.StartsWith("sg-", StringComparison.OrdinalIgnoreCase) || name.Length > 255)
        {
            throw new Ec2Fault("InvalidParameterValue", $"Value ({name}) for parameter GroupName is invalid. Group names may not be in the format sg-*.");
        }

        if (_securityGroups.Values.Any(g => g.VpcId == vpc.Id && g.Name == name))
        {
            throw new Ec2Fault("InvalidGroup.Duplicate", $"The security group '{name}' already exists for VPC '{vpc.Id}'");
        }

        var group = new SecurityGroup(NewId("sg"), now, vpc.Id, name, description);
        group.Egress.Add(new SecurityRule("-1", null, null, "0.0.0.0/0", null, null));
        ApplyTags(group, p.TagsFor("security-group", "security-group"));
        _securityGroups.Add(group.Id, group);
        return new Ec2Xml("CreateSecurityGroup").Element("return", true).Element("groupId", group.Id)
            .Element("securityGroupArn", "arn:aws:ec2:" + Options.Region + ":" + OwnerId + ":security-group/" + group.Id).TagSet(group.Tags).Build();
    }

    private SandboxResponse DescribeSecurityGroups(Ec2Params p, DateTime now)
    {
        var groups = SelectPage(p, "DescribeSecurityGroups", _securityGroups.Values, p.List("GroupId"), now, "InvalidGroup.NotFound", "security group", p.Filters(), (g, name) => name switch
        {
            "group-id" => new[] { g.Id },
            "group-name" => new[] { g.Name },
            "vpc-id" => new[] { g.VpcId },
            "description" => new[] { g.Description },
            "owner-id" => new[] { OwnerId },
            _ => null,
        }, 1000, out var next);
        var names = p.List("GroupName");
        if (names.Count > 0)
        {
            groups = groups.Where(g => names.Contains(g.Name)).ToList();
        }

        return new Ec2Xml("DescribeSecurityGroups").Set("securityGroupInfo", groups, (x, g) => x.Element("ownerId", OwnerId).Element("groupId", g.Id).Element("groupName", g.Name)
                .Element("groupDescription", g.Description).Element("vpcId", g.VpcId)
                .Set("ipPermissions", Group(g.Ingress), WritePermission)
                .Set("ipPermissionsEgress", Group(g.Egress), WritePermission)
                .TagSet(g.Tags))
            .Element("nextToken", next)
            .Build();
    }

    private static IEnumerable<IGrouping<(string Protocol, int? From, int? To), SecurityRule>> Group(List<SecurityRule> rules) =>
        rules.GroupBy(r => (r.Protocol, r.FromPort, r.ToPort));

    private static void WritePermission(Ec2Xml x, IGrouping<(string Protocol, int? From, int? To), SecurityRule> rules)
    {
        x.Element("ipProtocol", rules.Key.Protocol);
        if (rules.Key.Protocol != "-1")
        {
            x.Element("fromPort", rules.Key.From).Element("toPort", rules.Key.To);
        }

        x.Set("groups", rules.Where(r => r.GroupId is not null), (y, r) => y.Element("userId", OwnerId).Element("groupId", r.GroupId).Element("description", r.Description))
            .Set("ipRanges", rules.Where(r => r.CidrIp is not null), (y, r) => y.Element("cidrIp", r.CidrIp).Element("description", r.Description))
            .Open("ipv6Ranges").Close("ipv6Ranges").Open("prefixListIds").Close("prefixListIds");
    }

    /// <summary>Reads <c>IpPermissions.N</c> into flat rules (one per source), validating protocols, ports and sources.</summary>
    private List<SecurityRule> ReadPermissions(Ec2Params p, DateTime now, string vpcId)
    {
        var rules = new List<SecurityRule>();
        foreach (var member in p.Members("IpPermissions"))
        {
            var protocol = NormalizeProtocol(p.Required(member + ".IpProtocol"));
            int? from = p.Int(member + ".FromPort");
            int? to = p.Int(member + ".ToPort");
            if (protocol == "-1")
            {
                from = null;
                to = null;
            }
            else if (protocol is "tcp" or "udp")
            {
                if (from is null || to is null || from < 0 || to > 65535 || from > to)
                {
                    throw new Ec2Fault("InvalidParameterValue", $"Invalid port range for {protocol}: from {from} to {to}.");
                }
            }

            var sources = 0;
            foreach (var range in p.Members(member + ".IpRanges"))
            {
                var cidr = p.Required(range + ".CidrIp");
                if (!Cidr.TryParse(cidr, out _))
                {
                    throw new Ec2Fault("InvalidParameterValue", $"CIDR block {cidr} is malformed");
                }

                rules.Add(new SecurityRule(protocol, from, to, cidr, null, p[range + ".Description"]));
                sources++;
            }

            foreach (var pair in p.Members(member + ".Groups"))
            {
                var groupId = p.Required(pair + ".GroupId");
                var source = Require(_securityGroups, groupId, now, "InvalidGroup.NotFound", "security group");
                if (source.VpcId != vpcId)
                {
                    throw new Ec2Fault("InvalidGroup.NotFound", $"You have specified two resources that belong to different networks.");
                }

                rules.Add(new SecurityRule(protocol, from, to, null, groupId, p[pair + ".Description"]));
                sources++;
            }

            if (sources == 0)
            {
                throw new Ec2Fault("MissingParameter", "The request must contain a source (CIDR or security group) for each permission.");
            }
        }

        if (rules.Count == 0)
        {
            throw new Ec2Fault("MissingParameter", "The request must contain the parameter ipPermissions");
        }

        return rules;
    }

    private static string NormalizeProtocol(string protocol) => protocol.ToLowerInvariant() switch
    {
        "6" => "tcp",
        "17" => "udp",
        "1" => "icmp",
        "all" => "-1",
        var other => other is "tcp" or "udp" or "icmp" or "-1" ? other : throw new Ec2Fault("InvalidParameterValue", $"Invalid value '{protocol}' for IP protocol. Unknown protocol."),
    };

    private SandboxResponse AuthorizeSecurityGroupIngress(Ec2Params p, DateTime now) => Authorize(p, now, "AuthorizeSecurityGroupIngress", g => g.Ingress);

    private SandboxResponse RevokeSecurityGroupIngress(Ec2Params p, DateTime now) => Revoke(p, now, "RevokeSecurityGroupIngress", g => g.Ingress);

    private SandboxResponse AuthorizeSecurityGroupEgress(Ec2Params p, DateTime now) => Authorize(p, now, "AuthorizeSecurityGroupEgress", g => g.Egress);

    private SandboxResponse RevokeSecurityGroupEgress(Ec2Params p, DateTime now) => Revoke(p, now, "RevokeSecurityGroupEgress", g => g.Egress);

    private SandboxResponse Authorize(Ec2Params p, DateTime now, string action, Func<SecurityGroup, List<SecurityRule>> direction)
    {
        var group = Require(_securityGroups, p.Required("GroupId"), now, "InvalidGroup.NotFound", "security group");
        var rules = ReadPermissions(p, now, group.VpcId);
        var list = direction(group);
        foreach (var rule in rules)
        {
            if (list.Any(r => r.SameAs(rule)))
            {
                throw new Ec2Fault("InvalidPermission.Duplicate", $"the specified rule \"{rule.Describe()}\" already exists");
            }
        }

        list.AddRange(rules);
        return Return(action);
    }

    private SandboxResponse Revoke(Ec2Params p, DateTime now, string action, Func<SecurityGroup, List<SecurityRule>> direction)
    {
        var group = Require(_securityGroups, p.Required("GroupId"), now, "InvalidGroup.NotFound", "security group");
        var rules = ReadPermissions(p, now, group.VpcId);
        var list = direction(group);
        if (rules.Any(rule => !list.Any(r => r.SameAs(rule))))
        {
            throw new Ec2Fault("InvalidPermission.NotFound", "The specified rule does not exist in this security group.");
        }

        foreach (var rule in rules)
        {
            list.RemoveAll(r => r.SameAs(rule));
        }

        return Return(action);
    }

    private SandboxResponse DeleteSecurityGroup(Ec2Params p, DateTime now)
    {
        var group = Require(_securityGroups, p.Required("GroupId"), now, "InvalidGroup.NotFound", "security group");
        if (group.AwsManaged)
        {
            throw new Ec2Fault("CannotDelete", $"the specified group: \"{group.Id}\" name: \"default\" cannot be deleted by a user");
        }

        var inUse = _instances.Values.Any(i => i.SecurityGroupIds.Contains(group.Id) && i.StateAt(now, Options) != "terminated");
        var referenced = _securityGroups.Values.Any(g => g.Id != group.Id && g.Ingress.Concat(g.Egress).Any(r => r.GroupId == group.Id));
        if (inUse || referenced)
        {
            throw new Ec2Fault("DependencyViolation", $"resource {group.Id} has a dependent object");
        }

        _securityGroups.Remove(group.Id);
        return Return("DeleteSecurityGroup");
    }
}
