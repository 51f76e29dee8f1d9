using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ShowcaseOps.Sandbox.Hosting;
using ShowcaseOps.Sandbox.StandIns.Ec2;

namespace ShowcaseOps.Sandbox.StandIns;

/// <summary>
/// Stand-in for the EC2 Query API (version 2016-11-15): VPCs, subnets, internet and NAT gateways, route tables,
/// security groups, Elastic IPs, instances, key pairs and tags, with AWS's XML shapes and error codes, instance state
/// transitions timed by <see cref="SandboxOptions"/>, <c>DependencyViolation</c> when teardown order is wrong, and an
/// optional eventual-consistency window (see docs/sandbox-ec2.md). The handlers are split over StandIns/Ec2/*.cs.
/// </summary>
public sealed partial class Ec2StandIn : StandIn
{
    /// <summary>The account the sandbox pretends to be.</summary>
    public const string OwnerId = "123456789012";

    /// <summary>Instance profiles every new sandbox knows (the name the docs and tests use).</summary>
    public static IReadOnlyList<string> DefaultInstanceProfiles { get; } = new[] { "showcase-ssm" };

    private static readonly string[] IdParameters =
    {
        "VpcId", "SubnetId", "GroupId", "InstanceId.1", "InternetGatewayId", "RouteTableId", "AllocationId", "AssociationId",
        "NatGatewayId", "NatGatewayId.1", "ImageId.1", "KeyName", "NetworkInterfaceId", "CidrBlock", "ResourceId.1", "VpcId.1", "SubnetId.1", "GroupId.1",
    };

    private readonly object _gate = new();
    private readonly Dictionary<string, Func<Ec2Params, DateTime, SandboxResponse>> _handlers;
    private readonly Dictionary<string, Vpc> _vpcs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Subnet> _subnets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, InternetGateway> _internetGateways = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RouteTable> _routeTables = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SecurityGroup> _securityGroups = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ElasticIp> _addresses = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NatGateway> _natGateways = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Instance> _instances = new(StringComparer.Ordinal);
    private readonly Dictionary<string, KeyPair> _keyPairs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTime> _instanceProfiles = new(StringComparer.Ordinal);
    private int _publicIpCounter;

    public Ec2StandIn()
    {
        _handlers = new Dictionary<string, Func<Ec2Params, DateTime, SandboxResponse>>(StringComparer.Ordinal)
        {
            ["DescribeAvailabilityZones"] = DescribeAvailabilityZones,
            ["DescribeTags"] = DescribeTags,
            ["CreateTags"] = CreateTags,
            ["DeleteTags"] = DeleteTags,
            ["CreateVpc"] = CreateVpc,
            ["DescribeVpcs"] = DescribeVpcs,
            ["DeleteVpc"] = DeleteVpc,
            ["ModifyVpcAttribute"] = ModifyVpcAttribute,
            ["CreateSubnet"] = CreateSubnet,
            ["DescribeSubnets"] = DescribeSubnets,
            ["DeleteSubnet"] = DeleteSubnet,
            ["CreateInternetGateway"] = CreateInternetGateway,
            ["DescribeInternetGateways"] = DescribeInternetGateways,
            ["AttachInternetGateway"] = AttachInternetGateway,
            ["DetachInternetGateway"] = DetachInternetGateway,
            ["DeleteInternetGateway"] = DeleteInternetGateway,
            ["CreateRouteTable"] = CreateRouteTable,
            ["DescribeRouteTables"] = DescribeRouteTables,
            ["CreateRoute"] = CreateRoute,
            ["DeleteRoute"] = DeleteRoute,
            ["AssociateRouteTable"] = AssociateRouteTable,
            ["DisassociateRouteTable"] = DisassociateRouteTable,
            ["DeleteRouteTable"] = DeleteRouteTable,
            ["CreateSecurityGroup"] = CreateSecurityGroup,
            ["DescribeSecurityGroups"] = DescribeSecurityGroups,
            ["AuthorizeSecurityGroupIngress"] = AuthorizeSecurityGroupIngress,
            ["RevokeSecurityGroupIngress"] = RevokeSecurityGroupIngress,
            ["AuthorizeSecurityGroupEgress"] = AuthorizeSecurityGroupEgress,
            ["RevokeSecurityGroupEgress"] = RevokeSecurityGroupEgress,
            ["DeleteSecurityGroup"] = DeleteSecurityGroup,
            ["AllocateAddress"] = AllocateAddress,
            ["DescribeAddresses"] = DescribeAddresses,
            ["AssociateAddress"] = AssociateAddress,
            ["DisassociateAddress"] = DisassociateAddress,
            ["ReleaseAddress"] = ReleaseAddress,
            ["CreateNatGateway"] = CreateNatGateway,
            ["DescribeNatGateways"] = DescribeNatGateways,
            ["DeleteNatGateway"] = DeleteNatGateway,
            ["DescribeNetworkInterfaces"] = DescribeNetworkInterfaces,
            ["DeleteNetworkInterface"] = DeleteNetworkInterface,
            ["RunInstances"] = RunInstances,
            ["DescribeInstances"] = DescribeInstances,
            ["DescribeImages"] = DescribeImages,
            ["TerminateInstances"] = TerminateInstances,
            ["ImportKeyPair"] = ImportKeyPair,
            ["CreateKeyPair"] = CreateKeyPair,
            ["DescribeKeyPairs"] = DescribeKeyPairs,
            ["DeleteKeyPair"] = DeleteKeyPair,
        };
        ResetProfiles();
    }

    public override string Service => "ec2";

    /// <summary>The EC2 actions this stand-in answers (others get <c>InvalidAction</c>).</summary>
    public IReadOnlyCollection<string> Operations => _handlers.Keys;

    private SandboxOptions Options => Host.Options;

    public override RequestIdentity Identify(SandboxRequest request)
    {
        var form = request.Form;
        var action = form["Action"] ?? request.Query["Action"] ?? "Unknown";
        foreach (var name in IdParameters)
        {
            if (!string.IsNullOrEmpty(form[name]))
            {
                return new(action, form[name]!);
            }
        }

        return new(action, string.Empty);
    }

    public override Task<SandboxResponse> HandleAsync(SandboxRequest request, RequestIdentity identity, CancellationToken cancellationToken)
    {
        if (!_handlers.TryGetValue(identity.Operation, out var handler))
        {
            return Task.FromResult(AwsErrors.Query(400, "InvalidAction", $"The action {identity.Operation} is not valid for this web service."));
        }

        var parameters = new Ec2Params(request.Form);
        try
        {
            lock (_gate)
            {
                return Task.FromResult(handler(parameters, DateTime.UtcNow));
            }
        }
        catch (Ec2Fault fault)
        {
            return Task.FromResult(AwsErrors.Query(fault.Status, fault.Code, fault.Message));
        }
    }

    public override SandboxResponse FaultResponse(FaultSpec fault) =>
        AwsErrors.Query(AwsErrors.StatusFor(fault.ErrorCode ?? "InternalError", fault.HttpStatus), fault.ErrorCode ?? "InternalError", fault.Message ?? "injected failure");

    /// <summary>The instances that exist (any state, terminated ones included), for the SSM and Marathon stand-ins.</summary>
    public IReadOnlyList<SandboxInstanceInfo> GetInstances()
    {
        lock (_gate)
        {
            var now = DateTime.UtcNow;
            return _instances.Values.OrderBy(i => i.CreatedAt).Select(i => ToInfo(i, now)).ToList();
        }
    }

    /// <summary>Test seam: makes an instance exist without RunInstances (for tests of other stand-ins). Its state never changes.</summary>
    public void AddInstance(SandboxInstanceInfo instance)
    {
        if (instance is null)
        {
            throw new ArgumentNullException(nameof(instance));
        }

        var stored = new Instance(instance.InstanceId, instance.LaunchTime)
        {
            PrivateIpAddress = instance.PrivateIpAddress,
            FixedState = instance.State,
            FixedRunningSince = instance.RunningSince,
            ReservationId = NewId("r"),
            AwsManaged = false,
        };
        foreach (var tag in instance.Tags)
        {
            stored.Tags[tag.Key] = tag.Value;
        }

        lock (_gate)
        {
            _instances[instance.InstanceId] = stored;
        }
    }

    /// <summary>
    /// Makes an IAM instance profile known to RunInstances (the sandbox has no IAM). With a <paramref name="propagationDelay"/>,
    /// RunInstances refuses it for that long, as AWS does right after a profile is created.
    /// </summary>
    public void AddInstanceProfile(string name, TimeSpan propagationDelay = default)
    {
        lock (_gate)
        {
            _instanceProfiles[name] = DateTime.UtcNow + propagationDelay;
        }
    }

    public void RemoveInstanceProfile(string name)
    {
        lock (_gate)
        {
            _instanceProfiles.Remove(name);
        }
    }

    /// <summary>
    /// Every live resource (terminated instances and deleted NAT gateways excluded) with its tags, for tests:
    /// "nothing tagged is left", "everything we created was tagged".
    /// </summary>
    public IReadOnlyList<SandboxEc2Resource> GetResources()
    {
        lock (_gate)
        {
            var now = DateTime.UtcNow;
            var result = new List<SandboxEc2Resource>();
            void Add(Ec2Resource r, string? vpcId) => result.Add(new SandboxEc2Resource(r.Id, r.ResourceType, vpcId, r.AwsManaged, new Dictionary<string, string>(r.Tags, StringComparer.Ordinal)));
            foreach (var v in _vpcs.Values)
            {
                Add(v, v.Id);
            }

            foreach (var s in _subnets.Values)
            {
                Add(s, s.VpcId);
            }

            foreach (var g in _internetGateways.Values)
            {
                Add(g, g.AttachedVpcId);
            }

            foreach (var t in _routeTables.Values)
            {
                Add(t, t.VpcId);
            }

            foreach (var g in _securityGroups.Values)
            {
                Add(g, g.VpcId);
            }

            foreach (var a in _addresses.Values)
            {
                Add(a, null);
            }

            foreach (var n in _natGateways.Values.Where(n => n.StateAt(now, Options) != "deleted"))
            {
                Add(n, n.VpcId);
            }

            foreach (var i in _instances.Values.Where(i => i.StateAt(now, Options) != "terminated"))
            {
                Add(i, i.VpcId);
                if (i.VolumeId.Length > 0)
                {
                    result.Add(new SandboxEc2Resource(i.VolumeId, "volume", i.VpcId, false, new Dictionary<string, string>(i.VolumeTags, StringComparer.Ordinal)));
                }
            }

            foreach (var k in _keyPairs.Values)
            {
                Add(k, null);
            }

            return result;
        }
    }

    /// <summary>Launch details of the instances RunInstances created (IMDS, root volume, profile), for tests.</summary>
    public IReadOnlyList<SandboxInstanceLaunch> GetLaunches()
    {
        lock (_gate)
        {
            var now = DateTime.UtcNow;
            return _instances.Values.Where(i => i.FixedState is null).OrderBy(i => i.CreatedAt)
                .Select(i => new SandboxInstanceLaunch(i.Id, i.StateAt(now, Options), i.ImageId, i.InstanceType, i.SubnetId, i.SecurityGroupIds.ToArray(), i.InstanceProfileName, i.HttpTokens, i.RootVolumeEncrypted, i.KeyName))
                .ToList();
        }
    }

    /// <summary>Security group rules by group id: (direction, protocol, from, to, source) for tests.</summary>
    public IReadOnlyList<SandboxSecurityRule> GetSecurityRules()
    {
        lock (_gate)
        {
            return _securityGroups.Values.SelectMany(g =>
                    g.Ingress.Select(r => new SandboxSecurityRule(g.Id, g.Name, "ingress", r.Protocol, r.FromPort, r.ToPort, r.CidrIp ?? r.GroupId ?? string.Empty))
                        .Concat(g.Egress.Select(r => new SandboxSecurityRule(g.Id, g.Name, "egress", r.Protocol, r.FromPort, r.ToPort, r.CidrIp ?? r.GroupId ?? string.Empty))))
                .ToList();
        }
    }

    public override void Reset()
    {
        lock (_gate)
        {
            _vpcs.Clear();
            _subnets.Clear();
            _internetGateways.Clear();
            _routeTables.Clear();
            _securityGroups.Clear();
            _deniedConnections.Clear();
            _addresses.Clear();
            _natGateways.Clear();
            _instances.Clear();
            _keyPairs.Clear();
            _publicIpCounter = 0;
            ResetProfiles();
        }
    }

    private void ResetProfiles()
    {
        _instanceProfiles.Clear();
        foreach (var name in DefaultInstanceProfiles)
        {
            _instanceProfiles[name] = DateTime.MinValue;
        }
    }

    private SandboxInstanceInfo ToInfo(Instance i, DateTime now) =>
        new(i.Id, i.PrivateIpAddress, i.StateAt(now, Options), i.CreatedAt, i.RunningSince(now, Options), new Dictionary<string, string>(i.Tags, StringComparer.Ordinal));

    private static string NewId(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N").Substring(0, 17);

    /// <summary>True once a resource is visible to every call (older than the eventual-consistency window).</summary>
    private bool Visible(Ec2Resource resource, DateTime now) =>
        Options.EventualConsistencyWindow <= TimeSpan.Zero || now - resource.CreatedAt >= Options.EventualConsistencyWindow;

    /// <summary>
    /// A resource a call names by id. Missing — or younger than the eventual-consistency window — answers the NotFound
    /// code AWS uses for that kind, as a real call right after the create can.
    /// </summary>
    private T Require<T>(Dictionary<string, T> store, string? id, DateTime now, string notFoundCode, string label)
        where T : Ec2Resource
    {
        if (id is null || !store.TryGetValue(id, out var resource) || !Visible(resource, now))
        {
            throw new Ec2Fault(notFoundCode, $"The {label} ID '{id}' does not exist");
        }

        return resource;
    }

    /// <summary>The Describe* selection: explicit ids (each must exist and be visible) then filters.</summary>
    private List<T> Select<T>(IEnumerable<T> all, List<string> ids, DateTime now, string notFoundCode, string label, IReadOnlyList<Ec2Filter> filters, Func<T, string, IEnumerable<string?>?> attribute)
        where T : Ec2Resource
    {
        IEnumerable<T> selected = all;
        if (ids.Count > 0)
        {
            var byId = all.ToDictionary(r => r.Id, StringComparer.Ordinal);
            var chosen = new List<T>();
            foreach (var id in ids)
            {
                if (!byId.TryGetValue(id, out var resource) || !Visible(resource, now))
                {
                    throw new Ec2Fault(notFoundCode, $"The {label} ID '{id}' does not exist");
                }

                chosen.Add(resource);
            }

            selected = chosen;
        }

        foreach (var filter in filters)
        {
            var current = filter;
            selected = selected.Where(r => current.Matches(Attribute(r, current.Name, attribute)));
        }

        return selected.ToList();
    }

    /// <summary>
    /// A paginated Describe*: like <see cref="Select{T}"/>, but cut into pages as EC2 cuts them — over the resources
    /// before filtering, so a page can be short or empty and still carry a NextToken. With ids and no MaxResults the
    /// answer is whole (EC2 pages only what it enumerates); <paramref name="idsRejectMaxResults"/> names the id
    /// parameter that EC2 refuses together with MaxResults (DescribeInstances, DescribeNetworkInterfaces).
    /// </summary>
    private List<T> SelectPage<T>(Ec2Params p, string operation, IEnumerable<T> all, List<string> ids, DateTime now, string notFoundCode, string label, IReadOnlyList<Ec2Filter> filters, Func<T, string, IEnumerable<string?>?> attribute, int maxResultsLimit, out string? nextToken, string? idsRejectMaxResults = null)
        where T : Ec2Resource
    {
        var maxResults = p.Int("MaxResults");
        if (maxResults is not null && ids.Count > 0 && idsRejectMaxResults is not null)
        {
            throw new Ec2Fault("InvalidParameterCombination", $"The parameter {idsRejectMaxResults} cannot be used with the parameter maxResults");
        }

        if (maxResults is { } m && (m < 5 || m > maxResultsLimit))
        {
            throw new Ec2Fault("InvalidParameterValue", $"Value ( {m} ) for parameter maxResults is invalid. Expecting a value between 5 and {maxResultsLimit}.");
        }

        var ordered = all.OrderBy(r => r.CreatedAt).ThenBy(r => r.Id, StringComparer.Ordinal).ToList();
        if (ids.Count > 0)
        {
            // Every id must exist; the pages then run over the named resources only.
            var named = Select(ordered, ids, now, notFoundCode, label, Array.Empty<Ec2Filter>(), attribute);
            ordered = ordered.Where(r => named.Contains(r)).ToList();
            if (maxResults is null)
            {
                nextToken = null;
                return Select(ordered, new List<string>(), now, notFoundCode, label, filters, attribute);
            }
        }

        var start = 0;
        var token = p["NextToken"];
        var fingerprint = Fingerprint(p, operation);
        if (token is not null)
        {
            var (after, afterId) = ReadToken(token, fingerprint);
            start = ordered.FindIndex(r => r.CreatedAt > after || (r.CreatedAt == after && string.CompareOrdinal(r.Id, afterId) > 0));
            if (start < 0)
            {
                start = ordered.Count;
            }
        }

        var size = Host.Pages.Next(maxResults);
        var window = ordered.Skip(start).Take(size).ToList();
        nextToken = start + window.Count < ordered.Count && window.Count > 0
            ? WriteToken(window[window.Count - 1], fingerprint)
            : start + window.Count < ordered.Count
                ? WriteToken(start == 0 ? null : ordered[start - 1], fingerprint)
                : null;
        return Select(window, new List<string>(), now, notFoundCode, label, filters, attribute);
    }

    /// <summary>Pages over items that are not stored resources (interfaces, tags), ordered by <paramref name="key"/>.</summary>
    private List<T> PageByKey<T>(Ec2Params p, string operation, IEnumerable<T> all, Func<T, string> key, Func<T, bool> keep, int maxResultsLimit, out string? nextToken)
    {
        var maxResults = p.Int("MaxResults");
        if (maxResults is { } m && (m < 5 || m > maxResultsLimit))
        {
            throw new Ec2Fault("InvalidParameterValue", $"Value ( {m} ) for parameter maxResults is invalid. Expecting a value between 5 and {maxResultsLimit}.");
        }

        var ordered = all.OrderBy(key, StringComparer.Ordinal).ToList();
        var fingerprint = Fingerprint(p, operation);
        var start = 0;
        if (p["NextToken"] is { } token)
        {
            var (_, afterKey) = ReadToken(token, fingerprint);
            start = ordered.FindIndex(i => string.CompareOrdinal(key(i), afterKey) > 0);
            if (start < 0)
            {
                start = ordered.Count;
            }
        }

        var window = ordered.Skip(start).Take(Host.Pages.Next(maxResults)).ToList();
        var end = start + window.Count;
        nextToken = end < ordered.Count ? WriteToken(fingerprint, 0, end == 0 ? string.Empty : key(ordered[end - 1])) : null;
        return window.Where(keep).ToList();
    }

    /// <summary>What a token is bound to: the operation and every parameter but the token itself.</summary>
    private static string Fingerprint(Ec2Params p, string operation)
    {
        var parts = p.Keys.Where(k => k is not ("NextToken" or "MaxResults")).OrderBy(k => k, StringComparer.Ordinal).Select(k => k + "=" + p[k]);
        using var sha = System.Security.Cryptography.SHA256.Create();
        var hash = sha.ComputeHash(System.Text.Encoding.UTF8.GetBytes(operation + "?" + string.Join("&", parts)));
        return Convert.ToBase64String(hash, 0, 9);
    }

    private static string WriteToken(Ec2Resource? last, string fingerprint) => WriteToken(fingerprint, last?.CreatedAt.Ticks ?? 0, last?.Id ?? string.Empty);

    private static string WriteToken(string fingerprint, long ticks, string afterKey)
    {
        // A nonce keeps tokens unique (an empty page's token differs from the one before it), as AWS's opaque tokens are.
        var text = fingerprint + "|" + ticks.ToString(System.Globalization.CultureInfo.InvariantCulture) + "|" + afterKey + "|" + Guid.NewGuid().ToString("N").Substring(0, 8);
        return Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(text));
    }

    private static (DateTime After, string AfterId) ReadToken(string token, string fingerprint)
    {
        try
        {
            var parts = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(token)).Split('|');
            if (parts.Length == 4 && parts[0] == fingerprint && long.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ticks))
            {
                return (new DateTime(ticks, DateTimeKind.Utc), parts[2]);
            }
        }
        catch (FormatException)
        {
        }

        throw new Ec2Fault("InvalidParameterValue", "The value of the NextToken parameter is invalid (it belongs to another request, or was altered).");
    }

    private IEnumerable<string?> Attribute<T>(T resource, string name, Func<T, string, IEnumerable<string?>?> attribute)
        where T : Ec2Resource
    {
        if (name.StartsWith("tag", StringComparison.Ordinal) && !TagsIndexed(resource, DateTime.UtcNow) && (name.StartsWith("tag:", StringComparison.Ordinal) || name is "tag-key" or "tag-value"))
        {
            return Array.Empty<string?>();
        }

        if (name.StartsWith("tag:", StringComparison.Ordinal))
        {
            return resource.Tags.TryGetValue(name.Substring(4), out var value) ? new[] { value } : Array.Empty<string?>();
        }

        switch (name)
        {
            case "tag-key":
                return resource.Tags.Keys;
            case "tag-value":
                return resource.Tags.Values;
        }

        return attribute(resource, name) ?? throw new Ec2Fault("InvalidParameterValue", $"The filter '{name}' is invalid");
    }

    /// <summary>The resource an earlier create with <paramref name="token"/> made (null: none, or no token); IdempotentParameterMismatch when its arguments differ.</summary>
    private static T? SameToken<T>(IEnumerable<T> existing, string? token, Func<T, string?> tokenOf, Func<T, bool> sameArguments)
        where T : class
    {
        var same = token is null ? null : existing.FirstOrDefault(r => tokenOf(r) == token);
        return same is null || sameArguments(same) ? same : throw IdempotentMismatch(token!);
    }

    /// <summary>EC2's refusal to delete a resource something still uses (kind as EC2 spells it: vpc, subnet, internetGateway, routeTable).</summary>
    private static Ec2Fault HasDependencies(string kind, string id) =>
        new("DependencyViolation", $"The {kind} '{id}' has dependencies and cannot be deleted.");

    private static Ec2Fault IdempotentMismatch(string token) =>
        new("IdempotentParameterMismatch", $"Arguments on this idempotent request are inconsistent with arguments used in previous request(s) (client token {token}).");

    /// <summary>False while a new resource's tags are not yet matched by tag filters (<see cref="SandboxOptions.TagFilterDelay"/>).</summary>
    private bool TagsIndexed(Ec2Resource resource, DateTime now) =>
        Options.TagFilterDelay <= TimeSpan.Zero || now - resource.CreatedAt >= Options.TagFilterDelay;

    private static void ApplyTags(Ec2Resource resource, Dictionary<string, string> tags)
    {
        foreach (var tag in tags)
        {
            resource.Tags[tag.Key] = tag.Value;
        }
    }

    private static SandboxResponse Return(string action) => new Ec2Xml(action).Element("return", true).Build();

    private string NextPublicIp()
    {
        _publicIpCounter++;
        return "198.51.100." + (_publicIpCounter % 250 + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>What other stand-ins may know of an EC2 instance.</summary>
public sealed class SandboxInstanceInfo
{
    public SandboxInstanceInfo(string instanceId, string privateIpAddress, string state, System.DateTime launchTime, System.DateTime? runningSince, IReadOnlyDictionary<string, string> tags)
    {
        InstanceId = instanceId;
        PrivateIpAddress = privateIpAddress;
        State = state;
        LaunchTime = launchTime;
        RunningSince = runningSince;
        Tags = tags;
    }

    public string InstanceId { get; }

    public string PrivateIpAddress { get; }

    /// <summary>pending, running, shutting-down, terminated, stopping, stopped.</summary>
    public string State { get; }

    public System.DateTime LaunchTime { get; }

    /// <summary>When the instance became running (null while pending).</summary>
    public System.DateTime? RunningSince { get; }

    public IReadOnlyDictionary<string, string> Tags { get; }
}

/// <summary>A live EC2 resource and its tags (see <see cref="Ec2StandIn.GetResources"/>).</summary>
public sealed class SandboxEc2Resource
{
    public SandboxEc2Resource(string id, string resourceType, string? vpcId, bool awsManaged, IReadOnlyDictionary<string, string> tags)
    {
        Id = id;
        ResourceType = resourceType;
        VpcId = vpcId;
        AwsManaged = awsManaged;
        Tags = tags;
    }

    public string Id { get; }

    public string ResourceType { get; }

    public string? VpcId { get; }

    /// <summary>Created by AWS itself with a VPC (its main route table and default security group).</summary>
    public bool AwsManaged { get; }

    public IReadOnlyDictionary<string, string> Tags { get; }

    public override string ToString() => ResourceType + " " + Id;
}

/// <summary>How an instance was launched (see <see cref="Ec2StandIn.GetLaunches"/>).</summary>
public sealed class SandboxInstanceLaunch
{
    public SandboxInstanceLaunch(string instanceId, string state, string imageId, string instanceType, string? subnetId, IReadOnlyList<string> securityGroupIds, string? instanceProfileName, string httpTokens, bool rootVolumeEncrypted, string? keyName)
    {
        InstanceId = instanceId;
        State = state;
        ImageId = imageId;
        InstanceType = instanceType;
        SubnetId = subnetId;
        SecurityGroupIds = securityGroupIds;
        InstanceProfileName = instanceProfileName;
        HttpTokens = httpTokens;
        RootVolumeEncrypted = rootVolumeEncrypted;
        KeyName = keyName;
    }

    public string InstanceId { get; }

    public string State { get; }

    public string ImageId { get; }

    public string InstanceType { get; }

    public string? SubnetId { get; }

    public IReadOnlyList<string> SecurityGroupIds { get; }

    public string? InstanceProfileName { get; }

    /// <summary><c>required</c> means IMDSv2 only.</summary>
    public string HttpTokens { get; }

    public bool RootVolumeEncrypted { get; }

    public string? KeyName { get; }
}

/// <summary>One security group rule (see <see cref="Ec2StandIn.GetSecurityRules"/>).</summary>
public sealed class SandboxSecurityRule
{
    public SandboxSecurityRule(string groupId, string groupName, string direction, string protocol, int? fromPort, int? toPort, string source)
    {
        GroupId = groupId;
        GroupName = groupName;
        Direction = direction;
        Protocol = protocol;
        FromPort = fromPort;
        ToPort = toPort;
        Source = source;
    }

    public string GroupId { get; }

    public string GroupName { get; }

    /// <summary><c>ingress</c> or <c>egress</c>.</summary>
    public string Direction { get; }

    /// <summary><c>tcp</c>, <c>udp</c>, <c>icmp</c> or <c>-1</c> (all).</summary>
    public string Protocol { get; }

    public int? FromPort { get; }

    public int? ToPort { get; }

    /// <summary>A CIDR block or a security group id.</summary>
    public string Source { get; }

    /// <summary>True when the rule lets <paramref name="port"/> in (a -1 rule covers every port).</summary>
    public bool Covers(int port) => Protocol == "-1" || (FromPort <= port && port <= ToPort);

    public override string ToString() => $"{GroupName} {Direction} {Protocol} {FromPort}-{ToPort} {Source}";
}
