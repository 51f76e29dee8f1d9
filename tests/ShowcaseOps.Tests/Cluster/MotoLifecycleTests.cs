using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.EC2;
using Amazon.EC2.Model;
using ShowcaseOps.Core.Aws;
using ShowcaseOps.Core.Cluster;
using ShowcaseOps.Core.Execution;
using Xunit;

namespace ShowcaseOps.Tests.Cluster;

/// <summary>
/// The cluster lifecycle against moto, an EC2 implementation written by others: create, scale up and down, remove,
/// and "nothing left" checked with moto's own answers (plain Describe calls, not discovery).
/// </summary>
public sealed class MotoLifecycleTests : IClassFixture<MotoServer>
{
    private readonly MotoServer _moto;

    public MotoLifecycleTests(MotoServer moto) => _moto = moto;

    [MotoFact]
    public async Task Create_scale_remove_against_moto_leaves_nothing()
    {
        using var ec2 = AwsClientFactory.CreateEc2(new AwsConnectionSettings { Region = "eu-west-1", AccessKey = "AKIAMOTOSHOWCASE0000", SecretKey = "moto", EndpointUrl = _moto.Endpoint });
        _moto.Query("iam", "Action=CreateInstanceProfile&Version=2010-05-08&InstanceProfileName=showcase-ssm");
        var image = (await ec2.DescribeImagesAsync(new DescribeImagesRequest { Owners = new List<string> { "amazon" } })).Images.First(i => i.ImageId.StartsWith("ami-", StringComparison.Ordinal)).ImageId;
        var options = ClusterSandbox.FastOptions();
        var spec = new ClusterSpec("oracle") { AgentCount = 2, ImageId = image, InstanceProfileName = "showcase-ssm" };

        var built = await new ClusterBuilder(ec2, null, NullReporter.Instance, options).BuildAsync(spec, CancellationToken.None);
        Assert.True(built.Cluster.State == ClusterState.Complete, "missing: " + string.Join(", ", built.Cluster.Missing));
        Assert.Equal(4, built.AddedInstanceIds.Count);

        var rerun = await new ClusterBuilder(ec2, null, NullReporter.Instance, options).BuildAsync(spec, CancellationToken.None);
        Assert.Empty(rerun.AddedInstanceIds);

        var scaler = new ClusterScaler(ec2, null, NullReporter.Instance, options);
        var up = await scaler.ScaleAsync(await scaler.FindScalableAsync("oracle", CancellationToken.None), 3, CancellationToken.None);
        Assert.Equal(3, up.Cluster.Agents.Count);
        var down = await scaler.ScaleAsync(await scaler.FindScalableAsync("oracle", CancellationToken.None), 1, CancellationToken.None);
        Assert.Equal(new int?[] { 1 }, down.Cluster.Agents.Select(a => a.Index));

        await new ClusterTeardown(ec2, NullReporter.Instance, options).RemoveAsync("oracle", CancellationToken.None);
        Assert.Null(await ClusterDiscovery.FindAsync(ec2, "oracle", CancellationToken.None));

        // moto's own view, without discovery's filters: only the default VPC and what AWS makes with it.
        async Task<List<T>> All<TResponse, T>(Func<string?, Task<TResponse>> call, Func<TResponse, List<T>?> items, Func<TResponse, string?> next) =>
            await Paging.AllAsync((token, _) => call(token), items, next, "moto", CancellationToken.None);
        var vpcs = await All(t => ec2.DescribeVpcsAsync(new DescribeVpcsRequest { NextToken = t }), r => r.Vpcs, r => r.NextToken);
        Assert.All(vpcs, v => Assert.True(v.IsDefault == true, "left: " + v.VpcId));
        var defaults = vpcs.Select(v => v.VpcId).ToHashSet();
        Assert.All(await All(t => ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest { NextToken = t }), r => r.Subnets, r => r.NextToken), s => Assert.Contains(s.VpcId, defaults));
        Assert.All(await All(t => ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { NextToken = t }), r => r.SecurityGroups, r => r.NextToken), g => Assert.Contains(g.VpcId, defaults));
        Assert.All(await All(t => ec2.DescribeRouteTablesAsync(new DescribeRouteTablesRequest { NextToken = t }), r => r.RouteTables, r => r.NextToken), rt => Assert.Contains(rt.VpcId, defaults));
        Assert.All(await All(t => ec2.DescribeInternetGatewaysAsync(new DescribeInternetGatewaysRequest { NextToken = t }), r => r.InternetGateways, r => r.NextToken), g => Assert.All(g.Attachments ?? new List<InternetGatewayAttachment>(), a => Assert.Contains(a.VpcId, defaults)));
        var reservations = await All(t => ec2.DescribeInstancesAsync(new DescribeInstancesRequest { NextToken = t }), r => r.Reservations, r => r.NextToken);
        Assert.All(reservations.SelectMany(r => r.Instances), i => Assert.Equal("terminated", i.State.Name.Value));
        Assert.All(await All(t => ec2.DescribeNatGatewaysAsync(new DescribeNatGatewaysRequest { NextToken = t }), r => r.NatGateways, r => r.NextToken), n => Assert.Equal("deleted", n.State.Value));
        Assert.Empty((await ec2.DescribeAddressesAsync(new DescribeAddressesRequest())).Addresses ?? new List<Address>());
        Assert.Empty((await ec2.DescribeKeyPairsAsync(new DescribeKeyPairsRequest())).KeyPairs ?? new List<KeyPairInfo>());
    }
}
