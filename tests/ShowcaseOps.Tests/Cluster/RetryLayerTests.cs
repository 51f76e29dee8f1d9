using System;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Amazon.EC2.Model;
using ShowcaseOps.Core;
using ShowcaseOps.Core.Aws;
using ShowcaseOps.Core.Cluster;
using ShowcaseOps.Core.Execution;
using ShowcaseOps.Core.Ssm;
using ShowcaseOps.Tests.Ssm;
using Xunit;

namespace ShowcaseOps.Tests.Cluster;

/// <summary>
/// One retry layer: the SDK makes one attempt per engine attempt (no SDK retries, no stale-connection resends), so the
/// engine's budget is the number of requests that reach AWS, and an unreachable endpoint fails after one attempt.
/// </summary>
public sealed class RetryLayerTests
{
    private static readonly RetryPolicy ThreeAttempts = new(TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(20), TimeSpan.FromSeconds(30)) { MaxAttempts = 3 };

    [Fact]
    public void The_clients_make_no_retries_of_their_own()
    {
        var settings = new AwsConnectionSettings { EndpointUrl = "http://127.0.0.1:1/", Region = "eu-west-1", AccessKey = "AKIASANDBOXSHOWCASE0", SecretKey = "x" };
        using var ec2 = AwsClientFactory.CreateEc2(settings);
        using var ssm = AwsClientFactory.CreateSsm(settings);
        foreach (var config in new Amazon.Runtime.IClientConfig[] { ec2.Config, ssm.Config })
        {
            Assert.Equal(0, config.MaxErrorRetry);
            Assert.Equal(0, config.MaxStaleConnectionRetries);
        }
    }

    [Fact]
    public async Task A_closed_port_fails_in_seconds_after_exactly_one_attempt()
    {
        var counter = new CountingHttpClientFactory();
        AwsClientFactory.TestHttpClientFactory.Value = counter;
        using var ec2 = AwsClientFactory.CreateEc2(new AwsConnectionSettings { EndpointUrl = $"http://127.0.0.1:{ClosedPort()}/", Region = "eu-west-1", AccessKey = "AKIASANDBOXSHOWCASE0", SecretKey = "x" });
        AwsClientFactory.TestHttpClientFactory.Value = null;
        var calls = new Ec2Calls(NullReporter.Instance, ClusterEngineOptions.Default);
        var watch = Stopwatch.StartNew();

        // The default options: the two-minute budget would apply if the engine took a refusal as transient.
        var ex = await Assert.ThrowsAsync<ShowcaseException>(() => calls.Ec2Async("DescribeVpcs", string.Empty, c => ec2.DescribeVpcsAsync(new DescribeVpcsRequest(), c), CancellationToken.None));

        Assert.Equal("AwsEndpointUnreachable", ex.ErrorId);
        Assert.Contains("connection refused", ex.Message, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed.TotalSeconds:0.0} s");
        Assert.Equal(1, counter.Attempts);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_failing_ec2_call_reaches_aws_exactly_the_budgeted_number_of_times(bool lostAnswer)
    {
        using var sandbox = new ClusterSandbox();
        if (lostAnswer)
        {
            // A reset after the server answered: the SDK's stale-connection resend would add attempts here.
            sandbox.Host.Faults.AddLostAnswer("ec2", "DescribeVpcs", times: 100);
        }
        else
        {
            sandbox.Host.Faults.Add("ec2", "DescribeVpcs", httpStatus: 500, errorCode: "InternalError", times: 100);
        }

        var calls = new Ec2Calls(NullReporter.Instance, ClusterSandbox.FastOptions());

        var ex = await Assert.ThrowsAsync<ShowcaseException>(() => calls.Ec2Async("DescribeVpcs", "all", c => sandbox.Ec2.DescribeVpcsAsync(new DescribeVpcsRequest(), c), CancellationToken.None, policy: ThreeAttempts));

        Assert.Equal("Ec2RequestFailed", ex.ErrorId);
        Assert.Equal(3, sandbox.Host.Log.Entries.Count(e => e.Service == "ec2" && e.Operation == "DescribeVpcs"));
    }

    [Fact]
    public async Task Throttling_is_retried_by_the_engine_until_it_passes()
    {
        using var sandbox = new ClusterSandbox();
        sandbox.Host.Faults.Add("ec2", "DescribeVpcs", httpStatus: 400, errorCode: "RequestLimitExceeded", times: 5);
        var calls = new Ec2Calls(NullReporter.Instance, ClusterSandbox.FastOptions());

        await calls.Ec2Async("DescribeVpcs", "all", c => sandbox.Ec2.DescribeVpcsAsync(new DescribeVpcsRequest(), c), CancellationToken.None);

        Assert.Equal(6, sandbox.Host.Log.Entries.Count(e => e.Service == "ec2" && e.Operation == "DescribeVpcs"));
    }

    [Fact]
    public async Task A_failing_ssm_call_reaches_aws_exactly_the_budgeted_number_of_times()
    {
        using var sandbox = new SsmTestSandbox();
        var targets = sandbox.AddHosts(1);
        sandbox.Host.Faults.Add("ssm", "SendCommand", httpStatus: 500, errorCode: "InternalServerError", times: 100);

        var results = await sandbox.Runner.RunAsync(new SsmScript("true\n"), targets, SsmTestSandbox.FastOptions(o => o.RetryPolicy = ThreeAttempts), NullReporter.Instance, CancellationToken.None);

        Assert.False(results.Single().Succeeded);

        Assert.Equal(3, sandbox.Host.Log.Entries.Count(e => e.Service == "ssm" && e.Operation == "SendCommand"));
    }

    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>HTTP clients whose handler counts every request the SDK sends (each attempt, retries included).</summary>
    private sealed class CountingHttpClientFactory : Amazon.Runtime.HttpClientFactory
    {
        private int _attempts;

        public int Attempts => Volatile.Read(ref _attempts);

        public override HttpClient CreateHttpClient(Amazon.Runtime.IClientConfig clientConfig) =>
            new(new CountingHandler(this, new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(5) }));

        private sealed class CountingHandler : DelegatingHandler
        {
            private readonly CountingHttpClientFactory _owner;

            public CountingHandler(CountingHttpClientFactory owner, HttpMessageHandler inner)
                : base(inner) => _owner = owner;

            protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            {
                Interlocked.Increment(ref _owner._attempts);
                return base.SendAsync(request, cancellationToken);
            }
        }
    }
}
