using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Amazon.EC2;
using Amazon.EC2.Model;
using ShowcaseOps.Core.Execution;

namespace ShowcaseOps.Core.Cluster;

/// <summary>
/// Rebuilds clusters from their tags alone (no state file), never through a tag filter alone (those lag on AWS): VPCs,
/// internet gateways and Elastic IPs unfiltered and key pairs by tag, concurrently; then what lives in the cluster's
/// VPCs by <c>vpc-id</c>; the <c>showcase:cluster</c> tag is checked in every answer. Other areas use it to resolve a
/// <c>-Cluster</c> name to hosts.
/// </summary>
public static class ClusterDiscovery
{
    private static readonly char[] WildcardCharacters = { '*', '?', '[' };
    private static readonly string[] LiveInstanceStates = { "pending", "running", "shutting-down", "stopping", "stopped" };

    /// <summary>The cluster named <paramref name="name"/>, or null when no resource carries that tag.</summary>
    public static Task<ClusterInfo?> FindAsync(IAmazonEC2 ec2, string name, CancellationToken cancellationToken) =>
        FindAsync(ec2, name, NullReporter.Instance, ClusterEngineOptions.Default, cancellationToken);

    public static async Task<ClusterInfo?> FindAsync(IAmazonEC2 ec2, string name, IOperationReporter reporter, ClusterEngineOptions options, CancellationToken cancellationToken)
    {
        var info = await DiscoverAsync(ec2, name, new Ec2Calls(reporter, options), cancellationToken).ConfigureAwait(false);
        return info.Exists ? info : null;
    }

    /// <summary>Names of the clusters whose name matches <paramref name="pattern"/> (wildcards <c>*</c>, <c>?</c>, <c>[a-z]</c>; null: all), sorted.</summary>
    public static Task<IReadOnlyList<string>> ListNamesAsync(IAmazonEC2 ec2, string? pattern, CancellationToken cancellationToken) =>
        ListNamesAsync(ec2, pattern, NullReporter.Instance, ClusterEngineOptions.Default, cancellationToken);

    public static async Task<IReadOnlyList<string>> ListNamesAsync(IAmazonEC2 ec2, string? pattern, IOperationReporter reporter, ClusterEngineOptions options, CancellationToken cancellationToken)
    {
        if (ec2 is null)
        {
            throw new ArgumentNullException(nameof(ec2));
        }

        var calls = new Ec2Calls(reporter, options);
        var tags = await calls.Ec2PagesAsync("DescribeTags", "key=" + ClusterTags.Cluster, (token, ct) => ec2.DescribeTagsAsync(new DescribeTagsRequest { Filters = new List<Filter> { new("key", new List<string> { ClusterTags.Cluster }) }, NextToken = token }, ct), r => r.Tags, r => r.NextToken, cancellationToken).ConfigureAwait(false);
        var names = new SortedSet<string>(tags.Where(t => t.Key == ClusterTags.Cluster && !string.IsNullOrEmpty(t.Value)).Select(t => t.Value), StringComparer.Ordinal);
        var regex = pattern is null ? null : WildcardToRegex(pattern);
        return names.Where(n => regex is null || regex.IsMatch(n)).ToList();
    }

    /// <summary>Every cluster matching <paramref name="pattern"/>, discovered concurrently.</summary>
    public static async Task<IReadOnlyList<ClusterInfo>> ListAsync(IAmazonEC2 ec2, string? pattern, IOperationReporter reporter, ClusterEngineOptions options, CancellationToken cancellationToken)
    {
        var names = await ListNamesAsync(ec2, pattern, reporter, options, cancellationToken).ConfigureAwait(false);
        var found = await Task.WhenAll(names.Select(n => FindAsync(ec2, n, reporter, options, cancellationToken))).ConfigureAwait(false);
        return found.Where(c => c is not null).Select(c => c!).ToList();
    }

    public static bool HasWildcards(string? text) => text is not null && text.IndexOfAny(WildcardCharacters) >= 0;

    /// <summary>PowerShell-style wildcards, case-sensitive like the showcase:cluster tag they match (De* does not find demo).</summary>
    public static Regex WildcardToRegex(string pattern)
    {
        var sb = new System.Text.StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            switch (c)
            {
                case '*':
                    sb.Append(".*");
                    break;
                case '?':
                    sb.Append('.');
                    break;
                case '[':
                    var close = pattern.IndexOf(']', i + 1);
                    if (close < 0)
                    {
                        sb.Append("\\[");
                        break;
                    }

                    sb.Append('[').Append(pattern.Substring(i + 1, close - i - 1).Replace("\\", "\\\\")).Append(']');
                    i = close;
                    break;
                default:
                    sb.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }

        return new Regex(sb.Append('$').ToString(), RegexOptions.CultureInvariant);
    }

    // known: when set (the check after a build, which knows every host, route table and group it found or made), those
    // are read by id: one answer instead of tag-filtered pages over every one of the region (EC2 pages before it
    // filters), and no tag-filter lag. An id EC2 does not know falls back to the tag-filtered read.
    internal static async Task<ClusterInfo> DiscoverAsync(IAmazonEC2 ec2, string name, Ec2Calls calls, CancellationToken cancellationToken, KnownIds? known = null)
    {
        if (ec2 is null)
        {
            throw new ArgumentNullException(nameof(ec2));
        }

        List<Filter> Tagged() => new() { new Filter("tag:" + ClusterTags.Cluster, new List<string> { name }) };
        var what = ClusterTags.Cluster + "=" + name;

        // Nothing is read through a tag filter alone: tag filters are eventually consistent on AWS, the tags in an answer
        // are not. VPCs, internet gateways and Elastic IPs (whose creates have no ClientToken) are read unfiltered (an
        // account holds few of each, 5 per region by default); what lives in a VPC (subnets, route tables, groups, NAT
        // gateways, instances) is read by the VPC ids found, the cluster's tags checked in the answer. So a re-run right
        // after a crash, or a remove right after a create, sees everything. When the cluster has no VPC, nothing can
        // live in one: those reads are skipped.
        var vpcs = OwnedVpcsAsync(ec2, name, calls, cancellationToken);
        var gateways = OwnedInternetGatewaysAsync(ec2, name, calls, cancellationToken);
        var addresses = OwnedAddressesAsync(ec2, name, calls, cancellationToken);

        // DescribeKeyPairs is not paginated: one answer holds everything.
        var keys = calls.Ec2Async("DescribeKeyPairs", what, ct => ec2.DescribeKeyPairsAsync(new DescribeKeyPairsRequest { Filters = Tagged() }, ct), cancellationToken);
        // The check after a build knows its VPC: what lives in it is read while DescribeVpcs runs, and used only when
        // the cluster's VPCs are exactly the ones known (a VPC more or less: read again by the VPCs found).
        var speculative = known?.Vpcs is { Count: > 0 } knownVpcs ? ReadInVpcsAsync(ec2, calls, name, knownVpcs.ToList(), known, cancellationToken) : null;
        var vpcIds = (await vpcs.ConfigureAwait(false)).Select(v => v.VpcId).ToList();
        var scoped = vpcIds.Count == 0 ? InVpc.None
            : speculative is not null && SameIds(vpcIds, known!.Vpcs!) ? await speculative.ConfigureAwait(false)
            : await ReadInVpcsAsync(ec2, calls, name, vpcIds, known, cancellationToken).ConfigureAwait(false);
        if (speculative is not null && !speculative.IsCompleted)
        {
            _ = speculative.ContinueWith(t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }

        await Task.WhenAll(gateways, addresses, keys).ConfigureAwait(false);
        var found = new Found(
            vpcs.Result,
            scoped.Subnets.Where(v => Owned(v.Tags, name)).ToList(),
            gateways.Result,
            scoped.Tables.Where(v => Owned(v.Tags, name)).ToList(),
            scoped.Groups.Where(v => Owned(v.Tags, name)).ToList(),
            addresses.Result,
            scoped.Nats.Where(n => n.State?.Value != "deleted" && Owned(n.Tags, name)).ToList(),
            scoped.Instances.Where(i => Owned(i.Tags, name)).ToList(),
            (keys.Result.KeyPairs ?? new List<KeyPairInfo>()).Where(v => Owned(v.Tags, name)).ToList());
        var info = new ClusterInfo(name, ec2.Config.AuthenticationRegion ?? ec2.Config.RegionEndpoint?.SystemName ?? string.Empty);
        var resources = new List<ClusterResource>();
        AddNetwork(info, found, resources);
        AddRouting(info, found, resources);
        AddHosts(info, found, resources);
        info.Resources = resources;
        return info;
    }

    private static bool SameIds(IReadOnlyCollection<string> a, IReadOnlyCollection<string> b) =>
        new HashSet<string>(a, StringComparer.Ordinal).SetEquals(b);

    /// <summary>A paged read by <paramref name="ids"/> (one answer), or by filter when there are none or EC2 does not know one of them.</summary>
    private static async Task<List<TItem>> ByIdsOrFilterAsync<TResponse, TItem>(Ec2Calls calls, string operation, string what, IReadOnlyCollection<string>? ids, Func<List<string>?, string?, CancellationToken, Task<TResponse>> request, Func<TResponse, IEnumerable<TItem>?> items, Func<TResponse, string?> nextToken, CancellationToken cancellationToken)
    {
        if (ids is { Count: > 0 })
        {
            try
            {
                return await calls.Ec2PagesAsync(operation, string.Join(", ", ids), (token, ct) => request(ids.ToList(), token, ct), items, nextToken, cancellationToken, Ec2Calls.TransientButNotFound).ConfigureAwait(false);
            }
            catch (ShowcaseException ex) when (ex.InnerException is not null && Aws.AwsErrorClassifier.IsNotFound(ex.InnerException))
            {
            }
        }

        return await calls.Ec2PagesAsync(operation, what, (token, ct) => request(null, token, ct), items, nextToken, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>What lives in the cluster's VPCs, read by <c>vpc-id</c> (or by id when <paramref name="known"/> names them).</summary>
    private static async Task<InVpc> ReadInVpcsAsync(IAmazonEC2 ec2, Ec2Calls calls, string cluster, List<string> vpcIds, KnownIds? known, CancellationToken cancellationToken)
    {
        List<Filter> InVpcs() => new() { new Filter("vpc-id", vpcIds.ToList()) };
        var what = "vpc-id=" + string.Join(",", vpcIds);
        var subnets = ByIdsOrFilterAsync(calls, "DescribeSubnets", what, known?.Subnets, (ids, token, ct) => ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest { SubnetIds = ids, Filters = ids is null ? InVpcs() : null, NextToken = token }, ct), r => r.Subnets, r => r.NextToken, cancellationToken);
        var tables = ByIdsOrFilterAsync(calls, "DescribeRouteTables", what, known?.RouteTables, (ids, token, ct) => ec2.DescribeRouteTablesAsync(new DescribeRouteTablesRequest { RouteTableIds = ids, Filters = ids is null ? InVpcs() : null, NextToken = token }, ct), r => r.RouteTables, r => r.NextToken, cancellationToken);
        var groups = ByIdsOrFilterAsync(calls, "DescribeSecurityGroups", what, known?.SecurityGroups, (ids, token, ct) => ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { GroupIds = ids, Filters = ids is null ? InVpcs() : null, NextToken = token }, ct), r => r.SecurityGroups, r => r.NextToken, cancellationToken);
        var nats = ByIdsOrFilterAsync(calls, "DescribeNatGateways", what, known?.NatGateways, (ids, token, ct) => ec2.DescribeNatGatewaysAsync(new DescribeNatGatewaysRequest { NatGatewayIds = ids, Filter = ids is null ? InVpcs() : null, NextToken = token }, ct), r => r.NatGateways, r => r.NextToken, cancellationToken);
        var instances = known?.Instances is { Count: > 0 } ids ? KnownInstancesAsync(ec2, calls, ids, InVpcs(), what, cancellationToken) : InVpcOrTaggedInstancesAsync(ec2, calls, InVpcs(), what, cluster, cancellationToken);
        await Task.WhenAll(subnets, tables, groups, nats, instances).ConfigureAwait(false);
        var hosts = instances.Result;
        if (known?.Arrived is { } arrived)
        {
            var late = (await arrived.WaitAsync(cancellationToken).ConfigureAwait(false)).ToList();
            hosts = hosts.Where(i => !late.Any(l => l.InstanceId == i.InstanceId)).Concat(late).ToList();
        }

        return new InVpc(subnets.Result, tables.Result, groups.Result, nats.Result, hosts);
    }

    private sealed record InVpc(List<Subnet> Subnets, List<RouteTable> Tables, List<SecurityGroup> Groups, List<NatGateway> Nats, List<Instance> Instances)
    {
        public static InVpc None { get; } = new(new List<Subnet>(), new List<RouteTable>(), new List<SecurityGroup>(), new List<NatGateway>(), new List<Instance>());
    }

    /// <summary>The VPCs tagged with the cluster, read without a tag filter (every VPC of the region, tags from the answer).</summary>
    internal static async Task<List<Vpc>> OwnedVpcsAsync(IAmazonEC2 ec2, string name, Ec2Calls calls, CancellationToken cancellationToken)
    {
        var all = await calls.Ec2PagesAsync("DescribeVpcs", "(all, tags read from the answer)", (token, ct) => ec2.DescribeVpcsAsync(new DescribeVpcsRequest { NextToken = token }, ct), r => r.Vpcs, r => r.NextToken, cancellationToken).ConfigureAwait(false);
        return all.Where(v => Owned(v.Tags, name)).OrderBy(v => v.VpcId, StringComparer.Ordinal).ToList();
    }

    /// <summary>The internet gateways tagged with the cluster, read without a tag filter.</summary>
    internal static async Task<List<InternetGateway>> OwnedInternetGatewaysAsync(IAmazonEC2 ec2, string name, Ec2Calls calls, CancellationToken cancellationToken)
    {
        var all = await calls.Ec2PagesAsync("DescribeInternetGateways", "(all, tags read from the answer)", (token, ct) => ec2.DescribeInternetGatewaysAsync(new DescribeInternetGatewaysRequest { NextToken = token }, ct), r => r.InternetGateways, r => r.NextToken, cancellationToken).ConfigureAwait(false);
        return all.Where(g => Owned(g.Tags, name)).OrderBy(g => g.InternetGatewayId, StringComparer.Ordinal).ToList();
    }

    /// <summary>The Elastic IPs tagged with the cluster, read without a tag filter (DescribeAddresses is not paginated).</summary>
    internal static async Task<List<Address>> OwnedAddressesAsync(IAmazonEC2 ec2, string name, Ec2Calls calls, CancellationToken cancellationToken)
    {
        var all = await calls.Ec2Async("DescribeAddresses", "(all, tags read from the answer)", ct => ec2.DescribeAddressesAsync(new DescribeAddressesRequest(), ct), cancellationToken).ConfigureAwait(false);
        return (all.Addresses ?? new List<Address>()).Where(a => Owned(a.Tags, name)).OrderBy(a => a.AllocationId, StringComparer.Ordinal).ToList();
    }

    /// <summary>The cluster's resources as the Describe calls answered them (only those carrying its tag).</summary>
    private sealed record Found(List<Vpc> Vpcs, List<Subnet> Subnets, List<InternetGateway> Gateways, List<RouteTable> Tables, List<SecurityGroup> Groups, List<Address> Addresses, List<NatGateway> Nats, List<Instance> Instances, List<KeyPairInfo> Keys);

    private static void Add(List<ClusterResource> resources, string type, string id, List<Tag>? tags) => resources.Add(new ClusterResource(type, id, Role(tags) ?? string.Empty, TagMap(tags)));

    /// <summary>VPC, subnets and internet gateway.</summary>
    private static void AddNetwork(ClusterInfo info, Found found, List<ClusterResource> resources)
    {
        // VPC: when an interrupted create left two, the one the subnets use wins.
        foreach (var v in found.Vpcs)
        {
            Add(resources, "vpc", v.VpcId, v.Tags);
        }

        var vpc = found.Vpcs.OrderByDescending(v => found.Subnets.Count(s => s.VpcId == v.VpcId)).FirstOrDefault();
        info.VpcIds = found.Vpcs.Select(v => v.VpcId).ToList();
        if (vpc is not null)
        {
            info.VpcId = vpc.VpcId;
            info.VpcCidr = vpc.CidrBlock;
            info.Domain = TagMap(vpc.Tags).TryGetValue(ClusterTags.Domain, out var domain) ? domain : null;
            info.Generation = TagMap(vpc.Tags).TryGetValue(ClusterTags.Generation, out var generation) && generation.Length > 0 ? generation : vpc.VpcId.Substring(Math.Max(0, vpc.VpcId.Length - 8));
        }

        foreach (var s in found.Subnets)
        {
            Add(resources, "subnet", s.SubnetId, s.Tags);
        }

        info.Subnets = found.Subnets.Select(s => new SubnetInfo(s.SubnetId, s.CidrBlock, s.AvailabilityZone, s.VpcId)).ToList();
        info.PublicSubnet = Pick(found.Subnets, ClusterRoles.PublicSubnet, info.VpcId, s => s.Tags, s => s.VpcId) is { } pub ? new SubnetInfo(pub.SubnetId, pub.CidrBlock, pub.AvailabilityZone, pub.VpcId) : null;
        info.PrivateSubnet = Pick(found.Subnets, ClusterRoles.PrivateSubnet, info.VpcId, s => s.Tags, s => s.VpcId) is { } priv ? new SubnetInfo(priv.SubnetId, priv.CidrBlock, priv.AvailabilityZone, priv.VpcId) : null;

        foreach (var g in found.Gateways)
        {
            Add(resources, "internet-gateway", g.InternetGatewayId, g.Tags);
        }

        info.InternetGateways = found.Gateways.Select(g => (g.InternetGatewayId, (string?)(g.Attachments ?? new List<InternetGatewayAttachment>()).Select(a => a.VpcId).FirstOrDefault())).ToList();
        var igw = found.Gateways.OrderByDescending(g => (g.Attachments ?? new List<InternetGatewayAttachment>()).Any(a => a.VpcId == info.VpcId)).FirstOrDefault(g => Role(g.Tags) == ClusterRoles.InternetGateway);
        if (igw is not null)
        {
            info.InternetGatewayId = igw.InternetGatewayId;
            info.InternetGatewayVpcId = (igw.Attachments ?? new List<InternetGatewayAttachment>()).Select(a => a.VpcId).FirstOrDefault();
        }
    }

    /// <summary>NAT gateways, route tables and security groups.</summary>
    private static void AddRouting(ClusterInfo info, Found found, List<ClusterResource> resources)
    {
        foreach (var n in found.Nats)
        {
            Add(resources, "natgateway", n.NatGatewayId, n.Tags);
        }

        info.NatGateways = found.Nats.Select(ToNat).ToList();
        info.NatGateway = info.NatGateways.Where(n => n.IsUsable && (info.VpcId is null || n.VpcId == info.VpcId))
            .OrderByDescending(n => n.State == "available").FirstOrDefault();

        foreach (var t in found.Tables)
        {
            Add(resources, "route-table", t.RouteTableId, t.Tags);
        }

        info.RouteTables = found.Tables.Select(ToRouteTable).ToList();
        info.PublicRouteTable = Pick(found.Tables, ClusterRoles.PublicRouteTable, info.VpcId, t => t.Tags, t => t.VpcId) is { } prt ? ToRouteTable(prt) : null;
        info.PrivateRouteTable = Pick(found.Tables, ClusterRoles.PrivateRouteTable, info.VpcId, t => t.Tags, t => t.VpcId) is { } vrt ? ToRouteTable(vrt) : null;

        foreach (var g in found.Groups)
        {
            Add(resources, "security-group", g.GroupId, g.Tags);
        }

        info.SecurityGroups = found.Groups.Select(ToGroup).ToList();
        info.GatewaySecurityGroup = Pick(found.Groups, ClusterRoles.GatewaySecurityGroup, info.VpcId, g => g.Tags, g => g.VpcId) is { } gsg ? ToGroup(gsg) : null;
        info.MasterSecurityGroup = Pick(found.Groups, ClusterRoles.MasterSecurityGroup, info.VpcId, g => g.Tags, g => g.VpcId) is { } msg ? ToGroup(msg) : null;
        info.AgentSecurityGroup = Pick(found.Groups, ClusterRoles.AgentSecurityGroup, info.VpcId, g => g.Tags, g => g.VpcId) is { } asg ? ToGroup(asg) : null;
    }

    /// <summary>Instances, Elastic IPs and key pairs.</summary>
    private static void AddHosts(ClusterInfo info, Found found, List<ClusterResource> resources)
    {
        var hosts = new List<ClusterHostInfo>();
        foreach (var instance in found.Instances)
        {
            Add(resources, "instance", instance.InstanceId, instance.Tags);
            hosts.Add(ToHost(instance));
        }

        info.Instances = hosts;
        var live = hosts.Where(h => h.IsLive).ToList();
        info.Gateway = live.Where(h => h.Role == ClusterRoles.Gateway).OrderBy(h => h.LaunchTime).FirstOrDefault();
        info.Master = live.Where(h => h.Role == ClusterRoles.Master).OrderBy(h => h.LaunchTime).FirstOrDefault();
        info.Agents = live.Where(h => h.Role == ClusterRoles.Agent && h.Index is not null).GroupBy(h => h.Index).Select(g => g.OrderBy(h => h.LaunchTime).First()).OrderBy(h => h.Index).ToList();

        foreach (var a in found.Addresses)
        {
            Add(resources, "elastic-ip", a.AllocationId, a.Tags);
        }

        info.Addresses = found.Addresses.Select(a => new AddressInfo(a.AllocationId, a.PublicIp, a.AssociationId, a.InstanceId, a.NetworkInterfaceId, Role(a.Tags) ?? string.Empty)).ToList();
        info.NatAddress = info.Addresses.Where(a => a.Role == ClusterRoles.NatEip).OrderByDescending(a => a.AllocationId == info.NatGateway?.AllocationId).FirstOrDefault();
        info.GatewayAddress = info.Addresses.Where(a => a.Role == ClusterRoles.GatewayEip).OrderByDescending(a => a.InstanceId is not null && a.InstanceId == info.Gateway?.InstanceId).FirstOrDefault();
        if (info.Gateway is not null && info.GatewayAddress?.InstanceId == info.Gateway.InstanceId && info.Gateway.PublicIpAddress is null)
        {
            info.Gateway = info.Gateway with { PublicIpAddress = info.GatewayAddress.PublicIp };
        }

        foreach (var k in found.Keys)
        {
            Add(resources, "key-pair", k.KeyPairId, k.Tags);
        }

        info.KeyPairNames = found.Keys.Select(k => k.KeyName).ToList();
        info.KeyPairName = found.Keys.Select(k => k.KeyName).FirstOrDefault();
    }

    /// <summary>Live instances among <paramref name="ids"/>; when one of them is unknown to EC2, the read by <paramref name="fallback"/>.</summary>
    private static async Task<List<Instance>> KnownInstancesAsync(IAmazonEC2 ec2, Ec2Calls calls, IReadOnlyCollection<string> ids, List<Filter> fallback, string what, CancellationToken cancellationToken)
    {
        try
        {
            var filters = new List<Filter> { new("instance-state-name", LiveInstanceStates.ToList()) };
            var reservations = await calls.Ec2PagesAsync("DescribeInstances", string.Join(", ", ids), (token, ct) => ec2.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = ids.ToList(), Filters = filters, NextToken = token }, ct), r => r.Reservations, r => r.NextToken, cancellationToken, Ec2Calls.TransientButNotFound).ConfigureAwait(false);
            return reservations.SelectMany(r => r.Instances ?? new List<Instance>()).ToList();
        }
        catch (ShowcaseException ex) when (ex.InnerException is not null && Aws.AwsErrorClassifier.IsNotFound(ex.InnerException))
        {
            return await DescribeInstancesAsync(ec2, calls, fallback, what, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Instances in the VPCs and, concurrently, those tagged with the cluster (one without a VPC, such as the sandbox's
    /// test seam adds, is found by its tag), merged by id.
    /// </summary>
    private static async Task<List<Instance>> InVpcOrTaggedInstancesAsync(IAmazonEC2 ec2, Ec2Calls calls, List<Filter> inVpcs, string what, string cluster, CancellationToken cancellationToken)
    {
        var inVpc = DescribeInstancesAsync(ec2, calls, inVpcs, what, cancellationToken);
        var tagged = DescribeInstancesAsync(ec2, calls, new List<Filter> { new("tag:" + ClusterTags.Cluster, new List<string> { cluster }) }, ClusterTags.Cluster + "=" + cluster, cancellationToken);
        await Task.WhenAll(inVpc, tagged).ConfigureAwait(false);
        return inVpc.Result.Concat(tagged.Result).GroupBy(i => i.InstanceId, StringComparer.Ordinal).Select(g => g.First()).ToList();
    }

    private static async Task<List<Instance>> DescribeInstancesAsync(IAmazonEC2 ec2, Ec2Calls calls, List<Filter> filters, string what, CancellationToken cancellationToken)
    {
        filters.Add(new Filter("instance-state-name", LiveInstanceStates.ToList()));
        var reservations = await calls.Ec2PagesAsync("DescribeInstances", what, (token, ct) => ec2.DescribeInstancesAsync(new DescribeInstancesRequest { Filters = filters, NextToken = token }, ct), r => r.Reservations, r => r.NextToken, cancellationToken).ConfigureAwait(false);
        return reservations.SelectMany(r => r.Instances ?? new List<Instance>()).ToList();
    }

    /// <summary>
    /// The tag value is compared exactly here too: a filter value is a pattern for EC2 (<c>*</c>, <c>?</c>) and other
    /// endpoints differ in case handling, so the answer is not trusted to hold only this cluster.
    /// </summary>
    internal static bool Owned(List<Tag>? tags, string cluster) =>
        tags?.Any(t => t.Key == ClusterTags.Cluster && string.Equals(t.Value, cluster, StringComparison.Ordinal)) == true;

    internal static ClusterHostInfo ToHost(Instance instance)
    {
        var tags = TagMap(instance.Tags);
        var role = tags.TryGetValue(ClusterTags.Role, out var r) ? r : string.Empty;
        int? index = tags.TryGetValue(ClusterTags.Index, out var i) && int.TryParse(i, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
        var profileArn = instance.IamInstanceProfile?.Arn;
        return new ClusterHostInfo(instance.InstanceId, role, tags.TryGetValue(ClusterTags.Name, out var nm) ? nm : instance.InstanceId, index, instance.State?.Name?.Value ?? "unknown")
        {
            PrivateIpAddress = instance.PrivateIpAddress,
            PublicIpAddress = string.IsNullOrEmpty(instance.PublicIpAddress) ? null : instance.PublicIpAddress,
            InstanceType = instance.InstanceType?.Value,
            ImageId = instance.ImageId,
            SubnetId = instance.SubnetId,
            KeyName = instance.KeyName,
            InstanceProfileName = profileArn is null ? null : profileArn.Substring(profileArn.LastIndexOf('/') + 1),
            HttpTokens = instance.MetadataOptions?.HttpTokens?.Value,
            LaunchTime = instance.LaunchTime?.ToUniversalTime(),
            SecurityGroupIds = (instance.SecurityGroups ?? new List<GroupIdentifier>()).Select(g => g.GroupId).ToList(),
        };
    }

    internal static NatGatewayInfo ToNat(NatGateway n) =>
        new(n.NatGatewayId, n.State?.Value ?? "unknown", n.SubnetId, n.VpcId, (n.NatGatewayAddresses ?? new List<NatGatewayAddress>()).Select(a => a.AllocationId).FirstOrDefault(), n.CreateTime?.ToUniversalTime());

    internal static RouteTableInfo ToRouteTable(RouteTable t)
    {
        var route = (t.Routes ?? new List<Route>()).FirstOrDefault(r => r.DestinationCidrBlock == "0.0.0.0/0");
        var target = route is null ? null : !string.IsNullOrEmpty(route.NatGatewayId) ? route.NatGatewayId : route.GatewayId;
        var associations = (t.Associations ?? new List<RouteTableAssociation>()).Where(a => a.Main != true && !string.IsNullOrEmpty(a.SubnetId))
            .Select(a => (a.RouteTableAssociationId, a.SubnetId)).ToList();
        return new RouteTableInfo(t.RouteTableId, t.VpcId, target, associations);
    }

    internal static SecurityGroupInfo ToGroup(SecurityGroup g)
    {
        var ingress = new List<IngressRule>();
        var referenced = new List<string>();
        foreach (var permission in g.IpPermissions ?? new List<IpPermission>())
        {
            foreach (var range in permission.Ipv4Ranges ?? new List<IpRange>())
            {
                ingress.Add(new IngressRule(permission.IpProtocol, permission.FromPort ?? -1, permission.ToPort ?? -1, range.CidrIp, range.Description ?? string.Empty));
            }

            referenced.AddRange((permission.UserIdGroupPairs ?? new List<UserIdGroupPair>()).Select(p => p.GroupId).Where(id => !string.IsNullOrEmpty(id)));
        }

        return new SecurityGroupInfo(g.GroupId, g.GroupName, g.VpcId, ingress, referenced.Distinct().ToList())
        {
            Permissions = ToPermissions(g.IpPermissions),
            Egress = ToPermissions(g.IpPermissionsEgress),
        };
    }

    private static List<SecurityGroupRule> ToPermissions(List<IpPermission>? permissions)
    {
        var result = new List<SecurityGroupRule>();
        foreach (var permission in permissions ?? new List<IpPermission>())
        {
            var protocol = permission.IpProtocol ?? "-1";
            var from = permission.FromPort ?? -1;
            var to = permission.ToPort ?? -1;
            result.AddRange((permission.Ipv4Ranges ?? new List<IpRange>()).Select(r => SecurityGroupRule.FromCidr(protocol, from, to, r.CidrIp, r.Description ?? string.Empty)));
            result.AddRange((permission.UserIdGroupPairs ?? new List<UserIdGroupPair>()).Where(p => !string.IsNullOrEmpty(p.GroupId)).Select(p => SecurityGroupRule.FromGroup(protocol, from, to, p.GroupId, p.Description ?? string.Empty)));
        }

        return result;
    }

    private static T? Pick<T>(IEnumerable<T> items, string role, string? vpcId, Func<T, List<Tag>?> tags, Func<T, string> vpc)
        where T : class =>
        items.Where(i => Role(tags(i)) == role).OrderByDescending(i => vpc(i) == vpcId).FirstOrDefault();

    internal static string? Role(List<Tag>? tags) => tags?.FirstOrDefault(t => t.Key == ClusterTags.Role)?.Value;

    internal static IReadOnlyDictionary<string, string> TagMap(List<Tag>? tags)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var tag in tags ?? new List<Tag>())
        {
            map[tag.Key] = tag.Value ?? string.Empty;
        }

        return map;
    }
}

/// <summary>
/// Ids a caller already knows (the check after a build): read by id instead of by tag. <see cref="Vpcs"/>: the VPCs the
/// build used, whose contents are read while the region's VPCs are listed.
/// </summary>
internal sealed record KnownIds(IReadOnlyCollection<string> Instances, IReadOnlyCollection<string> RouteTables, IReadOnlyCollection<string> SecurityGroups)
{
    public IReadOnlyCollection<string>? Vpcs { get; init; }

    public IReadOnlyCollection<string>? Subnets { get; init; }

    public IReadOnlyCollection<string>? NatGateways { get; init; }

    /// <summary>Instances the run read itself after their last change (awaited last; they replace what was read by id).</summary>
    public Task<IReadOnlyCollection<Instance>>? Arrived { get; init; }
}
