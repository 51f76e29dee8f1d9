using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.EC2;
using Amazon.EC2.Model;
using ShowcaseOps.Core;
using ShowcaseOps.Core.Cluster;
using ShowcaseOps.Core.Execution;
using ShowcaseOps.Sandbox;
using Xunit;

namespace ShowcaseOps.Tests.Cluster;

/// <summary>
/// The sandbox pages every paginated EC2 answer in small, varying pages (as AWS may), and the engine reads every page:
/// a caller that stops at the first page sees a wrong cluster.
/// </summary>
public sealed class PagingTests
{
    private static SandboxOptions Paged(int min = 1, int max = 2, int seed = 11) => new()
    {
        InstancePendingTime = TimeSpan.FromMilliseconds(30),
        InstanceShutdownTime = TimeSpan.FromMilliseconds(30),
        PageSizeMin = min,
        PageSizeMax = max,
        PagingSeed = seed,
    };

    private static List<Filter> Tagged(string cluster) => new() { new Filter("tag:" + ClusterTags.Cluster, new List<string> { cluster }) };

    [Fact]
    public async Task Describe_answers_come_in_pages_and_every_page_together_is_the_whole_answer()
    {
        using var sandbox = new ClusterSandbox(Paged(max: 2));
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await sandbox.Ec2.CreateVpcAsync(new CreateVpcRequest { CidrBlock = $"10.{i}.0.0/16" })).Vpc.VpcId);
        }

        var first = await sandbox.Ec2.DescribeVpcsAsync(new DescribeVpcsRequest());
        Assert.InRange(first.Vpcs.Count, 1, 2);
        Assert.False(string.IsNullOrEmpty(first.NextToken));

        var all = await Paging.AllAsync((token, ct) => sandbox.Ec2.DescribeVpcsAsync(new DescribeVpcsRequest { NextToken = token }, ct), r => r.Vpcs, r => r.NextToken, "DescribeVpcs", CancellationToken.None);
        Assert.Equal(ids.OrderBy(i => i), all.Select(v => v.VpcId).OrderBy(i => i));

        // A token belongs to its request: another filter set is refused.
        var refused = await Assert.ThrowsAsync<AmazonEC2Exception>(() => sandbox.Ec2.DescribeVpcsAsync(new DescribeVpcsRequest { NextToken = first.NextToken, Filters = new List<Filter> { new("cidr", new List<string> { "10.1.0.0/16" }) } }));
        Assert.Equal("InvalidParameterValue", refused.ErrorCode);
    }

    [Fact]
    public async Task Empty_pages_still_carry_a_token_and_the_helper_reads_past_them()
    {
        using var sandbox = new ClusterSandbox(Paged(min: 0, max: 1, seed: 3));
        for (var i = 0; i < 4; i++)
        {
            await sandbox.Ec2.CreateVpcAsync(new CreateVpcRequest
            {
                CidrBlock = $"10.{i}.0.0/16",
                TagSpecifications = new List<TagSpecification> { new() { ResourceType = ResourceType.Vpc, Tags = new List<Tag> { new(ClusterTags.Cluster, i == 3 ? "last" : "other") } } },
            });
        }

        // The one VPC tagged "last" is the newest: every page before it is empty (EC2 filters after paging).
        var first = await sandbox.Ec2.DescribeVpcsAsync(new DescribeVpcsRequest { Filters = Tagged("last") });
        Assert.True(first.Vpcs is null || first.Vpcs.Count == 0);
        Assert.False(string.IsNullOrEmpty(first.NextToken));
        var all = await Paging.AllAsync((token, ct) => sandbox.Ec2.DescribeVpcsAsync(new DescribeVpcsRequest { Filters = Tagged("last"), NextToken = token }, ct), r => r.Vpcs, r => r.NextToken, "DescribeVpcs", CancellationToken.None);
        Assert.Single(all);
    }

    [Fact]
    public async Task MaxResults_limits_and_the_ids_rule_are_enforced_as_on_AWS()
    {
        using var sandbox = new ClusterSandbox(Paged());
        var vpc = (await sandbox.Ec2.CreateVpcAsync(new CreateVpcRequest { CidrBlock = "10.0.0.0/16" })).Vpc.VpcId;

#pragma warning disable EC21003, EC21004 // out of range on purpose: the stand-in must refuse it as EC2 does
        Assert.Equal("InvalidParameterValue", (await Assert.ThrowsAsync<AmazonEC2Exception>(() => sandbox.Ec2.DescribeVpcsAsync(new DescribeVpcsRequest { MaxResults = 4 }))).ErrorCode);
        Assert.Equal("InvalidParameterValue", (await Assert.ThrowsAsync<AmazonEC2Exception>(() => sandbox.Ec2.DescribeRouteTablesAsync(new DescribeRouteTablesRequest { MaxResults = 101 }))).ErrorCode);
#pragma warning restore EC21003, EC21004
        Assert.Equal("InvalidParameterCombination", (await Assert.ThrowsAsync<AmazonEC2Exception>(() => sandbox.Ec2.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = new List<string> { "i-0123456789abcdef0" }, MaxResults = 5 }))).ErrorCode);
        Assert.Equal("InvalidParameterCombination", (await Assert.ThrowsAsync<AmazonEC2Exception>(() => sandbox.Ec2.DescribeNetworkInterfacesAsync(new DescribeNetworkInterfacesRequest { NetworkInterfaceIds = new List<string> { "eni-0123456789abcdef0" }, MaxResults = 5 }))).ErrorCode);

        // Ids without MaxResults: the whole answer at once.
        var byId = await sandbox.Ec2.DescribeVpcsAsync(new DescribeVpcsRequest { VpcIds = new List<string> { vpc } });
        Assert.Single(byId.Vpcs);
        Assert.True(string.IsNullOrEmpty(byId.NextToken));
    }

    [Fact]
    public async Task Discovery_reads_every_page_where_a_first_page_reader_sees_a_partial_cluster()
    {
        using var sandbox = new ClusterSandbox(Paged(max: 2));
        foreach (var name in new[] { "alpha", "beta", "gamma" })
        {
            var built = await sandbox.BuildAsync(ClusterSandbox.Spec(name, agents: 2));
            Assert.True(built.Cluster.State == ClusterState.Complete, name + ": " + string.Join(", ", built.Cluster.Missing));
        }

        foreach (var name in new[] { "alpha", "beta", "gamma" })
        {
            var found = await ClusterDiscovery.FindAsync(sandbox.Ec2, name, CancellationToken.None);
            Assert.True(found!.State == ClusterState.Complete, name + ": " + string.Join(", ", found.Missing));
            Assert.Equal(2, found.Agents.Count);
            Assert.Equal(4, found.Instances.Count);
        }

        // The negative control: the first page of a tag-filtered DescribeInstances holds at most 2 of alpha's 4 hosts.
        var firstPage = await sandbox.Ec2.DescribeInstancesAsync(new DescribeInstancesRequest { Filters = Tagged("alpha") });
        Assert.True(firstPage.Reservations.SelectMany(r => r.Instances).Count() < 4);
        Assert.False(string.IsNullOrEmpty(firstPage.NextToken));

        Assert.Equal(new[] { "alpha", "beta", "gamma" }, await ClusterDiscovery.ListNamesAsync(sandbox.Ec2, null, CancellationToken.None));
        foreach (var name in new[] { "alpha", "beta", "gamma" })
        {
            await sandbox.RemoveAsync(name);
            Assert.Empty(sandbox.Tagged(name));
        }

        Assert.DoesNotContain(sandbox.Host.Ec2.GetResources(), r => !r.AwsManaged);
    }

    [Fact]
    public async Task A_repeated_token_is_a_clear_error_not_an_endless_loop()
    {
        var calls = 0;
        var failure = await Assert.ThrowsAsync<ShowcaseException>(() => Paging.AllAsync<string, char>(
            (token, ct) =>
            {
                calls++;
                return Task.FromResult("ab");
            },
            page => page,
            page => "same",
            "Describe",
            CancellationToken.None));
        Assert.Equal("AwsPagingFailed", failure.ErrorId);
        Assert.Equal(2, calls);
    }
}
