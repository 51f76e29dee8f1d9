using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.EC2;
using Amazon.EC2.Model;
using ShowcaseOps.Core.Execution;

namespace ShowcaseOps.Core.Cluster;

/// <summary>What Remove- deleted.</summary>
public sealed class ClusterRemoveResult
{
    public ClusterRemoveResult(string name, IReadOnlyList<ClusterResource> found, IReadOnlyList<string> deleted)
    {
        Name = name;
        Found = found;
        Deleted = deleted;
    }

    public string Name { get; }

    /// <summary>The tagged resources found at the start (empty when the cluster was already gone).</summary>
    public IReadOnlyList<ClusterResource> Found { get; }

    /// <summary>"type id" of everything deleted or terminated, in order.</summary>
    public IReadOnlyList<string> Deleted { get; }
}

/// <summary>
/// Deletes everything tagged with a cluster in the order AWS requires, from any partial state: instances (and waits
/// until terminated) → Elastic IPs → NAT gateways (and waits) → leftover interfaces → internet gateways → route tables
/// → security groups (cross-group rules revoked first) → subnets → VPCs → key pairs. DependencyViolation is retried with
/// backoff. A NotFound answer is not trusted: a Describe by id must agree before the resource counts as gone. At the
/// end a fresh discovery must find nothing, else the remove fails and names what is left. Running it again when nothing
/// is left is not an error.
/// </summary>
internal sealed class ClusterTeardown
{
    private static readonly string[] EndedStates = { "shutting-down", "terminated" };
    private readonly IAmazonEC2 _ec2;
    private readonly Ec2Calls _calls;
    private readonly List<string> _deleted = new();
    private readonly Random _random = new();

    public ClusterTeardown(IAmazonEC2 ec2, IOperationReporter reporter, ClusterEngineOptions options)
    {
        _ec2 = ec2 ?? throw new ArgumentNullException(nameof(ec2));
        _calls = new Ec2Calls(reporter ?? throw new ArgumentNullException(nameof(reporter)), options ?? throw new ArgumentNullException(nameof(options)));
    }

    private IOperationReporter Reporter => _calls.Reporter;

    private ClusterEngineOptions Options => _calls.Options;

    public async Task<ClusterRemoveResult> RemoveAsync(string name, CancellationToken cancellationToken)
    {
        var info = await ClusterDiscovery.DiscoverAsync(_ec2, name, _calls, cancellationToken).ConfigureAwait(false);
        return await RemoveAsync(info, cancellationToken).ConfigureAwait(false);
    }

    public async Task<ClusterRemoveResult> RemoveAsync(ClusterInfo info, CancellationToken cancellationToken)
    {
        if (info is null)
        {
            throw new ArgumentNullException(nameof(info));
        }

        if (!info.Exists)
        {
            Reporter.Verbose($"No resource is tagged {ClusterTags.Cluster}={info.Name}: nothing to remove.");
            return new ClusterRemoveResult(info.Name, info.Resources, Array.Empty<string>());
        }

        await using var held = await ClusterLock.AcquireAsync(_ec2, _calls, info.Name, cancellationToken).ConfigureAwait(false);
        if (held.Waited)
        {
            info = await ClusterDiscovery.DiscoverAsync(_ec2, info.Name, _calls, cancellationToken).ConfigureAwait(false);
            if (!info.Exists)
            {
                return new ClusterRemoveResult(info.Name, info.Resources, Array.Empty<string>());
            }
        }

        var found = info.Resources;
        using var progress = new ProgressTicker(Reporter, 4200, $"Removing cluster {info.Name}");
        try
        {
            // A second pass takes what the first could not see (a resource whose tags were not yet matched by filters).
            for (var pass = 1; ; pass++)
            {
                await RemoveOnceAsync(info, progress, cancellationToken).ConfigureAwait(false);
                progress.Update("checking that nothing is left", 95);
                var left = await DiscoverLeftoversAsync(info.Name, cancellationToken).ConfigureAwait(false);
                if (!left.Exists)
                {
                    break;
                }

                if (pass >= 2)
                {
                    throw Leftovers(left);
                }

                Reporter.Verbose($"After removing, discovery still finds {Count(left.Resources.Count, "resource")} of {info.Name}: {string.Join(", ", left.Resources.Select(r => r.ResourceType + " " + r.Id))}; removing again.");
                info = left;
            }
        }
        finally
        {
            progress.Complete();
        }

        return new ClusterRemoveResult(info.Name, found, _deleted.Distinct().ToList());
    }

    private async Task RemoveOnceAsync(ClusterInfo info, ProgressTicker progress, CancellationToken cancellationToken)
    {
        const int phases = 10;
        var phase = 0;
        void Phase(string what)
        {
            progress.Update(what, phase++ * 90 / phases);
        }

        Phase($"terminating {Count(info.Instances.Count(i => i.IsLive), "instance")} and waiting until they are gone");
        await TerminateInstancesAsync(info, cancellationToken).ConfigureAwait(false);

        Phase("releasing Elastic IPs");
        var natAllocations = new HashSet<string>(info.NatGateways.Where(n => n.AllocationId is not null).Select(n => n.AllocationId!), StringComparer.Ordinal);
        await ReleaseAddressesAsync(info.Addresses.Where(a => !natAllocations.Contains(a.AllocationId)), cancellationToken).ConfigureAwait(false);

        Phase($"deleting {Count(info.NatGateways.Count, "NAT gateway")} (AWS takes about a minute)");
        await DeleteNatGatewaysAsync(info, cancellationToken).ConfigureAwait(false);
        await ReleaseAddressesAsync(info.Addresses.Where(a => natAllocations.Contains(a.AllocationId)), cancellationToken).ConfigureAwait(false);

        Phase("deleting leftover network interfaces");
        await DeleteLeftoverInterfacesAsync(info, cancellationToken).ConfigureAwait(false);

        Phase("detaching and deleting internet gateways");
        foreach (var (id, vpcId) in info.InternetGateways)
        {
            if (vpcId is not null)
            {
                await DeleteAsync(null, "DetachInternetGateway", $"{id} from {vpcId}", ct => _ec2.DetachInternetGatewayAsync(new DetachInternetGatewayRequest { InternetGatewayId = id, VpcId = vpcId }, ct), ct => GatewayAttachedAsync(id, vpcId, ct), cancellationToken, goneCode: "Gateway.NotAttached").ConfigureAwait(false);
            }

            await DeleteAsync("internet-gateway " + id, "DeleteInternetGateway", id, ct => _ec2.DeleteInternetGatewayAsync(new DeleteInternetGatewayRequest { InternetGatewayId = id }, ct), ct => ExistsAsync("DescribeInternetGateways", id, c => _ec2.DescribeInternetGatewaysAsync(new DescribeInternetGatewaysRequest { InternetGatewayIds = new List<string> { id } }, c), r => r.InternetGateways?.Count > 0, ct), cancellationToken).ConfigureAwait(false);
        }

        Phase("deleting route tables");
        foreach (var table in info.RouteTables)
        {
            foreach (var (associationId, _) in table.Associations)
            {
                await DeleteAsync(null, "DisassociateRouteTable", associationId, ct => _ec2.DisassociateRouteTableAsync(new DisassociateRouteTableRequest { AssociationId = associationId }, ct), ct => ExistsAsync("DescribeRouteTables", table.Id, c => _ec2.DescribeRouteTablesAsync(new DescribeRouteTablesRequest { RouteTableIds = new List<string> { table.Id } }, c), r => (r.RouteTables ?? new List<RouteTable>()).SelectMany(t => t.Associations ?? new List<RouteTableAssociation>()).Any(a => a.RouteTableAssociationId == associationId), ct), cancellationToken).ConfigureAwait(false);
            }

            await DeleteAsync("route-table " + table.Id, "DeleteRouteTable", table.Id, ct => _ec2.DeleteRouteTableAsync(new DeleteRouteTableRequest { RouteTableId = table.Id }, ct), ct => ExistsAsync("DescribeRouteTables", table.Id, c => _ec2.DescribeRouteTablesAsync(new DescribeRouteTablesRequest { RouteTableIds = new List<string> { table.Id } }, c), r => r.RouteTables?.Count > 0, ct), cancellationToken).ConfigureAwait(false);
        }

        Phase("deleting security groups");
        await DeleteSecurityGroupsAsync(info, cancellationToken).ConfigureAwait(false);

        Phase("deleting subnets");
        foreach (var subnet in info.Subnets)
        {
            await DeleteAsync("subnet " + subnet.Id, "DeleteSubnet", subnet.Id, ct => _ec2.DeleteSubnetAsync(new DeleteSubnetRequest { SubnetId = subnet.Id }, ct), ct => ExistsAsync("DescribeSubnets", subnet.Id, c => _ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest { SubnetIds = new List<string> { subnet.Id } }, c), r => r.Subnets?.Count > 0, ct), cancellationToken).ConfigureAwait(false);
        }

        Phase("deleting the VPC");
        foreach (var vpcId in info.VpcIds)
        {
            await DeleteAsync("vpc " + vpcId, "DeleteVpc", vpcId, ct => _ec2.DeleteVpcAsync(new DeleteVpcRequest { VpcId = vpcId }, ct), ct => ExistsAsync("DescribeVpcs", vpcId, c => _ec2.DescribeVpcsAsync(new DescribeVpcsRequest { VpcIds = new List<string> { vpcId } }, c), r => r.Vpcs?.Count > 0, ct), cancellationToken).ConfigureAwait(false);
        }

        Phase("deleting key pairs");
        foreach (var keyName in info.KeyPairNames)
        {
            await DeleteAsync("key-pair " + keyName, "DeleteKeyPair", keyName, ct => _ec2.DeleteKeyPairAsync(new DeleteKeyPairRequest { KeyName = keyName }, ct), ct => ExistsAsync("DescribeKeyPairs", keyName, c => _ec2.DescribeKeyPairsAsync(new DescribeKeyPairsRequest { KeyNames = new List<string> { keyName } }, c), r => r.KeyPairs?.Count > 0, ct), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Resources a create left twice (a create without ClientToken whose answer was lost is repeated by the SDK): the
    /// cluster uses one of each role, the unused copies are removed. Nothing in use is touched.
    /// </summary>
    internal static List<ClusterResource> Duplicates(ClusterInfo info)
    {
        var hosts = new HashSet<string>(info.Hosts.Select(h => h.InstanceId), StringComparer.Ordinal);
        var natAllocations = new HashSet<string>(info.NatGateways.Where(n => n.AllocationId is not null).Select(n => n.AllocationId!), StringComparer.Ordinal);
        var usedVpcs = new HashSet<string>(info.Subnets.Select(sn => sn.VpcId).Concat(info.SecurityGroups.Select(g => g.VpcId)).Concat(info.RouteTables.Select(t => t.VpcId)).Concat(info.NatGateways.Select(n => n.VpcId)), StringComparer.Ordinal);
        var tables = new HashSet<string>(new[] { info.PublicRouteTable?.Id, info.PrivateRouteTable?.Id }.Where(id => id is not null).Select(id => id!), StringComparer.Ordinal);
        bool Duplicate(ClusterResource r) => r.ResourceType switch
        {
            "instance" => !hosts.Contains(r.Id) && info.Instances.Any(i => i.InstanceId == r.Id && i.IsLive && (i.Role is ClusterRoles.Gateway or ClusterRoles.Master || info.Agents.Any(a => a.Index == i.Index))),
            "elastic-ip" => info.Addresses.Any(a => a.AllocationId == r.Id && a.AssociationId is null && !natAllocations.Contains(a.AllocationId) && a.AllocationId != info.NatAddress?.AllocationId && a.AllocationId != info.GatewayAddress?.AllocationId),
            "route-table" => !tables.Contains(r.Id) && info.RouteTables.Any(t => t.Id == r.Id && t.Associations.Count == 0),
            "internet-gateway" => r.Id != info.InternetGatewayId && info.InternetGateways.Any(g => g.Id == r.Id && (g.VpcId is null || g.VpcId != info.VpcId)),
            "vpc" => r.Id != info.VpcId && info.VpcId is not null && !usedVpcs.Contains(r.Id) && info.Instances.All(i => !i.IsLive || i.SubnetId is null || info.Subnets.Any(sn => sn.Id == i.SubnetId && sn.VpcId != r.Id)),
            _ => false,
        };
        return info.Resources.Where(Duplicate).ToList();
    }

    /// <summary>Removes what <see cref="Duplicates"/> names; returns how many.</summary>
    internal async Task<int> RemoveDuplicatesAsync(ClusterInfo info, CancellationToken cancellationToken)
    {
        var extras = Duplicates(info);
        if (extras.Count == 0)
        {
            return 0;
        }

        Reporter.Verbose($"Cluster '{info.Name}' has unused copies (creates repeated after a lost answer): removing {string.Join(", ", extras.Select(r => r.ResourceType + " " + r.Id))}.");
        var instances = extras.Where(r => r.ResourceType == "instance").Select(r => r.Id).ToList();
        await TerminateInstancesAsync(instances, "duplicate hosts", cancellationToken).ConfigureAwait(false);
        await ReleaseAddressesAsync(info.Addresses.Where(a => extras.Any(r => r.ResourceType == "elastic-ip" && r.Id == a.AllocationId)), cancellationToken).ConfigureAwait(false);
        foreach (var table in extras.Where(r => r.ResourceType == "route-table"))
        {
            await DeleteAsync("route-table " + table.Id, "DeleteRouteTable", table.Id, ct => _ec2.DeleteRouteTableAsync(new DeleteRouteTableRequest { RouteTableId = table.Id }, ct), ct => ExistsAsync("DescribeRouteTables", table.Id, c => _ec2.DescribeRouteTablesAsync(new DescribeRouteTablesRequest { RouteTableIds = new List<string> { table.Id } }, c), r => r.RouteTables?.Count > 0, ct), cancellationToken).ConfigureAwait(false);
        }

        foreach (var (id, vpcId) in info.InternetGateways.Where(g => extras.Any(r => r.ResourceType == "internet-gateway" && r.Id == g.Id)))
        {
            if (vpcId is not null)
            {
                await DeleteAsync(null, "DetachInternetGateway", $"{id} from {vpcId}", ct => _ec2.DetachInternetGatewayAsync(new DetachInternetGatewayRequest { InternetGatewayId = id, VpcId = vpcId }, ct), ct => GatewayAttachedAsync(id, vpcId, ct), cancellationToken, goneCode: "Gateway.NotAttached").ConfigureAwait(false);
            }

            await DeleteAsync("internet-gateway " + id, "DeleteInternetGateway", id, ct => _ec2.DeleteInternetGatewayAsync(new DeleteInternetGatewayRequest { InternetGatewayId = id }, ct), ct => ExistsAsync("DescribeInternetGateways", id, c => _ec2.DescribeInternetGatewaysAsync(new DescribeInternetGatewaysRequest { InternetGatewayIds = new List<string> { id } }, c), r => r.InternetGateways?.Count > 0, ct), cancellationToken).ConfigureAwait(false);
        }

        foreach (var vpc in extras.Where(r => r.ResourceType == "vpc"))
        {
            await DeleteAsync("vpc " + vpc.Id, "DeleteVpc", vpc.Id, ct => _ec2.DeleteVpcAsync(new DeleteVpcRequest { VpcId = vpc.Id }, ct), ct => ExistsAsync("DescribeVpcs", vpc.Id, c => _ec2.DescribeVpcsAsync(new DescribeVpcsRequest { VpcIds = new List<string> { vpc.Id } }, c), r => r.Vpcs?.Count > 0, ct), cancellationToken).ConfigureAwait(false);
        }

        return extras.Count;
    }

    /// <summary>
    /// Terminates instances and waits until every one is terminated (or gone). One unknown id fails a whole
    /// TerminateInstances batch on AWS, so a NotFound is answered by terminating the ids a Describe still shows live.
    /// </summary>
    internal async Task TerminateInstancesAsync(IReadOnlyList<string> instanceIds, string what, CancellationToken cancellationToken)
    {
        if (instanceIds.Count == 0)
        {
            return;
        }

        await TerminateLiveAsync(instanceIds.ToList(), cancellationToken).ConfigureAwait(false);
        _deleted.AddRange(instanceIds.Select(id => "instance " + id));
        Reporter.Verbose($"Waiting for {what} to terminate.");
        var remaining = new HashSet<string>(instanceIds, StringComparer.Ordinal);
        var polls = 0;
        using var progress = new ProgressTicker(Reporter, 4210, $"Terminating {what}");
        progress.Update($"waiting for {Count(instanceIds.Count, "instance")} to terminate", 0);
        await _calls.WaitAsync(what + " to terminate", async ct =>
        {
            var seen = await DescribeInstancesByFilterAsync(remaining, ct).ConfigureAwait(false);
            remaining.IntersectWith(seen.Where(i => i.State?.Name?.Value != "terminated").Select(i => i.InstanceId));
            progress.Update($"waiting for {remaining.Count} of {instanceIds.Count} to terminate", (instanceIds.Count - remaining.Count) * 100 / instanceIds.Count);

            // Still live a while after TerminateInstances: that answer was not true (or not yet visible): ask again.
            var live = seen.Where(i => remaining.Contains(i.InstanceId) && Array.IndexOf(EndedStates, i.State?.Name?.Value) < 0).Select(i => i.InstanceId).ToList();
            if (live.Count > 0 && ++polls % 3 == 0)
            {
                Reporter.Verbose($"{string.Join(", ", live)} still not terminating: TerminateInstances again.");
                await TerminateLiveAsync(live, ct).ConfigureAwait(false);
            }

            return remaining.Count == 0;
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task TerminateLiveAsync(List<string> ids, CancellationToken cancellationToken)
    {
        var started = DateTime.UtcNow;
        for (var attempt = 0; ids.Count > 0; attempt++)
        {
            try
            {
                await _calls.Ec2Async("TerminateInstances", string.Join(", ", ids), ct => _ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = ids.ToList() }, ct), cancellationToken, Ec2Calls.TransientButNotFound).ConfigureAwait(false);
                return;
            }
            catch (ShowcaseException ex) when (ex.InnerException is not null && AwsIsNotFound(ex.InnerException))
            {
                var seen = await DescribeInstancesByFilterAsync(ids, cancellationToken).ConfigureAwait(false);
                var live = seen.Where(i => Array.IndexOf(EndedStates, i.State?.Name?.Value) < 0).Select(i => i.InstanceId).ToList();
                Reporter.Verbose($"TerminateInstances answered {Ec2Calls.ErrorCode(ex.InnerException)}; Describe shows {(live.Count == 0 ? "none" : string.Join(", ", live))} of {ids.Count} still live.");
                if (live.Count == 0)
                {
                    return;
                }

                if (live.Count == ids.Count)
                {
                    // Every id exists, yet NotFound: not visible everywhere yet. Wait, then ask again.
                    Unconfirmed("TerminateInstances", string.Join(", ", ids), started, ex);
                    await Task.Delay(Options.Retry.DelayFor(attempt, _random), cancellationToken).ConfigureAwait(false);
                }

                ids = live;
            }
        }
    }

    /// <summary>Instances by an <c>instance-id</c> filter: unknown ids are simply absent (ids in InstanceIds fail the call).</summary>
    private Task<List<Instance>> DescribeInstancesByFilterAsync(IEnumerable<string> ids, CancellationToken cancellationToken)
    {
        var list = ids.ToList();
        return DescribeInstancesAsync(list, cancellationToken);
    }

    private async Task<List<Instance>> DescribeInstancesAsync(List<string> ids, CancellationToken cancellationToken)
    {
        var reservations = await _calls.Ec2PagesAsync("DescribeInstances", string.Join(", ", ids), (token, c) => _ec2.DescribeInstancesAsync(new DescribeInstancesRequest { Filters = new List<Filter> { new("instance-id", ids.ToList()) }, NextToken = token }, c), r => r.Reservations, r => r.NextToken, cancellationToken).ConfigureAwait(false);
        return reservations.SelectMany(r => r.Instances ?? new List<Instance>()).Where(i => ids.Contains(i.InstanceId)).ToList();
    }

    private Task TerminateInstancesAsync(ClusterInfo info, CancellationToken cancellationToken) =>
        TerminateInstancesAsync(info.Instances.Select(i => i.InstanceId).ToList(), $"{info.Instances.Count} instance(s) of {info.Name}", cancellationToken);

    private async Task ReleaseAddressesAsync(IEnumerable<AddressInfo> addresses, CancellationToken cancellationToken)
    {
        foreach (var address in addresses)
        {
            if (address.AssociationId is not null && address.InstanceId is not null)
            {
                await DeleteAsync(null, "DisassociateAddress", $"{address.PublicIp} ({address.AssociationId})", ct => _ec2.DisassociateAddressAsync(new DisassociateAddressRequest { AssociationId = address.AssociationId }, ct), ct => ExistsAsync("DescribeAddresses", address.AllocationId, c => _ec2.DescribeAddressesAsync(new DescribeAddressesRequest { AllocationIds = new List<string> { address.AllocationId } }, c), r => (r.Addresses ?? new List<Address>()).Any(a => a.AssociationId == address.AssociationId), ct), cancellationToken).ConfigureAwait(false);
            }

            // A NAT gateway's address stays "in use" for a moment after the gateway is deleted.
            await DeleteAsync("elastic-ip " + address.AllocationId, "ReleaseAddress", $"{address.PublicIp} ({address.AllocationId})", ct => _ec2.ReleaseAddressAsync(new ReleaseAddressRequest { AllocationId = address.AllocationId }, ct), ct => ExistsAsync("DescribeAddresses", address.AllocationId, c => _ec2.DescribeAddressesAsync(new DescribeAddressesRequest { AllocationIds = new List<string> { address.AllocationId } }, c), r => r.Addresses?.Count > 0, ct), cancellationToken, busyCode: "InvalidIPAddress.InUse").ConfigureAwait(false);
        }
    }

    private async Task DeleteNatGatewaysAsync(ClusterInfo info, CancellationToken cancellationToken)
    {
        var gateways = info.NatGateways.Where(n => n.State is not "deleted").ToList();
        if (gateways.Count == 0)
        {
            return;
        }

        foreach (var nat in gateways.Where(n => n.State != "deleting"))
        {
            await DeleteAsync("natgateway " + nat.Id, "DeleteNatGateway", nat.Id, ct => _ec2.DeleteNatGatewayAsync(new DeleteNatGatewayRequest { NatGatewayId = nat.Id }, ct), async ct => (await DescribeNatGatewaysAsync(new[] { nat.Id }, ct).ConfigureAwait(false)).Any(n => n.State?.Value is not ("deleting" or "deleted" or "failed")), cancellationToken).ConfigureAwait(false);
        }

        var remaining = new HashSet<string>(gateways.Select(n => n.Id), StringComparer.Ordinal);
        var polls = 0;
        await _calls.WaitAsync($"NAT gateway(s) of {info.Name} to be deleted", async ct =>
        {
            var seen = await DescribeNatGatewaysAsync(remaining, ct).ConfigureAwait(false);

            // As AWS's NatGatewayDeleted waiter: deleted (or failed) counts, and so does a gateway no longer known.
            remaining.IntersectWith(seen.Where(n => n.State?.Value is not ("deleted" or "failed")).Select(n => n.NatGatewayId));
            var live = seen.Where(n => remaining.Contains(n.NatGatewayId) && n.State?.Value is "available" or "pending").Select(n => n.NatGatewayId).ToList();
            if (live.Count > 0 && ++polls % 3 == 0)
            {
                foreach (var id in live)
                {
                    Reporter.Verbose($"NAT gateway {id} is still not deleting: DeleteNatGateway again.");
                    await DeleteAsync("natgateway " + id, "DeleteNatGateway", id, c => _ec2.DeleteNatGatewayAsync(new DeleteNatGatewayRequest { NatGatewayId = id }, c), async c => (await DescribeNatGatewaysAsync(new[] { id }, c).ConfigureAwait(false)).Any(n => n.State?.Value is "available" or "pending"), ct).ConfigureAwait(false);
                }
            }

            return remaining.Count == 0;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>NAT gateways by a <c>nat-gateway-id</c> filter; <c>NatGatewayNotFound</c> means none of them is left.</summary>
    private async Task<List<NatGateway>> DescribeNatGatewaysAsync(IEnumerable<string> ids, CancellationToken cancellationToken)
    {
        var list = ids.ToList();
        try
        {
            var found = await _calls.Ec2PagesAsync("DescribeNatGateways", string.Join(", ", list), (token, c) => _ec2.DescribeNatGatewaysAsync(new DescribeNatGatewaysRequest { Filter = new List<Filter> { new("nat-gateway-id", list.ToList()) }, NextToken = token }, c), r => r.NatGateways, r => r.NextToken, cancellationToken, Ec2Calls.TransientButNotFound).ConfigureAwait(false);
            return found.Where(n => list.Contains(n.NatGatewayId)).ToList();
        }
        catch (ShowcaseException ex) when (Ec2Calls.ErrorCode(ex.InnerException!) == "NatGatewayNotFound")
        {
            return new List<NatGateway>();
        }
    }

    private async Task DeleteLeftoverInterfacesAsync(ClusterInfo info, CancellationToken cancellationToken)
    {
        if (info.VpcIds.Count == 0)
        {
            return;
        }

        var interfaces = await _calls.Ec2PagesAsync("DescribeNetworkInterfaces", "available in " + string.Join(", ", info.VpcIds), (token, ct) => _ec2.DescribeNetworkInterfacesAsync(new DescribeNetworkInterfacesRequest
        {
            Filters = new List<Filter> { new("vpc-id", info.VpcIds.ToList()), new("status", new List<string> { "available" }) },
            NextToken = token,
        }, ct), r => r.NetworkInterfaces, r => r.NextToken, cancellationToken).ConfigureAwait(false);
        foreach (var eni in interfaces)
        {
            var id = eni.NetworkInterfaceId;
            await DeleteAsync("network-interface " + id, "DeleteNetworkInterface", id, ct => _ec2.DeleteNetworkInterfaceAsync(new DeleteNetworkInterfaceRequest { NetworkInterfaceId = id }, ct), ct => ExistsAsync("DescribeNetworkInterfaces", id, c => _ec2.DescribeNetworkInterfacesAsync(new DescribeNetworkInterfacesRequest { NetworkInterfaceIds = new List<string> { id } }, c), r => r.NetworkInterfaces?.Count > 0, ct), cancellationToken, busyCode: "InvalidNetworkInterface.InUse").ConfigureAwait(false);
        }
    }

    private async Task DeleteSecurityGroupsAsync(ClusterInfo info, CancellationToken cancellationToken)
    {
        var groups = await GroupsOfClusterVpcsAsync(info, cancellationToken).ConfigureAwait(false);

        // Rules naming other groups keep those groups "in use": revoke them first. The description goes along: AWS
        // ignores it when matching a rule to revoke, moto requires it.
        foreach (var group in groups.Where(g => g.ReferencedGroupIds.Count > 0))
        {
            var permissions = (await DescribeGroupAsync(group.Id, cancellationToken).ConfigureAwait(false))
                .SelectMany(g => g.IpPermissions ?? new List<IpPermission>())
                .Where(p => p.UserIdGroupPairs is { Count: > 0 })
                .Select(p => new IpPermission { IpProtocol = p.IpProtocol, FromPort = p.FromPort, ToPort = p.ToPort, UserIdGroupPairs = p.UserIdGroupPairs.Select(u => new UserIdGroupPair { GroupId = u.GroupId, Description = u.Description }).ToList() })
                .ToList();
            if (permissions.Count > 0)
            {
                await DeleteAsync(null, "RevokeSecurityGroupIngress", $"{group.Id} (rules naming other groups)", ct => _ec2.RevokeSecurityGroupIngressAsync(new RevokeSecurityGroupIngressRequest { GroupId = group.Id, IpPermissions = permissions }, ct), async ct => (await DescribeGroupAsync(group.Id, ct).ConfigureAwait(false)).SelectMany(g => g.IpPermissions ?? new List<IpPermission>()).Any(p => p.UserIdGroupPairs is { Count: > 0 }), cancellationToken).ConfigureAwait(false);
            }
        }

        foreach (var group in groups)
        {
            await DeleteAsync("security-group " + group.Id, "DeleteSecurityGroup", $"{group.Id} ({group.Name})", ct => _ec2.DeleteSecurityGroupAsync(new DeleteSecurityGroupRequest { GroupId = group.Id }, ct), async ct => (await DescribeGroupAsync(group.Id, ct).ConfigureAwait(false)).Count > 0, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The groups discovery found, and every other non-default group of the cluster's VPCs, read by VPC id: a group
    /// created moments ago may not match a tag filter yet, and its rules naming our groups would keep them in use.
    /// </summary>
    private async Task<List<SecurityGroupInfo>> GroupsOfClusterVpcsAsync(ClusterInfo info, CancellationToken cancellationToken)
    {
        var groups = info.SecurityGroups.ToList();
        if (info.VpcIds.Count == 0)
        {
            return groups;
        }

        var inVpcs = await _calls.Ec2PagesAsync(
            "DescribeSecurityGroups",
            "groups of " + string.Join(", ", info.VpcIds),
            (token, ct) => _ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { Filters = new List<Filter> { new("vpc-id", info.VpcIds.ToList()) }, NextToken = token }, ct),
            r => r.SecurityGroups,
            r => r.NextToken,
            cancellationToken).ConfigureAwait(false);
        var known = new HashSet<string>(groups.Select(g => g.Id), StringComparer.Ordinal);
        groups.AddRange(inVpcs.Where(g => g.GroupName != "default" && known.Add(g.GroupId)).Select(ClusterDiscovery.ToGroup));
        return groups;
    }

    /// <summary>The group by id, or nothing when EC2 says it does not exist.</summary>
    private async Task<List<SecurityGroup>> DescribeGroupAsync(string groupId, CancellationToken cancellationToken)
    {
        try
        {
            return await _calls.Ec2PagesAsync("DescribeSecurityGroups", groupId, (token, ct) => _ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { GroupIds = new List<string> { groupId }, NextToken = token }, ct), r => r.SecurityGroups, r => r.NextToken, cancellationToken, Ec2Calls.TransientButNotFound).ConfigureAwait(false);
        }
        catch (ShowcaseException ex) when (ex.InnerException is not null && AwsIsNotFound(ex.InnerException))
        {
            return new List<SecurityGroup>();
        }
    }

    /// <summary>Whether a Describe by id still shows the resource (NotFound: it does not).</summary>
    private async Task<bool> ExistsAsync<TResponse>(string operation, string id, Func<CancellationToken, Task<TResponse>> describe, Func<TResponse, bool> present, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _calls.Ec2Async(operation, id, describe, cancellationToken, Ec2Calls.TransientButNotFound).ConfigureAwait(false);
            return present(response);
        }
        catch (ShowcaseException ex) when (ex.InnerException is not null && AwsIsNotFound(ex.InnerException))
        {
            return false;
        }
    }

    private async Task<bool> GatewayAttachedAsync(string gatewayId, string vpcId, CancellationToken cancellationToken) =>
        await ExistsAsync("DescribeInternetGateways", gatewayId, c => _ec2.DescribeInternetGatewaysAsync(new DescribeInternetGatewaysRequest { InternetGatewayIds = new List<string> { gatewayId } }, c), r => (r.InternetGateways ?? new List<InternetGateway>()).SelectMany(g => g.Attachments ?? new List<InternetGatewayAttachment>()).Any(a => a.VpcId == vpcId), cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// A delete (or detach, disassociate, revoke) that may meet DependencyViolation (retried with backoff). NotFound — or
    /// <paramref name="goneCode"/> — counts only when <paramref name="stillThere"/> (a Describe by id) agrees; otherwise the
    /// call is made again, within the retry budget.
    /// </summary>
    private async Task DeleteAsync<T>(string? deleted, string operation, string detail, Func<CancellationToken, Task<T>> call, Func<CancellationToken, Task<bool>> stillThere, CancellationToken cancellationToken, string? goneCode = null, string busyCode = "DependencyViolation")
    {
        string? Transient(Exception ex)
        {
            var code = Ec2Calls.ErrorCode(ex);
            if (code == "DependencyViolation" || code == busyCode)
            {
                return "still in use (" + code + ")";
            }

            return Ec2Calls.TransientButNotFound(ex);
        }

        var started = DateTime.UtcNow;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await _calls.Ec2Async(operation, detail, call, cancellationToken, Transient, Options.DependencyRetry).ConfigureAwait(false);
                break;
            }
            catch (ShowcaseException ex) when (ex.InnerException is not null && (AwsIsNotFound(ex.InnerException) || (goneCode is not null && Ec2Calls.ErrorCode(ex.InnerException) == goneCode)))
            {
                if (!await stillThere(cancellationToken).ConfigureAwait(false))
                {
                    Reporter.Verbose($"{operation} {detail}: {Ec2Calls.ErrorCode(ex.InnerException)}, and Describe agrees it is gone.");
                    break;
                }

                Unconfirmed(operation, detail, started, ex);
                Reporter.Verbose($"{operation} {detail} answered {Ec2Calls.ErrorCode(ex.InnerException)}, but Describe still shows it: trying again.");
                await Task.Delay(Options.Retry.DelayFor(attempt, _random), cancellationToken).ConfigureAwait(false);
            }
        }

        if (deleted is not null)
        {
            _deleted.Add(deleted);
        }
    }

    /// <summary>Throws once a NotFound that Describe contradicts has lasted past the retry budget.</summary>
    private void Unconfirmed(string operation, string detail, DateTime started, ShowcaseException answer)
    {
        if (DateTime.UtcNow - started > Options.Retry.Budget)
        {
            throw new ShowcaseException(ShowcaseErrors.ShowcaseClusterDeleteUnconfirmed, detail, $"{operation} {detail} keeps answering {Ec2Calls.ErrorCode(answer.InnerException!)}, yet Describe still shows it.", answer)
            {
                RecommendedAction = "Run Remove-ShowcaseCluster again in a few minutes; if it persists, delete the resource in the EC2 console.",
            };
        }
    }

    /// <summary>
    /// Discovery after the remove. Resources this remove already deleted may linger in tag-filtered answers for a moment,
    /// so those are re-read within the retry budget; anything else is left for the caller.
    /// </summary>
    private async Task<ClusterInfo> DiscoverLeftoversAsync(string name, CancellationToken cancellationToken)
    {
        var started = DateTime.UtcNow;
        for (var attempt = 0; ; attempt++)
        {
            var left = await ClusterDiscovery.DiscoverAsync(_ec2, name, _calls, cancellationToken).ConfigureAwait(false);
            var lagging = left.Resources.All(r => _deleted.Contains(r.ResourceType + " " + r.Id) || (r.ResourceType == "key-pair" && _deleted.Any(d => d.StartsWith("key-pair ", StringComparison.Ordinal))));
            if (!left.Exists || !lagging || DateTime.UtcNow - started > Options.Retry.Budget)
            {
                return left;
            }

            await Task.Delay(Options.Retry.DelayFor(attempt, _random), cancellationToken).ConfigureAwait(false);
        }
    }

    private static ShowcaseException Leftovers(ClusterInfo left) =>
        new(ShowcaseErrors.ShowcaseClusterRemoveIncomplete, left.Name, $"Cluster '{left.Name}' was not removed completely: {Count(left.Resources.Count, "resource")} left: {string.Join(", ", left.Resources.Select(r => $"{r.ResourceType} {r.Id} ({r.Role})"))}.")
        {
            RecommendedAction = "Run Remove-ShowcaseCluster again; if the same resources stay, delete them in the EC2 console (they carry the tag showcase:cluster).",
        };

    private static bool AwsIsNotFound(Exception ex) => Aws.AwsErrorClassifier.IsNotFound(ex);

    internal static string Count(int n, string what) => n.ToString(CultureInfo.InvariantCulture) + " " + what + (n == 1 ? string.Empty : "s");
}
