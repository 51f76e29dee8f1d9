using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ShowcaseOps.Core;
using ShowcaseOps.Core.Cluster;
using ShowcaseOps.Core.Execution;
using ShowcaseOps.Sandbox.StandIns;
using Xunit;

namespace ShowcaseOps.Tests.Cluster;

/// <summary>Remove- does not trust NotFound, handles partial batches and proves at the end that nothing is left.</summary>
public sealed class ClusterTeardownTests
{
    private const string PublicKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHb3Yx4l8ZrQ3x7bJ1a0Yp8m2KxQ2fZx0pI8q8K1aJrT t@example";

    public static IEnumerable<object[]> DeleteOperations() => new[]
    {
        ("TerminateInstances", "InvalidInstanceID.NotFound"),
        ("DisassociateAddress", "InvalidAssociationID.NotFound"),
        ("ReleaseAddress", "InvalidAllocationID.NotFound"),
        ("DeleteNatGateway", "NatGatewayNotFound"),
        ("DetachInternetGateway", "Gateway.NotAttached"),
        ("DeleteInternetGateway", "InvalidInternetGatewayID.NotFound"),
        ("DisassociateRouteTable", "InvalidAssociationID.NotFound"),
        ("DeleteRouteTable", "InvalidRouteTableID.NotFound"),
        ("DeleteSecurityGroup", "InvalidGroup.NotFound"),
        ("DeleteSubnet", "InvalidSubnetID.NotFound"),
        ("DeleteVpc", "InvalidVpcID.NotFound"),
        ("DeleteKeyPair", "InvalidKeyPair.NotFound"),
        ("DeleteNetworkInterface", "InvalidNetworkInterfaceID.NotFound"),
    }.Select(x => new object[] { x.Item1, x.Item2 });

    [Theory]
    [MemberData(nameof(DeleteOperations))]
    public async Task A_NotFound_that_is_not_true_does_not_leave_the_resource_behind(string operation, string code)
    {
        using var sandbox = new ClusterSandbox();
        var spec = ClusterSandbox.Spec(agents: 1);
        spec.PublicKey = PublicKey;
        var built = await sandbox.BuildAsync(spec);
        if (operation == "DeleteNetworkInterface")
        {
            sandbox.Host.Ec2.AddDetachedNetworkInterface(built.Cluster.PrivateSubnet!.Id);
        }

        // Every call of the operation answers NotFound twice while the resource is still there.
        sandbox.Host.Faults.Add("ec2", operation, httpStatus: 400, errorCode: code, times: 2);
        await sandbox.RemoveAsync("demo");

        Assert.True(sandbox.Host.Log.Entries.Any(e => e.Operation == operation && e.ErrorCode == code), operation + " never answered " + code);
        Assert.True(sandbox.Tagged("demo").Count == 0, operation + " left: " + string.Join(", ", sandbox.Tagged("demo")));
        Assert.DoesNotContain(sandbox.Host.Ec2.GetResources(), r => !r.AwsManaged);
    }

    [Fact]
    public async Task A_NotFound_that_Describe_keeps_contradicting_is_a_clear_error()
    {
        using var sandbox = new ClusterSandbox();
        await sandbox.BuildAsync(ClusterSandbox.Spec(agents: 0));
        sandbox.Host.Faults.Add("ec2", "DeleteVpc", httpStatus: 400, errorCode: "InvalidVpcID.NotFound", times: 10_000);
        var failure = await Assert.ThrowsAsync<ShowcaseException>(() => sandbox.RemoveAsync("demo"));
        Assert.Equal("ShowcaseClusterDeleteUnconfirmed", failure.ErrorId);

        sandbox.Host.Faults.Clear();
        await sandbox.RemoveAsync("demo");
        Assert.Empty(sandbox.Tagged("demo"));
    }

    [Fact]
    public async Task One_unknown_id_in_a_terminate_batch_does_not_spare_the_others_nor_wait_for_the_timeout()
    {
        using var sandbox = new ClusterSandbox();
        var built = await sandbox.BuildAsync(ClusterSandbox.Spec(agents: 3));
        var agents = built.Cluster.Agents.Select(a => a.InstanceId).ToList();

        // A short wait timeout: waiting for an instance nobody terminated would fail with ShowcaseClusterTimeout.
        var options = ClusterSandbox.FastOptions();
        options = new ClusterEngineOptions { Retry = options.Retry, DependencyRetry = options.DependencyRetry, PollInitial = options.PollInitial, PollMax = options.PollMax, WaitTimeout = TimeSpan.FromSeconds(3) };
        var teardown = new ClusterTeardown(sandbox.Ec2, NullReporter.Instance, options);
        await teardown.TerminateInstancesAsync(agents.Append("i-0deadbeefdeadbeef").ToList(), "agents", CancellationToken.None);

        var states = sandbox.Host.Ec2.GetInstances().Where(i => agents.Contains(i.InstanceId)).Select(i => i.State).ToList();
        Assert.Equal(3, states.Count);
        Assert.All(states, s => Assert.Equal("terminated", s));
        Assert.Contains(sandbox.Host.Log.Entries, e => e.Operation == "TerminateInstances" && e.ErrorCode == "InvalidInstanceID.NotFound");
    }

    [Fact]
    public async Task A_deleted_NAT_gateway_answering_NatGatewayNotFound_counts_as_deleted()
    {
        using var sandbox = new ClusterSandbox();
        await sandbox.BuildAsync(ClusterSandbox.Spec(agents: 0));

        // AWS forgets a deleted NAT gateway after a while; its waiter takes NatGatewayNotFound as success. Call 1 is
        // discovery, call 2 the first poll of the wait.
        sandbox.Host.Faults.Add("ec2", "DescribeNatGateways", nthCall: 2, httpStatus: 400, errorCode: "NatGatewayNotFound", times: 1);
        await sandbox.RemoveAsync("demo");
        Assert.Empty(sandbox.Tagged("demo"));
    }

    [Fact]
    public async Task New_errors_when_the_cluster_it_would_output_is_not_complete()
    {
        using var sandbox = new ClusterSandbox();
        await sandbox.BuildAsync(ClusterSandbox.Spec(agents: 1));
        var agent = sandbox.Host.Ec2.GetInstances().Single(i => i.Tags[ClusterTags.Role] == ClusterRoles.Agent);
        var tags = new Dictionary<string, string>(agent.Tags.ToDictionary(t => t.Key, t => t.Value)) { [ClusterTags.Index] = "2", [ClusterTags.Name] = "demo-agent-2" };

        // A stopped agent-2 (New- does not start stopped hosts): the cluster cannot be Complete.
        sandbox.Host.Ec2.AddInstance(new SandboxInstanceInfo("i-0aaaabbbbccccdddd", "10.0.12.99", "stopped", DateTime.UtcNow, null, tags));
        var failure = await Assert.ThrowsAsync<ShowcaseException>(() => sandbox.BuildAsync(ClusterSandbox.Spec(agents: 2)));
        Assert.Equal("ShowcaseClusterNotComplete", failure.ErrorId);
        Assert.Contains("demo-agent-2 (stopped)", failure.Message, StringComparison.Ordinal);
    }
}
