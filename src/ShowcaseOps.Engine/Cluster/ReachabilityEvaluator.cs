using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace ShowcaseOps.Core.Cluster;

/// <summary>The outcome of checking one flow against the live security groups.</summary>
public sealed class FlowCheck
{
    public FlowCheck(ClusterFlow flow, bool expectedAllowed, bool actualAllowed, string reason, IReadOnlyList<string> matchingRules)
    {
        Flow = flow;
        ExpectedAllowed = expectedAllowed;
        ActualAllowed = actualAllowed;
        Reason = reason;
        MatchingRules = matchingRules;
    }

    public ClusterFlow Flow { get; }

    /// <summary>True for a flow the platform needs; false for an admin port that must stay closed to the internet.</summary>
    public bool ExpectedAllowed { get; }

    public bool ActualAllowed { get; }

    public bool Passed => ExpectedAllowed == ActualAllowed;

    /// <summary>Why the flow is allowed or denied, naming the hosts and groups involved.</summary>
    public string Reason { get; }

    /// <summary>The rules that admit the flow (<c>sg-… (demo-master-sg) ingress tcp/8182 from sg-…</c>); empty when none does.</summary>
    public IReadOnlyList<string> MatchingRules { get; }

    public override string ToString() => $"{Flow} expected {(ExpectedAllowed ? "allowed" : "denied")}, {(ActualAllowed ? "allowed" : "denied")}: {Reason}";
}

/// <summary>
/// A reachability analyzer for one cluster, from its Describe answers alone: for every flow of
/// <see cref="ClusterFlows.Required"/>, <see cref="ClusterFlows.InternetDenied"/> and <see cref="ClusterFlows.ClusterDenied"/>,
/// whether the security groups of the source hosts (egress) and of the destination hosts (ingress) admit it. A required
/// flow is allowed when every port of it gets through for every pair of hosts; a denied one is allowed (and fails) when
/// any port of it gets through for any pair. Security groups are stateful, so only the
/// opening direction is checked. Network ACLs are not evaluated (the module leaves the VPC's default ACL, which admits
/// everything); routes only as far as the internet needs a public address on the destination.
/// </summary>
public static class ReachabilityEvaluator
{
    private static readonly Ipv4Cidr[] PrivateRanges = new[] { "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16" }
        .Select(c => Ipv4Cidr.TryParse(c, out var cidr) ? cidr : throw new InvalidOperationException(c)).ToArray();

    /// <summary>Every required flow (expected allowed), then every admin port from the internet and from the other roles and the VPC (expected denied).</summary>
    public static IReadOnlyList<FlowCheck> Evaluate(ClusterInfo cluster)
    {
        if (cluster is null)
        {
            throw new ArgumentNullException(nameof(cluster));
        }

        var world = new World(cluster);
        return ClusterFlows.Required.Select(f => world.Check(f, expectAllowed: true))
            .Concat(ClusterFlows.InternetDenied.Select(f => world.Check(f, expectAllowed: false)))
            .Concat(ClusterFlows.ClusterDenied.Select(f => world.Check(f, expectAllowed: false)))
            .ToList();
    }

    /// <summary>Whether a CIDR names any address outside the private and special ranges (part of the internet).</summary>
    internal static bool IsPublic(string cidr)
    {
        if (!Ipv4Cidr.TryParse(cidr, out var range))
        {
            return false;
        }

        return !PrivateRanges.Any(p => p.Contains(range));
    }

    private sealed class Endpoint
    {
        public Endpoint(string label, IReadOnlyList<string> groupIds, string? privateIp, string? publicIp, bool isHost, Ipv4Cidr? range = null)
        {
            Range = range;
            Label = label;
            GroupIds = groupIds;
            PrivateIp = privateIp;
            PublicIp = publicIp;
            IsHost = isHost;
        }

        public string Label { get; }

        public IReadOnlyList<string> GroupIds { get; }

        public string? PrivateIp { get; }

        public string? PublicIp { get; }

        /// <summary>False for a role without hosts, checked through its security group alone.</summary>
        public bool IsHost { get; }

        /// <summary>Set for "any address of the VPC": a CIDR rule admits it when it overlaps the range.</summary>
        public Ipv4Cidr? Range { get; }
    }

    private sealed class World
    {
        private readonly ClusterInfo _cluster;
        private readonly Dictionary<string, SecurityGroupInfo> _groups;

        public World(ClusterInfo cluster)
        {
            _cluster = cluster;
            _groups = cluster.SecurityGroups.GroupBy(g => g.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        }

        public FlowCheck Check(ClusterFlow flow, bool expectAllowed)
        {
            var destinations = Endpoints(flow.Destination);
            if (destinations.Count == 0)
            {
                return new FlowCheck(flow, expectAllowed, false, $"The cluster has no {flow.Destination} host and no {FlowEndpoints.SecurityGroupRole(flow.Destination)} security group.", Array.Empty<string>());
            }

            return flow.Source == FlowEndpoints.Internet ? FromInternet(flow, expectAllowed, destinations)
                : expectAllowed ? BetweenHosts(flow, expectAllowed, destinations)
                : AnyBetweenHosts(flow, destinations);
        }

        /// <summary>A denied flow inside the VPC: allowed as soon as one port of it gets through for one pair of hosts.</summary>
        private FlowCheck AnyBetweenHosts(ClusterFlow flow, IReadOnlyList<Endpoint> destinations)
        {
            var sources = flow.Source == FlowEndpoints.Vpc ? VpcEndpoints() : Endpoints(flow.Source);
            foreach (var source in sources)
            {
                foreach (var destination in destinations.Where(d => !(source.IsHost && d.IsHost && source.PrivateIp == d.PrivateIp)))
                {
                    foreach (var (groupId, rule) in Admitting(Ingress(destination).Where(r => Admits(r.Rule, source)), flow))
                    {
                        var (from, to) = (Math.Max(rule.PortRange.From, flow.FromPort), Math.Min(rule.PortRange.To, flow.ToPort));
                        var leaves = source.GroupIds.Count == 0 || Egress(source).Any(e => Admits(e.Rule, destination) && e.Rule.AdmitsProtocol(flow.Protocol) && e.Rule.PortRange.From <= to && from <= e.Rule.PortRange.To);
                        if (leaves)
                        {
                            var through = Describe(groupId, "ingress", rule);
                            return new FlowCheck(flow, false, true, $"{destination.Label} admits {flow.Protocol}/{(from == to ? from.ToString(CultureInfo.InvariantCulture) : string.Format(CultureInfo.InvariantCulture, "{0}-{1}", from, to))} from {source.Label} through {through}.", new[] { through });
                        }
                    }
                }
            }

            return new FlowCheck(flow, false, false, $"No rule of the {flow.Destination} groups admits {flow.Protocol}/{flow.Ports} from {(sources.Count == 0 ? flow.Source : sources[0].Label)}.", Array.Empty<string>());
        }

        /// <summary>"Any other address of the VPC": in no cluster group, so only a CIDR rule overlapping the VPC admits it.</summary>
        private List<Endpoint> VpcEndpoints() =>
            _cluster.VpcCidr is { } text && Ipv4Cidr.TryParse(text, out var vpc)
                ? new List<Endpoint> { new($"any address of the VPC ({text})", Array.Empty<string>(), null, null, isHost: false, range: vpc) }
                : new List<Endpoint>();

        private FlowCheck FromInternet(ClusterFlow flow, bool expectAllowed, IReadOnlyList<Endpoint> destinations)
        {
            var matching = new List<string>();
            string? firstGap = null;
            var everyDestinationOpen = true;
            var anyPortOpen = false;
            foreach (var destination in destinations)
            {
                var everyone = Ingress(destination).Where(r => r.Rule.Cidr == "0.0.0.0/0").ToList();
                var some = Ingress(destination).Where(r => r.Rule.Cidr is { } cidr && IsPublic(cidr)).ToList();
                var admitted = Admitting(some, flow);
                if (admitted.Count > 0)
                {
                    anyPortOpen = true;
                    matching.AddRange(admitted.Select(r => Describe(r.GroupId, "ingress", r.Rule)));
                }

                var gap = Gap(everyone, flow);
                if (gap is not null || (destination.IsHost && destination.PublicIp is null))
                {
                    everyDestinationOpen = false;
                    firstGap ??= gap is not null
                        ? $"{destination.Label} admits {flow.Protocol}/{gap} from no public source"
                        : $"{destination.Label} has no public address";
                }
            }

            if (expectAllowed)
            {
                return everyDestinationOpen
                    ? new FlowCheck(flow, true, true, $"Open to 0.0.0.0/0 on {string.Join(", ", destinations.Select(d => d.Label))}.", matching.Distinct().ToList())
                    : new FlowCheck(flow, true, false, firstGap + ".", matching.Distinct().ToList());
            }

            return anyPortOpen
                ? new FlowCheck(flow, false, true, $"Open to public addresses through {matching.First()}.", matching.Distinct().ToList())
                : new FlowCheck(flow, false, false, $"No rule of the {flow.Destination} groups admits {flow.Protocol}/{flow.Ports} from a public address.", Array.Empty<string>());
        }

        private FlowCheck BetweenHosts(ClusterFlow flow, bool expectAllowed, IReadOnlyList<Endpoint> destinations)
        {
            var sources = Endpoints(flow.Source);
            if (sources.Count == 0)
            {
                return new FlowCheck(flow, expectAllowed, false, $"The cluster has no {flow.Source} host and no {FlowEndpoints.SecurityGroupRole(flow.Source)} security group.", Array.Empty<string>());
            }

            var matching = new List<string>();
            foreach (var source in sources)
            {
                foreach (var destination in destinations)
                {
                    var ingress = Ingress(destination).Where(r => Admits(r.Rule, source)).ToList();
                    var gap = Gap(ingress, flow);
                    if (gap is not null)
                    {
                        return new FlowCheck(flow, expectAllowed, false, $"{destination.Label} admits no {flow.Protocol}/{gap} from {source.Label}.", Array.Empty<string>());
                    }

                    var egress = Egress(source).Where(r => Admits(r.Rule, destination)).ToList();
                    var egressGap = Gap(egress, flow);
                    if (egressGap is not null)
                    {
                        return new FlowCheck(flow, expectAllowed, false, $"{source.Label} sends no {flow.Protocol}/{egressGap} to {destination.Label} (egress).", Array.Empty<string>());
                    }

                    matching.AddRange(Admitting(ingress, flow).Select(r => Describe(r.GroupId, "ingress", r.Rule)));
                }
            }

            var pairs = sources.Count * destinations.Count;
            return new FlowCheck(flow, expectAllowed, true, string.Format(CultureInfo.InvariantCulture, "Admitted for {0} source/destination pair{1}.", pairs, pairs == 1 ? string.Empty : "s"), matching.Distinct().ToList());
        }

        /// <summary>The live hosts of a role, or the role's security group alone when it has none.</summary>
        private List<Endpoint> Endpoints(string role)
        {
            var publicIp = _cluster.Gateway?.PublicIpAddress ?? _cluster.GatewayAddress?.PublicIp;
            var hosts = _cluster.Hosts.Where(h => h.Role == role && h.State is "running" or "pending").ToList();
            if (hosts.Count > 0)
            {
                return hosts.Select(h => new Endpoint(
                    $"{h.Name} ({h.InstanceId}{(h.SecurityGroupIds.Count == 0 ? string.Empty : " in " + string.Join(", ", h.SecurityGroupIds))})",
                    h.SecurityGroupIds,
                    h.PrivateIpAddress,
                    h.PublicIpAddress ?? (role == FlowEndpoints.Gateway && _cluster.GatewayAddress?.InstanceId == h.InstanceId ? publicIp : null),
                    isHost: true)).ToList();
            }

            var group = FlowEndpoints.SecurityGroupRole(role) switch
            {
                ClusterRoles.GatewaySecurityGroup => _cluster.GatewaySecurityGroup,
                ClusterRoles.MasterSecurityGroup => _cluster.MasterSecurityGroup,
                _ => _cluster.AgentSecurityGroup,
            };
            return group is null ? new List<Endpoint>() : new List<Endpoint> { new($"{group.Name} ({group.Id}, no {role} host)", new[] { group.Id }, null, null, isHost: false) };
        }

        private IEnumerable<(string GroupId, SecurityGroupRule Rule)> Ingress(Endpoint endpoint) =>
            endpoint.GroupIds.Where(_groups.ContainsKey).SelectMany(id => _groups[id].Permissions.Select(r => (id, r)));

        private IEnumerable<(string GroupId, SecurityGroupRule Rule)> Egress(Endpoint endpoint) =>
            endpoint.GroupIds.Where(_groups.ContainsKey).SelectMany(id => _groups[id].Egress.Select(r => (id, r)));

        /// <summary>Whether a rule's source (ingress) or destination (egress) names the endpoint.</summary>
        private bool Admits(SecurityGroupRule rule, Endpoint endpoint)
        {
            if (rule.GroupId is not null)
            {
                return endpoint.GroupIds.Contains(rule.GroupId, StringComparer.Ordinal);
            }

            if (rule.Cidr is null || !Ipv4Cidr.TryParse(rule.Cidr, out var cidr))
            {
                return false;
            }

            if (endpoint.Range is { } range)
            {
                return cidr.Overlaps(range);
            }

            if (endpoint.PrivateIp is not null)
            {
                return cidr.Contains(endpoint.PrivateIp);
            }

            // A role without hosts: its hosts would get an address of their subnet.
            var subnet = endpoint.GroupIds.Contains(_cluster.GatewaySecurityGroup?.Id ?? "\0") ? _cluster.PublicSubnet : _cluster.PrivateSubnet;
            return subnet is not null && Ipv4Cidr.TryParse(subnet.Cidr, out var subnetCidr) && cidr.Contains(subnetCidr);
        }

        private string Describe(string groupId, string direction, SecurityGroupRule rule)
        {
            var name = _groups.TryGetValue(groupId, out var g) ? g.Name : groupId;
            var source = rule.GroupId is not null && _groups.TryGetValue(rule.GroupId, out var sg) ? $"{rule.GroupId} ({sg.Name})" : rule.Source;
            var ports = rule.Protocol == "-1" ? "all" : rule.FromPort == rule.ToPort ? rule.FromPort.ToString(CultureInfo.InvariantCulture) : string.Format(CultureInfo.InvariantCulture, "{0}-{1}", rule.FromPort, rule.ToPort);
            return $"{groupId} ({name}) {direction} {(rule.Protocol == "-1" ? "all" : rule.Protocol)}/{ports} {(direction == "ingress" ? "from" : "to")} {source}";
        }

        /// <summary>The rules that admit at least one port of the flow.</summary>
        private static List<(string GroupId, SecurityGroupRule Rule)> Admitting(IEnumerable<(string GroupId, SecurityGroupRule Rule)> rules, ClusterFlow flow) =>
            rules.Where(r => r.Rule.AdmitsProtocol(flow.Protocol) && r.Rule.PortRange.From <= flow.ToPort && flow.FromPort <= r.Rule.PortRange.To).ToList();

        /// <summary>The first port range of the flow no rule covers (null when the rules cover all of it).</summary>
        private static string? Gap(IEnumerable<(string GroupId, SecurityGroupRule Rule)> rules, ClusterFlow flow)
        {
            var next = flow.FromPort;
            foreach (var (from, to) in rules.Where(r => r.Rule.AdmitsProtocol(flow.Protocol)).Select(r => r.Rule.PortRange).OrderBy(r => r.From))
            {
                if (from > next)
                {
                    break;
                }

                next = Math.Max(next, to + 1);
                if (next > flow.ToPort)
                {
                    return null;
                }
            }

            var end = flow.ToPort;
            var after = rules.Where(r => r.Rule.AdmitsProtocol(flow.Protocol)).Select(r => r.Rule.PortRange.From).Where(f => f > next && f <= flow.ToPort).DefaultIfEmpty(flow.ToPort + 1).Min();
            end = Math.Min(end, after - 1);
            return next == end ? next.ToString(CultureInfo.InvariantCulture) : string.Format(CultureInfo.InvariantCulture, "{0}-{1}", next, end);
        }
    }
}
