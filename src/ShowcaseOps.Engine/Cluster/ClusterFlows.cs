using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace ShowcaseOps.Core.Cluster;

/// <summary>The ends of a flow: the internet, or the hosts of one role (and so that role's security group).</summary>
public static class FlowEndpoints
{
    public const string Internet = "internet";

    /// <summary>Any other address of the cluster's VPC (a host in no cluster group): a source only, reached by no group reference.</summary>
    public const string Vpc = "vpc";
    public const string Gateway = ClusterRoles.Gateway;
    public const string Master = ClusterRoles.Master;
    public const string Agent = ClusterRoles.Agent;

    public static IReadOnlyList<string> HostRoles { get; } = new[] { Gateway, Master, Agent };

    /// <summary>The security group role of a host role (<c>gateway</c> → <c>gateway-sg</c>).</summary>
    public static string SecurityGroupRole(string hostRole) => hostRole switch
    {
        Gateway => ClusterRoles.GatewaySecurityGroup,
        Master => ClusterRoles.MasterSecurityGroup,
        Agent => ClusterRoles.AgentSecurityGroup,
        _ => throw new ArgumentOutOfRangeException(nameof(hostRole), hostRole, "Not a host role."),
    };

    /// <summary>The host role of a security group role (<c>master-sg</c> → <c>master</c>).</summary>
    public static string HostRole(string securityGroupRole) => securityGroupRole switch
    {
        ClusterRoles.GatewaySecurityGroup => Gateway,
        ClusterRoles.MasterSecurityGroup => Master,
        ClusterRoles.AgentSecurityGroup => Agent,
        _ => throw new ArgumentOutOfRangeException(nameof(securityGroupRole), securityGroupRole, "Not a security group role."),
    };
}

/// <summary>One network flow of the platform: who opens a connection to whom, on which protocol and ports, and why.</summary>
public sealed class ClusterFlow
{
    public ClusterFlow(string source, string destination, string protocol, int fromPort, int toPort, string purpose)
    {
        Source = source;
        Destination = destination;
        Protocol = protocol;
        FromPort = fromPort;
        ToPort = toPort;
        Purpose = purpose;
    }

    /// <summary><see cref="FlowEndpoints.Internet"/>, gateway, master or agent.</summary>
    public string Source { get; }

    /// <summary>gateway, master or agent.</summary>
    public string Destination { get; }

    /// <summary>tcp or udp.</summary>
    public string Protocol { get; }

    public int FromPort { get; }

    public int ToPort { get; }

    /// <summary>What uses the flow (also the description of the security group rule that admits it).</summary>
    public string Purpose { get; }

    /// <summary><c>8301</c> or <c>10000-20000</c>.</summary>
    public string Ports => FromPort == ToPort ? FromPort.ToString(CultureInfo.InvariantCulture) : string.Format(CultureInfo.InvariantCulture, "{0}-{1}", FromPort, ToPort);

    public override string ToString() => $"{Source} -> {Destination} {Protocol}/{Ports} ({Purpose})";
}

/// <summary>
/// The one table of the platform's network flows (derived from module/bootstrap/*.sh and docs/platform-channels.md).
/// <see cref="ClusterBuilder"/> turns <see cref="Required"/> into security group rules (sources as group references,
/// never the VPC CIDR); <see cref="ReachabilityEvaluator"/> checks the live groups against <see cref="Required"/>
/// (must be allowed) and <see cref="InternetDenied"/> (must be denied). No flow uses port 22. There is no overlay network
/// (no Weave: see common.sh), and etcd, PostgreSQL, the Consul HTTP API and DNS are used on the host itself only.
/// </summary>
public static class ClusterFlows
{
    /// <summary>Marathon's default service port range (local_port_min/max): Vulcand listens on the service port of each registered service.</summary>
    public const int ServicePortMin = 10000;
    public const int ServicePortMax = 20000;

    /// <summary>Host ports the Mesos agents offer to tasks (SC_AGENT_PORT_RANGE).</summary>
    public const int TaskPortMin = 50000;
    public const int TaskPortMax = 60000;

    private const string Internet = FlowEndpoints.Internet;
    private const string Gateway = FlowEndpoints.Gateway;
    private const string Master = FlowEndpoints.Master;
    private const string Agent = FlowEndpoints.Agent;

    /// <summary>Every flow the platform needs, in a stable order.</summary>
    public static IReadOnlyList<ClusterFlow> Required { get; } = BuildRequired();

    /// <summary>Ports that must never be reachable from the internet, on every host role (SSH, every admin and cluster port).</summary>
    public static IReadOnlyList<ClusterFlow> InternetDenied { get; } = BuildInternetDenied();

    /// <summary>
    /// Admin ports inside the VPC that only the roles of <see cref="Required"/> may reach, denied from every other role
    /// (an agent from the other agents too: a task reaches what its agent reaches) and from any other address of the VPC: Kong's Admin API from nobody (it is used on the gateway itself), the
    /// Vulcand API and Marathon from the gateway only, the Mesos master and ZooKeeper from the roles that register, the
    /// Mesos agent API from the master only, the Consul HTTP API and DNS and etcd from nobody (host-local).
    /// </summary>
    public static IReadOnlyList<ClusterFlow> ClusterDenied { get; } = BuildClusterDenied();

    /// <summary>
    /// The ingress rules <paramref name="securityGroupRole"/> needs: one per required flow into that role, its source the
    /// source role's group (from <paramref name="groupIds"/>, security group role → id) or 0.0.0.0/0 for the internet.
    /// Flows with the same ports and source become one rule.
    /// </summary>
    public static IReadOnlyList<SecurityGroupRule> IngressFor(string securityGroupRole, IReadOnlyDictionary<string, string> groupIds)
    {
        if (groupIds is null)
        {
            throw new ArgumentNullException(nameof(groupIds));
        }

        var destination = FlowEndpoints.HostRole(securityGroupRole);
        return Required.Where(f => f.Destination == destination)
            .GroupBy(f => (f.Protocol, f.FromPort, f.ToPort, f.Source))
            .Select(g =>
            {
                var description = string.Join("; ", g.Select(f => f.Purpose).Distinct());
                if (g.Key.Source == Internet)
                {
                    return SecurityGroupRule.FromCidr(g.Key.Protocol, g.Key.FromPort, g.Key.ToPort, "0.0.0.0/0", description);
                }

                var sourceRole = FlowEndpoints.SecurityGroupRole(g.Key.Source);
                if (!groupIds.TryGetValue(sourceRole, out var sourceGroupId) || string.IsNullOrEmpty(sourceGroupId))
                {
                    throw new InvalidOperationException($"The id of the {sourceRole} security group is not known yet.");
                }

                return SecurityGroupRule.FromGroup(g.Key.Protocol, g.Key.FromPort, g.Key.ToPort, sourceGroupId, description);
            })
            .ToList();
    }

    /// <summary>The rules of <paramref name="wanted"/> that <paramref name="present"/> lacks (same protocol, ports and source).</summary>
    public static List<SecurityGroupRule> Missing(IEnumerable<SecurityGroupRule> wanted, IReadOnlyList<SecurityGroupRule> present) =>
        wanted.Where(w => !present.Any(p => p.SameRuleAs(w))).ToList();

    /// <summary>
    /// Rules earlier versions of the module created (every cluster port from the VPC CIDR) that the flow table no longer
    /// wants: New-ShowcaseCluster revokes them, so an existing cluster ends with exactly the flows of the table.
    /// </summary>
    public static List<SecurityGroupRule> Superseded(string securityGroupRole, string vpcCidr, IReadOnlyList<SecurityGroupRule> present, IReadOnlyList<SecurityGroupRule> wanted)
    {
        var legacy = new ClusterSpec("legacy") { VpcCidr = vpcCidr }.IngressRules(securityGroupRole)
            .Where(r => r.Cidr == vpcCidr)
            .Select(r => SecurityGroupRule.FromCidr(r.Protocol, r.FromPort, r.ToPort, r.Cidr, r.Description))
            .ToList();
        return present.Where(p => legacy.Any(l => l.SameRuleAs(p)) && !wanted.Any(w => w.SameRuleAs(p))).ToList();
    }

    private static List<ClusterFlow> BuildRequired()
    {
        var flows = new List<ClusterFlow>();
        void Flow(string source, string destination, string protocol, int from, int to, string purpose) => flows.Add(new ClusterFlow(source, destination, protocol, from, to, purpose));

        // The public entry: Kong's proxy (host ports 80/443 published from the container's 8000/8443).
        Flow(Internet, Gateway, "tcp", 80, 80, "Kong proxy (HTTP)");
        Flow(Internet, Gateway, "tcp", 443, 443, "Kong proxy (HTTPS)");

        // Kong forwards each service to Vulcand's listener on the service port; Vulcand forwards to the task host ports.
        Flow(Gateway, Master, "tcp", ServicePortMin, ServicePortMax, "Kong to Vulcand service listeners (Marathon service ports)");
        Flow(Master, Agent, "tcp", TaskPortMin, TaskPortMax, "Vulcand to Mesos task host ports");

        // Tasks reach each other at the addresses Consul gives for <service>.<domain> (agent address, host port).
        Flow(Agent, Agent, "tcp", TaskPortMin, TaskPortMax, "Tasks to tasks found through Consul DNS");

        // The platform batches run on the gateway (SSM channel) and call the admin APIs on the master; Kong exposes the UIs.
        Flow(Gateway, Master, "tcp", 8182, 8182, "Vulcand API (registration batches on the gateway)");
        Flow(Gateway, Master, "tcp", 8080, 8080, "Marathon API and UI (batches on the gateway, Kong)");
        Flow(Gateway, Master, "tcp", 5050, 5050, "Mesos master UI through Kong");

        // Mesos: agents find the master through ZooKeeper and register; the master calls the agents back.
        Flow(Agent, Master, "tcp", 2181, 2181, "ZooKeeper (Mesos master detection)");
        Flow(Agent, Master, "tcp", 5050, 5050, "Mesos agent to master");
        Flow(Master, Agent, "tcp", 5051, 5051, "Mesos master to agent");

        // Consul: clients call the server (on the master) on 8300; every agent gossips with every other on 8301 (Serf LAN).
        Flow(Gateway, Master, "tcp", 8300, 8300, "Consul server RPC");
        Flow(Agent, Master, "tcp", 8300, 8300, "Consul server RPC");
        foreach (var (source, destination) in new[] { (Gateway, Master), (Master, Gateway), (Gateway, Agent), (Agent, Gateway), (Master, Agent), (Agent, Master), (Agent, Agent) })
        {
            Flow(source, destination, "tcp", 8301, 8301, "Consul Serf LAN");
            Flow(source, destination, "udp", 8301, 8301, "Consul Serf LAN");
        }

        return flows;
    }

    private static List<ClusterFlow> BuildClusterDenied()
    {
        var ports = new (string Destination, string Protocol, int From, int To, string Purpose)[]
        {
            (Gateway, "tcp", 8001, 8001, "Kong Admin API (loopback only)"),
            (Gateway, "tcp", 8444, 8444, "Kong Admin API TLS (loopback only)"),
            (Master, "tcp", 8182, 8182, "Vulcand API (gateway only)"),
            (Master, "tcp", 8181, 8181, "Vulcand proxy port (host only)"),
            (Master, "tcp", 8080, 8080, "Marathon API (gateway only)"),
            (Master, "tcp", 5050, 5050, "Mesos master (gateway and agents only)"),
            (Master, "tcp", 2181, 2181, "ZooKeeper (agents only)"),
            (Master, "tcp", 2379, 2380, "etcd (host only)"),
            (Agent, "tcp", 5051, 5051, "Mesos agent API (master only)"),
        };
        var flows = new List<ClusterFlow>();
        foreach (var (destination, protocol, from, to, purpose) in ports)
        {
            flows.AddRange(FlowEndpoints.HostRoles.Append(FlowEndpoints.Vpc).Where(source => (source != destination || destination == Agent) && !RequiredOverlaps(source, destination, protocol, from, to))
                .Select(source => new ClusterFlow(source, destination, protocol, from, to, purpose)));
        }

        // The Consul HTTP API and DNS answer on every host, for that host alone.
        foreach (var destination in FlowEndpoints.HostRoles)
        {
            foreach (var source in FlowEndpoints.HostRoles.Append(FlowEndpoints.Vpc).Where(s => s != destination || destination == Agent))
            {
                flows.Add(new ClusterFlow(source, destination, "tcp", 8500, 8500, "Consul HTTP API (host only)"));
                flows.Add(new ClusterFlow(source, destination, "tcp", 8600, 8600, "Consul DNS (host only)"));
            }
        }

        return flows;
    }

    private static bool RequiredOverlaps(string source, string destination, string protocol, int from, int to) =>
        Required.Any(f => f.Source == source && f.Destination == destination && f.Protocol == protocol && f.FromPort <= to && from <= f.ToPort);

    private static List<ClusterFlow> BuildInternetDenied()
    {
        var ports = new (string Protocol, int From, int To, string Purpose)[]
        {
            ("tcp", 22, 22, "SSH"),
            ("tcp", 2181, 2181, "ZooKeeper"),
            ("tcp", 2379, 2380, "etcd"),
            ("tcp", 2888, 2888, "ZooKeeper peers"),
            ("tcp", 3888, 3888, "ZooKeeper leader election"),
            ("tcp", 5050, 5051, "Mesos master and agent"),
            ("tcp", 8000, 8001, "Kong container proxy and Admin API"),
            ("tcp", 8080, 8080, "Marathon"),
            ("tcp", 8181, 8182, "Vulcand proxy and API"),
            ("tcp", 8300, 8302, "Consul RPC and Serf"),
            ("udp", 8301, 8302, "Consul Serf"),
            ("tcp", 8443, 8444, "Kong container proxy and Admin API (TLS)"),
            ("tcp", 8500, 8500, "Consul HTTP API"),
            ("tcp", 8600, 8600, "Consul DNS"),
            ("udp", 8600, 8600, "Consul DNS"),
            ("tcp", ServicePortMin, ServicePortMax, "Vulcand service listeners"),
            ("tcp", TaskPortMin, TaskPortMax, "Mesos task host ports"),
        };
        return FlowEndpoints.HostRoles.SelectMany(role => ports.Select(p => new ClusterFlow(Internet, role, p.Protocol, p.From, p.To, p.Purpose))).ToList();
    }
}

/// <summary>One ingress (or egress) rule of a security group: protocol, port range and one source (a CIDR or a group).</summary>
public sealed class SecurityGroupRule
{
    private SecurityGroupRule(string protocol, int fromPort, int toPort, string? cidr, string? groupId, string description)
    {
        Protocol = protocol;
        FromPort = fromPort;
        ToPort = toPort;
        Cidr = cidr;
        GroupId = groupId;
        Description = description;
    }

    /// <summary>tcp, udp, icmp or -1 (all).</summary>
    public string Protocol { get; }

    /// <summary>-1 when the protocol has no ports (-1, icmp).</summary>
    public int FromPort { get; }

    public int ToPort { get; }

    /// <summary>The IPv4 CIDR the rule names, or null for a group reference.</summary>
    public string? Cidr { get; }

    /// <summary>The security group the rule names, or null for a CIDR.</summary>
    public string? GroupId { get; }

    public string Description { get; }

    public static SecurityGroupRule FromCidr(string protocol, int fromPort, int toPort, string cidr, string description) => new(protocol, fromPort, toPort, cidr, null, description);

    public static SecurityGroupRule FromGroup(string protocol, int fromPort, int toPort, string groupId, string description) => new(protocol, fromPort, toPort, null, groupId, description);

    /// <summary>Same protocol, ports and source (descriptions do not matter to AWS either).</summary>
    public bool SameRuleAs(SecurityGroupRule other) =>
        other is not null && Protocol == other.Protocol && PortsEqual(other) && Cidr == other.Cidr && GroupId == other.GroupId;

    /// <summary>Whether the rule admits <paramref name="protocol"/> at all (-1 admits every protocol).</summary>
    public bool AdmitsProtocol(string protocol) => Protocol == "-1" || string.Equals(Protocol, protocol, StringComparison.Ordinal);

    /// <summary>The port range the rule admits (0-65535 for an all-traffic rule).</summary>
    public (int From, int To) PortRange => Protocol == "-1" || FromPort < 0 ? (0, 65535) : (FromPort, ToPort);

    public string Source => Cidr ?? GroupId ?? "?";

    public override string ToString()
    {
        var ports = Protocol == "-1" ? "all" : FromPort == ToPort ? FromPort.ToString(CultureInfo.InvariantCulture) : string.Format(CultureInfo.InvariantCulture, "{0}-{1}", FromPort, ToPort);
        return $"{(Protocol == "-1" ? "all" : Protocol)}/{ports} from {Source}";
    }

    private bool PortsEqual(SecurityGroupRule other) =>
        Protocol == "-1" || (FromPort == other.FromPort && ToPort == other.ToPort);
}
