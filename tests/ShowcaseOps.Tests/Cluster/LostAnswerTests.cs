using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ShowcaseOps.Core;
using ShowcaseOps.Core.Cluster;
using ShowcaseOps.Core.Execution;
using Xunit;

namespace ShowcaseOps.Tests.Cluster;

/// <summary>
/// A create that the server carried out but whose answer was lost leaves no duplicate. The SDK makes no retries of its
/// own (<see cref="ShowcaseOps.Core.Aws.AwsClientFactory.MaxSdkRetries"/> = 0): the engine retries with client tokens
/// where the API has them, and where it has not, looks for the resource before sending the create again.
/// </summary>
public sealed class LostAnswerTests
{
    private const string PublicKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHb3Yx4l8ZrQ3x7bJ1a0Yp8m2KxQ2fZx0pI8q8K1aJrT t@example";

    public static IEnumerable<object[]> Creates() => new[]
    {
        "ImportKeyPair", "CreateVpc", "CreateInternetGateway", "AttachInternetGateway", "CreateSubnet", "CreateSecurityGroup",
        "AuthorizeSecurityGroupIngress", "CreateRouteTable", "CreateRoute", "AssociateRouteTable", "AllocateAddress",
        "CreateNatGateway", "RunInstances", "AssociateAddress",
    }.Select(o => new object[] { o });

    [Theory]
    [MemberData(nameof(Creates))]
    public async Task A_lost_answer_leaves_one_complete_cluster_and_no_duplicate(string operation)
    {
        using var sandbox = new ClusterSandbox();
        var spec = ClusterSandbox.Spec(agents: 2);
        spec.PublicKey = PublicKey;
        sandbox.Host.Faults.AddLostAnswer("ec2", operation);

        ClusterBuildResult? built = null;
        try
        {
            built = await sandbox.BuildAsync(spec);
        }
        catch (ShowcaseException ex)
        {
            Assert.Fail($"{operation}: {ex.ErrorId}: {ex.Message}");
        }

        Assert.Contains(sandbox.Host.Log.Entries, e => e.Operation == operation && e.ErrorCode?.StartsWith("AnswerLost", StringComparison.Ordinal) == true);
        Assert.Equal(ClusterState.Complete, built!.Cluster.State);
        AssertNoDuplicate(sandbox, operation);

        await AssertRerunChangesNothingAndTeardownIsCleanAsync(sandbox, spec);
    }

    [Fact]
    public async Task A_reused_client_token_after_termination_launches_a_new_agent()
    {
        using var sandbox = new ClusterSandbox();
        var built = await sandbox.BuildAsync(ClusterSandbox.Spec(agents: 2));
        var scaler = new ClusterScaler(sandbox.Ec2, null, NullReporter.Instance, ClusterSandbox.FastOptions());
        await scaler.ScaleAsync(built.Cluster, 1, CancellationToken.None);
        var down = await scaler.FindScalableAsync("demo", CancellationToken.None);
        var up = await scaler.ScaleAsync(down, 2, CancellationToken.None);

        Assert.Equal(2, up.Cluster.Agents.Count);
        Assert.Contains(sandbox.Host.Log.Entries, e => e.Operation == "RunInstances" && e.ErrorCode == "IdempotentInstanceTerminated");
        Assert.NotEqual(built.Cluster.Agents.Single(a => a.Index == 2).InstanceId, up.Cluster.Agents.Single(a => a.Index == 2).InstanceId);
        AssertNoDuplicate(sandbox, "scale");
    }

    [Fact]
    public void Client_tokens_are_deterministic_and_at_most_64_characters()
    {
        Assert.Equal(ClusterBuilder.Token("demo", "agent-3", "0a1b2c3d", 1), ClusterBuilder.Token("demo", "agent-3", "0a1b2c3d", 1));
        Assert.NotEqual(ClusterBuilder.Token("demo", "agent-3", "0a1b2c3d", 1), ClusterBuilder.Token("demo", "agent-3", "0a1b2c3d", 2));
        var longest = ClusterBuilder.Token(new string('a', 32), ClusterRoles.PrivateRouteTable, "0a1b2c3d", 20);
        Assert.True(longest.Length <= 64, longest);
    }

    private static void AssertNoDuplicate(ClusterSandbox sandbox, string operation)
    {
        var tagged = sandbox.Tagged("demo").Where(r => r.ResourceType != "volume").ToList();
        var groups = tagged.GroupBy(r => (r.ResourceType, Role: r.Tags[ClusterTags.Role], Index: r.Tags.TryGetValue(ClusterTags.Index, out var i) ? i : null)).ToList();
        var duplicates = groups.Where(g => g.Count() > 1).Select(g => $"{g.Key.ResourceType} {g.Key.Role}{g.Key.Index}: {string.Join(", ", g.Select(r => r.Id))}").ToList();
        Assert.True(duplicates.Count == 0, operation + ": duplicates " + string.Join("; ", duplicates));
        Assert.Single(sandbox.Host.Ec2.GetResources(), r => r.ResourceType == "vpc");

        // Creates without a ClientToken were never carried out twice (no copy made and removed afterwards).
        foreach (var (create, count) in TokenlessCreates)
        {
            var acted = sandbox.Host.Log.Entries.Count(e => e.Service == "ec2" && e.Operation == create && e.Status == 200);
            Assert.True(acted == count, $"{operation}: {create} carried out {acted} times, expected {count}");
        }
    }

    /// <summary>Creates without ClientToken and how many a cluster needs.</summary>
    private static readonly (string Create, int Count)[] TokenlessCreates = { ("CreateVpc", 1), ("CreateInternetGateway", 1), ("AllocateAddress", 2) };

    [Fact]
    public async Task Lost_answers_on_every_create_at_once_leave_exactly_one_of_each()
    {
        using var sandbox = new ClusterSandbox();
        var spec = ClusterSandbox.Spec(agents: 2);
        spec.PublicKey = PublicKey;
        foreach (var create in Creates().Select(c => (string)c[0]))
        {
            // The first two calls of each: a retried create whose answer is lost again must still not duplicate.
            sandbox.Host.Faults.AddLostAnswer("ec2", create, times: 2);
        }

        var built = await sandbox.BuildAsync(spec);

        Assert.Equal(ClusterState.Complete, built.Cluster.State);
        Assert.Single(built.Cluster.VpcIds);
        Assert.Single(sandbox.Host.Ec2.GetResources(), r => r.ResourceType == "internet-gateway" && !r.AwsManaged);
        Assert.Equal(2, sandbox.Host.Ec2.GetResources().Count(r => r.ResourceType == "elastic-ip"));
        AssertNoDuplicate(sandbox, "all");
        Assert.Equal(4, sandbox.Host.Ec2.GetInstances().Count(i => i.State is "pending" or "running"));

        await AssertRerunChangesNothingAndTeardownIsCleanAsync(sandbox, spec);
    }

    /// <summary>A re-run finds everything and changes nothing; the teardown then leaves nothing of the cluster.</summary>
    private static async Task AssertRerunChangesNothingAndTeardownIsCleanAsync(ClusterSandbox sandbox, ClusterSpec spec)
    {
        var writes = sandbox.Writes().Count;
        var rerun = await sandbox.BuildAsync(spec);
        Assert.Equal(ClusterState.Complete, rerun.Cluster.State);
        Assert.Equal(writes, sandbox.Writes().Count);

        await sandbox.RemoveAsync(spec.Name);
        Assert.Empty(sandbox.Tagged(spec.Name));
        Assert.DoesNotContain(sandbox.Host.Ec2.GetResources(), r => !r.AwsManaged);
    }
}
