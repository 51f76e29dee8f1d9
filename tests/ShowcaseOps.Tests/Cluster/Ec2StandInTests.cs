using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Amazon.EC2;
using Amazon.EC2.Model;
using ShowcaseOps.Sandbox.StandIns;
using Xunit;

namespace ShowcaseOps.Tests.Cluster;

/// <summary>The EC2 stand-in as the real AWS SDK sees it: shapes, error codes, transitions, dependency rules.</summary>
public sealed class Ec2StandInTests : IDisposable
{
    private readonly ClusterSandbox _sandbox = new();

    private IAmazonEC2 Ec2 => _sandbox.Ec2;

    public void Dispose() => _sandbox.Dispose();

    private static List<TagSpecification> Tags(string type, string role) => new()
    {
        new TagSpecification { ResourceType = type, Tags = new List<Tag> { new("showcase:cluster", "t"), new("showcase:role", role), new("Name", "t-" + role) } },
    };

    private async Task<(string Vpc, string Subnet, string Group)> NetworkAsync()
    {
        var vpc = (await Ec2.CreateVpcAsync(new CreateVpcRequest { CidrBlock = "10.0.0.0/16", TagSpecifications = Tags("vpc", "vpc") })).Vpc;
        var subnet = (await Ec2.CreateSubnetAsync(new CreateSubnetRequest { VpcId = vpc.VpcId, CidrBlock = "10.0.12.0/24", TagSpecifications = Tags("subnet", "private-subnet") })).Subnet;
        var group = await Ec2.CreateSecurityGroupAsync(new CreateSecurityGroupRequest { GroupName = "t-agent-sg", Description = "t", VpcId = vpc.VpcId, TagSpecifications = Tags("security-group", "agent-sg") });
        return (vpc.VpcId, subnet.SubnetId, group.GroupId);
    }

    private async Task<Instance> RunAsync(string subnet, string group, string profile = "showcase-ssm")
    {
        var response = await Ec2.RunInstancesAsync(new RunInstancesRequest
        {
            ImageId = "ami-0123456789abcdef0",
            InstanceType = InstanceType.T3Medium,
            MinCount = 1,
            MaxCount = 1,
            SubnetId = subnet,
            SecurityGroupIds = new List<string> { group },
            IamInstanceProfile = new IamInstanceProfileSpecification { Name = profile },
            MetadataOptions = new InstanceMetadataOptionsRequest { HttpTokens = HttpTokensState.Required },
            TagSpecifications = Tags("instance", "agent"),
        });
        return response.Reservation.Instances.Single();
    }

    [Fact]
    public async Task Responses_parse_with_the_real_sdk()
    {
        var (vpcId, subnetId, groupId) = await NetworkAsync();
        var vpcs = await Ec2.DescribeVpcsAsync(new DescribeVpcsRequest { Filters = new List<Filter> { new("tag:showcase:cluster", new List<string> { "t" }) } });
        var vpc = Assert.Single(vpcs.Vpcs);
        Assert.Equal("10.0.0.0/16", vpc.CidrBlock);
        Assert.Equal("available", vpc.State.Value);
        Assert.Contains(vpc.Tags, t => t.Key == "showcase:role" && t.Value == "vpc");

        var subnet = Assert.Single((await Ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest { SubnetIds = new List<string> { subnetId } })).Subnets);
        Assert.Equal(vpcId, subnet.VpcId);
        Assert.Equal("eu-west-1a", subnet.AvailabilityZone);

        await Ec2.AuthorizeSecurityGroupIngressAsync(new AuthorizeSecurityGroupIngressRequest
        {
            GroupId = groupId,
            IpPermissions = new List<IpPermission> { new() { IpProtocol = "tcp", FromPort = 5051, ToPort = 5051, Ipv4Ranges = new List<IpRange> { new() { CidrIp = "10.0.0.0/16", Description = "agent" } } } },
        });
        var group = Assert.Single((await Ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { GroupIds = new List<string> { groupId } })).SecurityGroups);
        var permission = Assert.Single(group.IpPermissions);
        Assert.Equal(5051, permission.FromPort);
        Assert.Equal("10.0.0.0/16", Assert.Single(permission.Ipv4Ranges).CidrIp);
        Assert.Equal("-1", Assert.Single(group.IpPermissionsEgress).IpProtocol);

        var instance = await RunAsync(subnetId, groupId);
        Assert.Equal("pending", instance.State.Name.Value);
        Assert.StartsWith("10.0.12.", instance.PrivateIpAddress, StringComparison.Ordinal);
        Assert.Equal(HttpTokensState.Required, instance.MetadataOptions.HttpTokens);
        Assert.EndsWith("instance-profile/showcase-ssm", instance.IamInstanceProfile.Arn, StringComparison.Ordinal);

        var address = await Ec2.AllocateAddressAsync(new AllocateAddressRequest { Domain = DomainType.Vpc, TagSpecifications = Tags("elastic-ip", "gateway-eip") });
        Assert.StartsWith("eipalloc-", address.AllocationId, StringComparison.Ordinal);
        var listed = Assert.Single((await Ec2.DescribeAddressesAsync(new DescribeAddressesRequest { Filters = new List<Filter> { new("tag-key", new List<string> { "showcase:cluster" }) } })).Addresses);
        Assert.Equal(address.PublicIp, listed.PublicIp);

        var zones = await Ec2.DescribeAvailabilityZonesAsync(new DescribeAvailabilityZonesRequest());
        Assert.Equal(3, zones.AvailabilityZones.Count);
        var tags = new List<TagDescription>();
        await foreach (var tag in Ec2.Paginators.DescribeTags(new DescribeTagsRequest { Filters = new List<Filter> { new("key", new List<string> { "showcase:cluster" }) } }).Tags)
        {
            tags.Add(tag);
        }

        Assert.Contains(tags, t => t.ResourceId == vpcId && t.ResourceType == ResourceType.Vpc);
    }

    [Fact]
    public async Task Instances_go_pending_running_shutting_down_terminated_and_other_stand_ins_see_them()
    {
        var (_, subnetId, groupId) = await NetworkAsync();
        var instance = await RunAsync(subnetId, groupId);
        var seen = Assert.Single(_sandbox.Host.Ec2.GetInstances());
        Assert.Equal(instance.InstanceId, seen.InstanceId);
        Assert.Equal(instance.PrivateIpAddress, seen.PrivateIpAddress);
        Assert.Equal("agent", seen.Tags["showcase:role"]);

        await Task.Delay(60);
        Assert.Equal("running", _sandbox.Host.Ec2.GetInstances().Single().State);
        Assert.NotNull(_sandbox.Host.Ec2.GetInstances().Single().RunningSince);
        var running = await Ec2.DescribeInstancesAsync(new DescribeInstancesRequest { Filters = new List<Filter> { new("instance-state-name", new List<string> { "running" }) } });
        Assert.Single(running.Reservations);

        var change = Assert.Single((await Ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = new List<string> { instance.InstanceId } })).TerminatingInstances);
        Assert.Equal("running", change.PreviousState.Name.Value);
        Assert.Equal("shutting-down", change.CurrentState.Name.Value);
        await Task.Delay(60);
        Assert.Equal("terminated", _sandbox.Host.Ec2.GetInstances().Single().State);

        _sandbox.Host.Ec2.AddInstance(new SandboxInstanceInfo("i-0seam", "10.9.9.9", "running", DateTime.UtcNow, DateTime.UtcNow, new Dictionary<string, string> { ["Name"] = "x" }));
        Assert.Equal(2, _sandbox.Host.Ec2.GetInstances().Count);
    }

    [Fact]
    public async Task Wrong_teardown_order_answers_dependency_violation()
    {
        var (vpcId, subnetId, groupId) = await NetworkAsync();
        var instance = await RunAsync(subnetId, groupId);

        async Task<string> CodeOf(Func<Task> call) => (await Assert.ThrowsAnyAsync<AmazonEC2Exception>(call)).ErrorCode;
        Assert.Equal("DependencyViolation", await CodeOf(() => Ec2.DeleteVpcAsync(new DeleteVpcRequest { VpcId = vpcId })));
        Assert.Equal("DependencyViolation", await CodeOf(() => Ec2.DeleteSubnetAsync(new DeleteSubnetRequest { SubnetId = subnetId })));
        Assert.Equal("DependencyViolation", await CodeOf(() => Ec2.DeleteSecurityGroupAsync(new DeleteSecurityGroupRequest { GroupId = groupId })));

        var igw = (await Ec2.CreateInternetGatewayAsync(new CreateInternetGatewayRequest())).InternetGateway.InternetGatewayId;
        await Ec2.AttachInternetGatewayAsync(new AttachInternetGatewayRequest { InternetGatewayId = igw, VpcId = vpcId });
        Assert.Equal("Resource.AlreadyAssociated", await CodeOf(() => Ec2.AttachInternetGatewayAsync(new AttachInternetGatewayRequest { InternetGatewayId = igw, VpcId = vpcId })));
        await Task.Delay(60);
        var eip = await Ec2.AllocateAddressAsync(new AllocateAddressRequest { Domain = DomainType.Vpc });
        await Ec2.AssociateAddressAsync(new AssociateAddressRequest { AllocationId = eip.AllocationId, InstanceId = instance.InstanceId });
        Assert.Equal("DependencyViolation", await CodeOf(() => Ec2.DetachInternetGatewayAsync(new DetachInternetGatewayRequest { InternetGatewayId = igw, VpcId = vpcId })));
        Assert.Equal("InvalidIPAddress.InUse", await CodeOf(() => Ec2.ReleaseAddressAsync(new ReleaseAddressRequest { AllocationId = eip.AllocationId })));
        Assert.Equal("DependencyViolation", await CodeOf(() => Ec2.DeleteInternetGatewayAsync(new DeleteInternetGatewayRequest { InternetGatewayId = igw })));

        // In the right order everything goes.
        await Ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = new List<string> { instance.InstanceId } });
        await Task.Delay(60);
        await Ec2.ReleaseAddressAsync(new ReleaseAddressRequest { AllocationId = eip.AllocationId });
        await Ec2.DetachInternetGatewayAsync(new DetachInternetGatewayRequest { InternetGatewayId = igw, VpcId = vpcId });
        await Ec2.DeleteInternetGatewayAsync(new DeleteInternetGatewayRequest { InternetGatewayId = igw });
        await Ec2.DeleteSecurityGroupAsync(new DeleteSecurityGroupRequest { GroupId = groupId });
        await Ec2.DeleteSubnetAsync(new DeleteSubnetRequest { SubnetId = subnetId });
        await Ec2.DeleteVpcAsync(new DeleteVpcRequest { VpcId = vpcId });
        Assert.Empty(_sandbox.Host.Ec2.GetResources());
    }

    [Fact]
    public async Task Real_error_codes_for_bad_requests()
    {
        var (vpcId, subnetId, groupId) = await NetworkAsync();
        async Task<string> CodeOf(Func<Task> call) => (await Assert.ThrowsAnyAsync<AmazonEC2Exception>(call)).ErrorCode;
        Assert.Equal("InvalidVpcID.NotFound", await CodeOf(() => Ec2.DescribeVpcsAsync(new DescribeVpcsRequest { VpcIds = new List<string> { "vpc-00000000000000000" } })));
        Assert.Equal("InvalidSubnet.Range", await CodeOf(() => Ec2.CreateSubnetAsync(new CreateSubnetRequest { VpcId = vpcId, CidrBlock = "10.1.0.0/24" })));
        Assert.Equal("InvalidSubnet.Conflict", await CodeOf(() => Ec2.CreateSubnetAsync(new CreateSubnetRequest { VpcId = vpcId, CidrBlock = "10.0.12.0/25" })));
        Assert.Equal("InvalidGroup.Duplicate", await CodeOf(() => Ec2.CreateSecurityGroupAsync(new CreateSecurityGroupRequest { GroupName = "t-agent-sg", Description = "t", VpcId = vpcId })));
        Assert.Equal("InvalidParameterValue", await CodeOf(() => RunAsync(subnetId, groupId, profile: "unknown-profile")));
        Assert.Equal("InvalidAMIID.Malformed", await CodeOf(() => Ec2.RunInstancesAsync(new RunInstancesRequest { ImageId = "ubuntu", MinCount = 1, MaxCount = 1, SubnetId = subnetId })));
        Assert.Equal("InvalidInstanceID.NotFound", await CodeOf(() => Ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = new List<string> { "i-00000000000000000" } })));
        Assert.Equal("InvalidParameterValue", await CodeOf(() => Ec2.DescribeVpcsAsync(new DescribeVpcsRequest { Filters = new List<Filter> { new("no-such-filter", new List<string> { "x" }) } })));
        Assert.Equal("InvalidParameterValue", await CodeOf(() => Ec2.CreateVpcAsync(new CreateVpcRequest { CidrBlock = "10.2.0.0/16", TagSpecifications = Tags("subnet", "vpc") })));
    }

    [Fact]
    public async Task The_eventual_consistency_window_hides_young_resources_from_calls_by_id()
    {
        using var sandbox = new ClusterSandbox(new ShowcaseOps.Sandbox.SandboxOptions { EventualConsistencyWindow = TimeSpan.FromMilliseconds(300) });
        var vpc = (await sandbox.Ec2.CreateVpcAsync(new CreateVpcRequest { CidrBlock = "10.0.0.0/16", TagSpecifications = Tags("vpc", "vpc") })).Vpc.VpcId;
        var error = await Assert.ThrowsAnyAsync<AmazonEC2Exception>(() => sandbox.Ec2.CreateSubnetAsync(new CreateSubnetRequest { VpcId = vpc, CidrBlock = "10.0.1.0/24" }));
        Assert.Equal("InvalidVpcID.NotFound", error.ErrorCode);
        Assert.Equal("InvalidVpcID.NotFound", (await Assert.ThrowsAnyAsync<AmazonEC2Exception>(() => sandbox.Ec2.DescribeVpcsAsync(new DescribeVpcsRequest { VpcIds = new List<string> { vpc } }))).ErrorCode);

        // Tag-filtered listings see it at once (discovery relies on them).
        Assert.Single((await sandbox.Ec2.DescribeVpcsAsync(new DescribeVpcsRequest { Filters = new List<Filter> { new("tag:showcase:cluster", new List<string> { "t" }) } })).Vpcs);
        await Task.Delay(350);
        await sandbox.Ec2.CreateSubnetAsync(new CreateSubnetRequest { VpcId = vpc, CidrBlock = "10.0.1.0/24" });
    }

    [Fact]
    public async Task A_client_token_makes_run_instances_idempotent()
    {
        var (_, subnetId, groupId) = await NetworkAsync();
        RunInstancesRequest Request() => new()
        {
            ImageId = "ami-0123456789abcdef0", MinCount = 1, MaxCount = 1, SubnetId = subnetId, SecurityGroupIds = new List<string> { groupId }, ClientToken = "same-token",
        };
        var first = await Ec2.RunInstancesAsync(Request());
        var second = await Ec2.RunInstancesAsync(Request());
        Assert.Equal(first.Reservation.Instances[0].InstanceId, second.Reservation.Instances[0].InstanceId);
        Assert.Single(_sandbox.Host.Ec2.GetInstances());
    }

    [Fact]
    public async Task Leftover_network_interfaces_block_the_subnet_until_removed()
    {
        await _sandbox.BuildAsync(ClusterSandbox.Spec(agents: 0));
        var cluster = await ShowcaseOps.Core.Cluster.ClusterDiscovery.FindAsync(Ec2, "demo", System.Threading.CancellationToken.None);
        _sandbox.Host.Ec2.AddDetachedNetworkInterface(cluster!.PrivateSubnet!.Id);
        await _sandbox.RemoveAsync("demo");
        Assert.DoesNotContain(_sandbox.Host.Ec2.GetResources(), r => !r.AwsManaged);
        Assert.Equal(1, _sandbox.Host.Log.Count("ec2", "DeleteNetworkInterface"));
    }
}
