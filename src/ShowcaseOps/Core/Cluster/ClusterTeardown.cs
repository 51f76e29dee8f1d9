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
/// backoff; running it again when nothing is left is not an error.
/// </summary>
internal sealed class ClusterTeardown
{
    private readonly IAmazonEC2 _ec2;
    private readonly Ec2Calls _calls;
    private readonly List<string> _deleted = new();

    public ClusterTeardown(IAmazonEC2 ec2, IOperationReporter reporter, ClusterEngineOptions options)
    {
        _ec2 = ec2 ?? throw new ArgumentNullException(nameof(ec2));
        _calls = new Ec2Calls(reporter ?? throw new ArgumentNullException(nameof(reporter)), options ?? throw new ArgumentNullException(nameof(options)));
    }

    private IOperationReporter Reporter => _calls.Reporter;

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

        var activity = $"Removing cluster {info.Name}";
        var phases = 10;
        var phase = 0;
        void Phase(string what)
        {
            Reporter.Progress(new ProgressUpdate(4200, activity, what) { PercentComplete = phase++ * 100 / phases });
        }

        try
        {
            Phase("terminating instances");
            await TerminateInstancesAsync(info, cancellationToken).ConfigureAwait(false);

            Phase("releasing Elastic IPs");
            var natAllocations = new HashSet<string>(info.NatGateways.Where(n => n.AllocationId is not null).Select(n => n.AllocationId!), StringComparer.Ordinal);
            await ReleaseAddressesAsync(info.Addresses.Where(a => !natAllocations.Contains(a.AllocationId)), cancellationToken).ConfigureAwait(false);

            Phase("deleting NAT gateways");
            await DeleteNatGatewaysAsync(info, cancellationToken).ConfigureAwait(false);
            await ReleaseAddressesAsync(info.Addresses.Where(a => natAllocations.Contains(a.AllocationId)), cancellationToken).ConfigureAwait(false);

            Phase("deleting leftover network interfaces");
            await DeleteLeftoverInterfacesAsync(info, cancellationToken).ConfigureAwait(false);

            Phase("detaching and deleting internet gateways");
            foreach (var (id, vpcId) in info.InternetGateways)
            {
                if (vpcId is not null)
                {
                    await Dependent("DetachInternetGateway", $"{id} from {vpcId}", ct => _ec2.DetachInternetGatewayAsync(new DetachInternetGatewayRequest { InternetGatewayId = id, VpcId = vpcId }, ct), cancellationToken, "Gateway.NotAttached").ConfigureAwait(false);
                }

                await Dependent("DeleteInternetGateway", id, ct => _ec2.DeleteInternetGatewayAsync(new DeleteInternetGatewayRequest { InternetGatewayId = id }, ct), cancellationToken).ConfigureAwait(false);
                _deleted.Add("internet-gateway " + id);
            }

            Phase("deleting route tables");
            foreach (var table in info.RouteTables)
            {
                foreach (var (associationId, _) in table.Associations)
                {
                    await Dependent("DisassociateRouteTable", associationId, ct => _ec2.DisassociateRouteTableAsync(new DisassociateRouteTableRequest { AssociationId = associationId }, ct), cancellationToken).ConfigureAwait(false);
                }

                await Dependent("DeleteRouteTable", table.Id, ct => _ec2.DeleteRouteTableAsync(new DeleteRouteTableRequest { RouteTableId = table.Id }, ct), cancellationToken).ConfigureAwait(false);
                _deleted.Add("route-table " + table.Id);
            }

            Phase("deleting security groups");
            await DeleteSecurityGroupsAsync(info, cancellationToken).ConfigureAwait(false);

            Phase("deleting subnets");
            foreach (var subnet in info.Subnets)
            {
                await Dependent("DeleteSubnet", subnet.Id, ct => _ec2.DeleteSubnetAsync(new DeleteSubnetRequest { SubnetId = subnet.Id }, ct), cancellationToken).ConfigureAwait(false);
                _deleted.Add("subnet " + subnet.Id);
            }

            Phase("deleting the VPC");
            foreach (var vpcId in info.VpcIds)
            {
                await Dependent("DeleteVpc", vpcId, ct => _ec2.DeleteVpcAsync(new DeleteVpcRequest { VpcId = vpcId }, ct), cancellationToken).ConfigureAwait(false);
                _deleted.Add("vpc " + vpcId);
            }

            Phase("deleting key pairs");
            foreach (var keyName in info.KeyPairNames)
            {
                await _calls.Ec2Async("DeleteKeyPair", keyName, ct => _ec2.DeleteKeyPairAsync(new DeleteKeyPairRequest { KeyName = keyName }, ct), cancellationToken, Ec2Calls.TransientButNotFound).ConfigureAwait(false);
                _deleted.Add("key-pair " + keyName);
            }
        }
        finally
        {
            Reporter.Progress(new ProgressUpdate(4200, activity, "done") { Completed = true });
        }

        return new ClusterRemoveResult(info.Name, info.Resources, _deleted.ToList());
    }

    /// <summary>Terminates instances (tagged ones) and waits until every one is terminated.</summary>
    internal async Task TerminateInstancesAsync(IReadOnlyList<string> instanceIds, string what, CancellationToken cancellationToken)
    {
        if (instanceIds.Count == 0)
        {
            return;
        }

        await Gone("TerminateInstances", string.Join(", ", instanceIds), ct => _ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = instanceIds.ToList() }, ct), cancellationToken).ConfigureAwait(false);
        _deleted.AddRange(instanceIds.Select(id => "instance " + id));
        Reporter.Verbose($"Waiting for {what} to terminate.");
        var remaining = new HashSet<string>(instanceIds, StringComparer.Ordinal);
        await _calls.WaitAsync(what + " to terminate", async ct =>
        {
            var reservations = await _calls.Ec2PagesAsync("DescribeInstances", string.Join(", ", remaining), (token, c) => _ec2.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = remaining.ToList(), NextToken = token }, c), r => r.Reservations, r => r.NextToken, ct, Ec2Calls.TransientButNotFound).ConfigureAwait(false);
            var seen = reservations.SelectMany(r => r.Instances ?? new List<Instance>()).ToList();
            foreach (var instance in seen.Where(i => i.State?.Name?.Value == "terminated"))
            {
                remaining.Remove(instance.InstanceId);
            }

            remaining.IntersectWith(seen.Select(i => i.InstanceId));
            return remaining.Count == 0;
        }, cancellationToken).ConfigureAwait(false);
    }

    private Task TerminateInstancesAsync(ClusterInfo info, CancellationToken cancellationToken) =>
        TerminateInstancesAsync(info.Instances.Select(i => i.InstanceId).ToList(), $"{info.Instances.Count} instance(s) of {info.Name}", cancellationToken);

    private async Task ReleaseAddressesAsync(IEnumerable<AddressInfo> addresses, CancellationToken cancellationToken)
    {
        foreach (var address in addresses)
        {
            if (address.AssociationId is not null && address.InstanceId is not null)
            {
                await Gone("DisassociateAddress", $"{address.PublicIp} ({address.AssociationId})", ct => _ec2.DisassociateAddressAsync(new DisassociateAddressRequest { AssociationId = address.AssociationId }, ct), cancellationToken).ConfigureAwait(false);
            }

            // A NAT gateway's address stays "in use" for a moment after the gateway is deleted.
            await Dependent("ReleaseAddress", $"{address.PublicIp} ({address.AllocationId})", ct => _ec2.ReleaseAddressAsync(new ReleaseAddressRequest { AllocationId = address.AllocationId }, ct), cancellationToken, busyCode: "InvalidIPAddress.InUse").ConfigureAwait(false);
            _deleted.Add("elastic-ip " + address.AllocationId);
        }
    }

    private async Task DeleteNatGatewaysAsync(ClusterInfo info, CancellationToken cancellationToken)
    {
        var gateways = info.NatGateways.Where(n => n.State is not ("deleted")).ToList();
        if (gateways.Count == 0)
        {
            return;
        }

        foreach (var nat in gateways.Where(n => n.State != "deleting"))
        {
            await Gone("DeleteNatGateway", nat.Id, ct => _ec2.DeleteNatGatewayAsync(new DeleteNatGatewayRequest { NatGatewayId = nat.Id }, ct), cancellationToken).ConfigureAwait(false);
            _deleted.Add("natgateway " + nat.Id);
        }

        var remaining = new HashSet<string>(gateways.Select(n => n.Id), StringComparer.Ordinal);
        await _calls.WaitAsync($"NAT gateway(s) of {info.Name} to be deleted", async ct =>
        {
            var seen = await _calls.Ec2PagesAsync("DescribeNatGateways", string.Join(", ", remaining), (token, c) => _ec2.DescribeNatGatewaysAsync(new DescribeNatGatewaysRequest { NatGatewayIds = remaining.ToList(), NextToken = token }, c), r => r.NatGateways, r => r.NextToken, ct, Ec2Calls.TransientButNotFound).ConfigureAwait(false);
            remaining.IntersectWith(seen.Where(n => n.State?.Value != "deleted" && n.State?.Value != "failed").Select(n => n.NatGatewayId));
            return remaining.Count == 0;
        }, cancellationToken).ConfigureAwait(false);
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
            await Dependent("DeleteNetworkInterface", eni.NetworkInterfaceId, ct => _ec2.DeleteNetworkInterfaceAsync(new DeleteNetworkInterfaceRequest { NetworkInterfaceId = eni.NetworkInterfaceId }, ct), cancellationToken, busyCode: "InvalidNetworkInterface.InUse").ConfigureAwait(false);
            _deleted.Add("network-interface " + eni.NetworkInterfaceId);
        }
    }

    private async Task DeleteSecurityGroupsAsync(ClusterInfo info, CancellationToken cancellationToken)
    {
        // Rules naming other groups keep those groups "in use": revoke them first.
        foreach (var group in info.SecurityGroups.Where(g => g.ReferencedGroupIds.Count > 0))
        {
            var found = await _calls.Ec2PagesAsync("DescribeSecurityGroups", group.Id, (token, ct) => _ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { GroupIds = new List<string> { group.Id }, NextToken = token }, ct), r => r.SecurityGroups, r => r.NextToken, cancellationToken, Ec2Calls.TransientButNotFound).ConfigureAwait(false);
            var permissions = found.SelectMany(g => g.IpPermissions ?? new List<IpPermission>())
                .Where(p => p.UserIdGroupPairs is { Count: > 0 })
                .Select(p => new IpPermission { IpProtocol = p.IpProtocol, FromPort = p.FromPort, ToPort = p.ToPort, UserIdGroupPairs = p.UserIdGroupPairs.Select(u => new UserIdGroupPair { GroupId = u.GroupId }).ToList() })
                .ToList();
            if (permissions.Count > 0)
            {
                await Gone("RevokeSecurityGroupIngress", $"{group.Id} (rules naming other groups)", ct => _ec2.RevokeSecurityGroupIngressAsync(new RevokeSecurityGroupIngressRequest { GroupId = group.Id, IpPermissions = permissions }, ct), cancellationToken).ConfigureAwait(false);
            }
        }

        foreach (var group in info.SecurityGroups)
        {
            await Dependent("DeleteSecurityGroup", $"{group.Id} ({group.Name})", ct => _ec2.DeleteSecurityGroupAsync(new DeleteSecurityGroupRequest { GroupId = group.Id }, ct), cancellationToken).ConfigureAwait(false);
            _deleted.Add("security-group " + group.Id);
        }
    }

    /// <summary>A delete that may meet DependencyViolation (retried with backoff); NotFound means already gone.</summary>
    private async Task Dependent<T>(string operation, string detail, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken, string? goneCode = null, string busyCode = "DependencyViolation")
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

        try
        {
            await _calls.Ec2Async(operation, detail, call, cancellationToken, Transient, _calls.Options.DependencyRetry).ConfigureAwait(false);
        }
        catch (ShowcaseException ex) when (ex.InnerException is not null && (AwsIsNotFound(ex.InnerException) || (goneCode is not null && Ec2Calls.ErrorCode(ex.InnerException) == goneCode)))
        {
            Reporter.Verbose($"{operation} {detail}: already gone.");
        }
    }

    /// <summary>A call where NotFound means the work is already done.</summary>
    private async Task Gone<T>(string operation, string detail, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            await _calls.Ec2Async(operation, detail, call, cancellationToken, Ec2Calls.TransientButNotFound).ConfigureAwait(false);
        }
        catch (ShowcaseException ex) when (ex.InnerException is not null && AwsIsNotFound(ex.InnerException))
        {
            Reporter.Verbose($"{operation} {detail}: already gone.");
        }
    }

    private static bool AwsIsNotFound(Exception ex) => Aws.AwsErrorClassifier.IsNotFound(ex);

    internal static string Count(int n, string what) => n.ToString(CultureInfo.InvariantCulture) + " " + what + (n == 1 ? string.Empty : "s");
}
