using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ShowcaseOps.Core;
using ShowcaseOps.Core.Cluster;
using Xunit;

namespace ShowcaseOps.Tests.Cluster;

/// <summary>
/// Every EC2 operation the create uses, failing (once with throttling, a 500 or a NotFound; or for good), leaves a state
/// that a re-run completes and that Remove- cleans to zero.
/// </summary>
public sealed class ClusterFaultInjectionTests
{
    public static readonly string[] CreateOperations =
    {
        "DescribeVpcs", "DescribeSubnets", "DescribeInternetGateways", "DescribeRouteTables", "DescribeSecurityGroups", "DescribeAddresses",
        "DescribeNatGateways", "DescribeInstances", "DescribeKeyPairs", "DescribeAvailabilityZones", "DescribeImages",
        "ImportKeyPair", "CreateVpc", "CreateInternetGateway", "AttachInternetGateway", "CreateSubnet", "CreateSecurityGroup",
        "AuthorizeSecurityGroupIngress", "CreateRouteTable", "CreateRoute", "AssociateRouteTable", "AllocateAddress",
        "CreateNatGateway", "RunInstances", "AssociateAddress",
    };

    public static IEnumerable<object[]> Cases() =>
        from operation in CreateOperations
        from fault in new[] { "RequestLimitExceeded", "InternalError", "NotFound", "UnauthorizedOperation" }
        select new object[] { operation, fault };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_failure_leaves_a_state_that_a_rerun_completes_and_remove_cleans(string operation, string fault)
    {
        using var sandbox = new ClusterSandbox();
        var spec = ClusterSandbox.Spec(agents: 2);
        spec.PublicKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHb3Yx4l8ZrQ3x7bJ1a0Yp8m2KxQ2fZx0pI8q8K1aJrT t@example";
        var code = fault == "NotFound" ? NotFoundCodeFor(operation) : fault;
        // Transient faults fail once (the SDK or the engine retries them); UnauthorizedOperation fails for good.
        sandbox.Host.Faults.Add("ec2", operation, nthCall: 1, httpStatus: fault == "InternalError" ? 500 : 0, errorCode: code, times: fault == "UnauthorizedOperation" ? 1000 : 1);

        ShowcaseException? failure = null;
        try
        {
            await sandbox.BuildAsync(spec);
        }
        catch (ShowcaseException ex)
        {
            failure = ex;
        }

        Assert.True(sandbox.Host.Log.Entries.Any(e => e.Operation == operation), operation + " was never called");
        if (operation == "DescribeImages" && fault == "NotFound")
        {
            // InvalidAMIID.NotFound is final: the image does not exist (a clear error, nothing created yet).
            Assert.Equal("ShowcaseClusterImageNotFound", failure?.ErrorId);
        }
        else if (fault != "UnauthorizedOperation")
        {
            Assert.Null(failure);
        }
        else
        {
            Assert.NotNull(failure);
        }

        sandbox.Host.Faults.Clear();
        var rerun = await sandbox.BuildAsync(spec);
        Assert.True(rerun.Cluster.State == ClusterState.Complete, "missing after re-run: " + string.Join(", ", rerun.Cluster.Missing));
        Assert.Equal(2, rerun.Cluster.Agents.Count);
        Assert.Equal(2, sandbox.Host.Ec2.GetInstances().Count(i => i.State == "running" && i.Tags.TryGetValue(ClusterTags.Role, out var r) && r == ClusterRoles.Agent));

        await sandbox.RemoveAsync("demo");
        Assert.Empty(sandbox.Tagged("demo"));
        Assert.DoesNotContain(sandbox.Host.Ec2.GetResources(), r => !r.AwsManaged);
    }

    [Fact]
    public async Task Remove_converges_when_its_own_calls_fail_once()
    {
        foreach (var operation in new[] { "TerminateInstances", "ReleaseAddress", "DeleteNatGateway", "DetachInternetGateway", "DeleteRouteTable", "DeleteSecurityGroup", "DeleteSubnet", "DeleteVpc", "DeleteKeyPair" })
        {
            using var sandbox = new ClusterSandbox();
            var spec = ClusterSandbox.Spec(agents: 1);
            spec.PublicKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHb3Yx4l8ZrQ3x7bJ1a0Yp8m2KxQ2fZx0pI8q8K1aJrT t@example";
            await sandbox.BuildAsync(spec);
            sandbox.Host.Faults.Add("ec2", operation, errorCode: "UnauthorizedOperation", httpStatus: 0, times: 1);
            await Assert.ThrowsAsync<ShowcaseException>(() => sandbox.RemoveAsync("demo"));
            await sandbox.RemoveAsync("demo");
            Assert.True(sandbox.Tagged("demo").Count == 0, operation + ": " + string.Join(", ", sandbox.Tagged("demo")));
        }
    }

    [Fact]
    public async Task A_cancelled_create_is_completed_by_a_rerun()
    {
        using var sandbox = new ClusterSandbox();
        sandbox.Host.Latency.Set("ec2", "*", TimeSpan.FromMilliseconds(20));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(150));
        var builder = new ClusterBuilder(sandbox.Ec2, null, ShowcaseOps.Core.Execution.NullReporter.Instance, ClusterSandbox.FastOptions());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => builder.BuildAsync(ClusterSandbox.Spec(), cts.Token));
        sandbox.Host.Latency.Clear();
        var rerun = await sandbox.BuildAsync(ClusterSandbox.Spec());
        Assert.Equal(ClusterState.Complete, rerun.Cluster.State);
        await sandbox.RemoveAsync("demo");
        Assert.Empty(sandbox.Tagged("demo"));
    }

    private static string NotFoundCodeFor(string operation) => operation switch
    {
        var o when o.Contains("Vpc", StringComparison.Ordinal) => "InvalidVpcID.NotFound",
        var o when o.Contains("Subnet", StringComparison.Ordinal) => "InvalidSubnetID.NotFound",
        var o when o.Contains("SecurityGroup", StringComparison.Ordinal) => "InvalidGroup.NotFound",
        var o when o.Contains("InternetGateway", StringComparison.Ordinal) => "InvalidInternetGatewayID.NotFound",
        var o when o.Contains("Route", StringComparison.Ordinal) => "InvalidRouteTableID.NotFound",
        var o when o.Contains("Address", StringComparison.Ordinal) => "InvalidAllocationID.NotFound",
        var o when o.Contains("NatGateway", StringComparison.Ordinal) => "NatGatewayNotFound",
        var o when o.Contains("Image", StringComparison.Ordinal) => "InvalidAMIID.NotFound",
        var o when o.Contains("KeyPair", StringComparison.Ordinal) => "InvalidKeyPair.NotFound",
        _ => "InvalidInstanceID.NotFound",
    };
}
