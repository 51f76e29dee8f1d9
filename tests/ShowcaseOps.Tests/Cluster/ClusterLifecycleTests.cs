using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ShowcaseOps.Core;
using ShowcaseOps.Core.Cluster;
using Xunit;

namespace ShowcaseOps.Tests.Cluster;

public sealed class ClusterLifecycleTests : IDisposable
{
    private readonly ClusterSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task Create_get_remove_leaves_zero_tagged_resources()
    {
        var result = await _sandbox.BuildAsync(ClusterSandbox.Spec());
        var cluster = result.Cluster;
        Assert.True(cluster.State == ClusterState.Complete, "missing: " + string.Join(", ", cluster.Missing));
        Assert.Equal(3, cluster.Agents.Count);
        Assert.NotNull(cluster.Gateway!.PublicIpAddress);
        Assert.StartsWith("10.0.5.", cluster.Gateway.PrivateIpAddress, StringComparison.Ordinal);
        Assert.StartsWith("10.0.12.", cluster.Master!.PrivateIpAddress, StringComparison.Ordinal);
        Assert.Equal("service.consul", cluster.Domain);
        Assert.Equal(5, result.AddedInstanceIds.Count);

        var found = await ClusterDiscovery.FindAsync(_sandbox.Ec2, "demo", CancellationToken.None);
        Assert.NotNull(found);
        Assert.Equal(cluster.VpcId, found!.VpcId);
        Assert.Equal(new[] { "demo" }, await ClusterDiscovery.ListNamesAsync(_sandbox.Ec2, "de*", CancellationToken.None));

        await _sandbox.RemoveAsync("demo");
        Assert.Empty(_sandbox.Tagged("demo"));
        Assert.Empty(_sandbox.Host.Ec2.GetResources().Where(r => !r.AwsManaged));
        Assert.Null(await ClusterDiscovery.FindAsync(_sandbox.Ec2, "demo", CancellationToken.None));
    }
}
