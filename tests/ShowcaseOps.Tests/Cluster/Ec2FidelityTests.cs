using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Amazon.EC2;
using Amazon.EC2.Model;
using ShowcaseOps.Core.Execution;
using ShowcaseOps.Sandbox;
using ClusterCore = ShowcaseOps.Core.Cluster;
using Xunit;

namespace ShowcaseOps.Tests.Cluster;

/// <summary>
/// Issue 11's sandbox fidelity list, each as AWS documents it: CreateRouteTable's ClientToken, the fields of a
/// terminated and of a running instance, tag filters that lag behind creates, exact (case-sensitive, anchored) tag
/// values, and the builder moving on to the next client token on IdempotentParameterMismatch.
/// </summary>
public sealed class Ec2FidelityTests : IDisposable
{
    private readonly ClusterSandbox _sandbox = new(new SandboxOptions
    {
        InstancePendingTime = TimeSpan.FromMilliseconds(30),
        InstanceShutdownTime = TimeSpan.FromMilliseconds(30),
        TagFilterDelay = TimeSpan.FromMilliseconds(800),
    });

    private IAmazonEC2 Ec2 => _sandbox.Ec2;

    public void Dispose() => _sandbox.Dispose();

    private static List<TagSpecification> Tagged(string type, string cluster) => new()
    {
        new TagSpecification { ResourceType = type, Tags = new List<Tag> { new("showcase:cluster", cluster), new("showcase:role", type) } },
    };

    private static List<Filter> ClusterFilter(string value) => new() { new("tag:showcase:cluster", new List<string> { value }) };

    [Fact]
    public async Task CreateRouteTable_honours_its_client_token_and_refuses_it_for_another_vpc()
    {
        var vpc = (await Ec2.CreateVpcAsync(new CreateVpcRequest { CidrBlock = "10.0.0.0/16" })).Vpc.VpcId;
        var other = (await Ec2.CreateVpcAsync(new CreateVpcRequest { CidrBlock = "10.1.0.0/16" })).Vpc.VpcId;

        var first = (await Ec2.CreateRouteTableAsync(new CreateRouteTableRequest { VpcId = vpc, ClientToken = "demo-public-rt-g1" })).RouteTable.RouteTableId;
        var again = (await Ec2.CreateRouteTableAsync(new CreateRouteTableRequest { VpcId = vpc, ClientToken = "demo-public-rt-g1" })).RouteTable.RouteTableId;
        Assert.Equal(first, again);
        var mismatch = await Assert.ThrowsAsync<AmazonEC2Exception>(() => Ec2.CreateRouteTableAsync(new CreateRouteTableRequest { VpcId = other, ClientToken = "demo-public-rt-g1" }));
        Assert.Equal("IdempotentParameterMismatch", mismatch.ErrorCode);

        // One table made (beside the VPC's main table), none in the other VPC.
        Assert.Equal(first, Assert.Single(await TablesAsync(vpc), t => t.Associations?.Any(a => a.Main == true) != true).RouteTableId);
        Assert.DoesNotContain(await TablesAsync(other), t => t.Associations?.Any(a => a.Main == true) != true);
    }

    [Fact]
    public async Task Instances_carry_zone_id_mac_address_private_addresses_and_a_terminated_one_its_reasons()
    {
        var vpc = (await Ec2.CreateVpcAsync(new CreateVpcRequest { CidrBlock = "10.0.0.0/16" })).Vpc.VpcId;
        var subnet = (await Ec2.CreateSubnetAsync(new CreateSubnetRequest { VpcId = vpc, CidrBlock = "10.0.12.0/24" })).Subnet;
        Assert.False(string.IsNullOrEmpty(subnet.AvailabilityZoneId));
        var group = (await Ec2.CreateSecurityGroupAsync(new CreateSecurityGroupRequest { GroupName = "g", Description = "g", VpcId = vpc })).GroupId;
        var launched = (await Ec2.RunInstancesAsync(new RunInstancesRequest
        {
            ImageId = "ami-0123456789abcdef0",
            InstanceType = InstanceType.T3Medium,
            MinCount = 1,
            MaxCount = 1,
            SubnetId = subnet.SubnetId,
            SecurityGroupIds = new List<string> { group },
            IamInstanceProfile = new IamInstanceProfileSpecification { Name = "showcase-ssm" },
        })).Reservation.Instances.Single();

        var running = await DescribeAsync(launched.InstanceId);
        Assert.Equal(subnet.AvailabilityZoneId, running.Placement.AvailabilityZoneId);
        var nic = Assert.Single(running.NetworkInterfaces);
        Assert.Matches("\\A([0-9a-f]{2}:){5}[0-9a-f]{2}\\z", nic.MacAddress);
        var primary = Assert.Single(nic.PrivateIpAddresses);
        Assert.True(primary.Primary);
        Assert.Equal(running.PrivateIpAddress, primary.PrivateIpAddress);

        await Ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = new List<string> { launched.InstanceId } });
        await Task.Delay(200);
        var terminated = await DescribeAsync(launched.InstanceId);
        Assert.Equal("terminated", terminated.State.Name.Value);
        Assert.Equal("Client.UserInitiatedShutdown", terminated.StateReason.Code);
        Assert.StartsWith("User initiated (", terminated.StateTransitionReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tag_filters_lag_behind_a_create_while_reads_by_id_and_unfiltered_reads_see_it()
    {
        var vpc = (await Ec2.CreateVpcAsync(new CreateVpcRequest { CidrBlock = "10.0.0.0/16", TagSpecifications = Tagged("vpc", "demo") })).Vpc.VpcId;

        Assert.Empty(await AllVpcsAsync(ClusterFilter("demo")));
        Assert.Single((await Ec2.DescribeVpcsAsync(new DescribeVpcsRequest { VpcIds = new List<string> { vpc } })).Vpcs);
        var all = await ClusterCore.ClusterDiscovery.OwnedVpcsAsync(Ec2, "demo", new ClusterCore.Ec2Calls(NullReporter.Instance, ClusterSandbox.FastOptions()), default);
        Assert.Equal(vpc, Assert.Single(all).VpcId);

        await Task.Delay(900);
        Assert.Single(await AllVpcsAsync(ClusterFilter("demo")));
    }

    [Fact]
    public async Task Tag_values_match_exactly_case_sensitive_and_anchored_with_aws_wildcards()
    {
        foreach (var cluster in new[] { "demo", "Demo", "demo-2", "demo\n" })
        {
            await Ec2.CreateVpcAsync(new CreateVpcRequest { CidrBlock = "10.0.0.0/16", TagSpecifications = Tagged("vpc", cluster) });
        }

        await Task.Delay(900);
        async Task<List<string>> Matching(string value)
        {
            var vpcs = await AllVpcsAsync(ClusterFilter(value));
            return vpcs.Select(v => v.Tags.Single(t => t.Key == "showcase:cluster").Value).OrderBy(v => v, StringComparer.Ordinal).ToList();
        }

        Assert.Equal(new[] { "demo" }, await Matching("demo"));
        Assert.Equal(new[] { "Demo" }, await Matching("Demo"));
        Assert.Equal(new[] { "demo", "demo\n", "demo-2" }.OrderBy(v => v, StringComparer.Ordinal), await Matching("demo*"));
        Assert.Equal(new[] { "demo\n" }, await Matching("demo?"));
    }

    [Fact]
    public async Task An_IdempotentParameterMismatch_on_RunInstances_moves_to_the_next_token_and_the_cluster_completes()
    {
        _sandbox.Host.Options.TagFilterDelay = TimeSpan.Zero;
        _sandbox.Host.Faults.Add("ec2", "RunInstances", httpStatus: 400, errorCode: "IdempotentParameterMismatch");

        var result = await _sandbox.BuildAsync(ClusterSandbox.Spec("demo", agents: 1));

        Assert.Equal(ClusterCore.ClusterState.Complete, result.Cluster.State);
        var runs = _sandbox.Host.Log.Entries.Where(e => e.Operation == "RunInstances").ToList();
        Assert.Equal(4, runs.Count);   // gateway, master, agent, and the one refused
        Assert.Equal(1, runs.Count(r => r.ErrorCode == "IdempotentParameterMismatch"));
        Assert.Equal(3, result.Cluster.Hosts.Count());
    }

    private async Task<List<Vpc>> AllVpcsAsync(List<Filter> filters)
    {
        var all = new List<Vpc>();
        string? token = null;
        do
        {
            var page = await Ec2.DescribeVpcsAsync(new DescribeVpcsRequest { Filters = filters, NextToken = token });
            all.AddRange(page.Vpcs ?? new List<Vpc>());
            token = page.NextToken;
        }
        while (!string.IsNullOrEmpty(token));
        return all;
    }

    private async Task<List<RouteTable>> TablesAsync(string vpc)
    {
        var all = new List<RouteTable>();
        string? token = null;
        do
        {
            var page = await Ec2.DescribeRouteTablesAsync(new DescribeRouteTablesRequest { Filters = new List<Filter> { new("vpc-id", new List<string> { vpc }) }, NextToken = token });
            all.AddRange(page.RouteTables ?? new List<RouteTable>());
            token = page.NextToken;
        }
        while (!string.IsNullOrEmpty(token));
        return all;
    }

    private async Task<Instance> DescribeAsync(string id) =>
        (await Ec2.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = new List<string> { id } })).Reservations.Single().Instances.Single();
}
