using System;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using ShowcaseOps.Core;
using ShowcaseOps.Core.Aws;
using ShowcaseOps.Core.Cluster;
using Xunit;

namespace ShowcaseOps.Tests.Core;

/// <summary>An endpoint nobody listens on fails in seconds with AwsEndpointUnreachable, not after the two-minute retry budget.</summary>
public sealed class UnreachableEndpointTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_closed_port_or_an_unknown_host_fails_fast_with_a_clear_id(bool unknownHost)
    {
        var endpoint = unknownHost ? "http://ec2.nothing-here.invalid/" : $"http://127.0.0.1:{ClosedPort()}/";
        using var ec2 = AwsClientFactory.CreateEc2(new AwsConnectionSettings { EndpointUrl = endpoint, Region = "eu-west-1", AccessKey = "AKIASANDBOXSHOWCASE0", SecretKey = "x" });
        var watch = Stopwatch.StartNew();

        // The default options: the module's own two-minute budget applies to everything it counts as transient.
        var ex = await Assert.ThrowsAsync<ShowcaseException>(() => ClusterDiscovery.FindAsync(ec2, "demo", CancellationToken.None));

        watch.Stop();
        Assert.Equal("AwsEndpointUnreachable", ex.ErrorId);
        Assert.Equal(ShowcaseErrorCategory.ConnectionError, ex.Category);
        Assert.Contains(unknownHost ? "unknown host" : "connection refused", ex.Message, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"took {watch.Elapsed.TotalSeconds:0.0} s");
    }

    [Fact]
    public void A_reset_or_a_timeout_stays_transient()
    {
        Assert.NotNull(AwsErrorClassifier.TransientReason(new System.IO.IOException("connection reset")));
        Assert.Null(AwsErrorClassifier.TransientReason(new System.Net.Http.HttpRequestException("x", new SocketException((int)SocketError.ConnectionRefused))));
        Assert.Equal("connection refused", AwsErrorClassifier.UnreachableReason(new Amazon.Runtime.AmazonClientException("x", new System.Net.Http.HttpRequestException("y", new SocketException((int)SocketError.ConnectionRefused)))));
        Assert.Null(AwsErrorClassifier.UnreachableReason(new System.Net.Http.HttpRequestException("y", new SocketException((int)SocketError.TimedOut))));
    }

    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
