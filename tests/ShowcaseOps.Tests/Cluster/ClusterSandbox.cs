using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.EC2;
using ShowcaseOps.Core.Aws;
using ShowcaseOps.Core.Cluster;
using ShowcaseOps.Core.Execution;
using ShowcaseOps.Sandbox;
using ShowcaseOps.Sandbox.Hosting;

namespace ShowcaseOps.Tests.Cluster;

/// <summary>A sandbox with fast timings and an EC2 client pointed at it, for the cluster tests.</summary>
public sealed class ClusterSandbox : IDisposable
{
    public ClusterSandbox(SandboxOptions? options = null)
    {
        Host = SandboxHost.Start(options ?? new SandboxOptions
        {
            InstancePendingTime = TimeSpan.FromMilliseconds(30),
            InstanceShutdownTime = TimeSpan.FromMilliseconds(30),
        });
        Ec2 = AwsClientFactory.CreateEc2(Settings(Host, "ec2"));
    }

    /// <summary>The sandbox's fixed test credentials and region, pointed at one of its services (ec2, ssm).</summary>
    public static AwsConnectionSettings Settings(SandboxHost host, string service) => new()
    {
        Region = host.Options.Region,
        AccessKey = "AKIASANDBOXSHOWCASE0",
        SecretKey = "sandbox-secret",
        EndpointUrl = host.Endpoint(service).ToString(),
    };

    public SandboxHost Host { get; }

    public IAmazonEC2 Ec2 { get; }

    public static ClusterEngineOptions FastOptions(int concurrency = 16) => new()
    {
        Retry = new RetryPolicy(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(3)),
        DependencyRetry = new RetryPolicy(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5)),
        InstanceProfileRetryBudget = TimeSpan.FromMilliseconds(300),
        PollInitial = TimeSpan.FromMilliseconds(10),
        PollMax = TimeSpan.FromMilliseconds(50),
        WaitTimeout = TimeSpan.FromSeconds(20),
        MaxConcurrency = concurrency,
        LockWait = TimeSpan.FromSeconds(15),
    };

    public static ClusterSpec Spec(string name = "demo", int agents = 3) => new(name)
    {
        AgentCount = agents,
        ImageId = "ami-0123456789abcdef0",
        InstanceProfileName = "showcase-ssm",
    };

    public Task<ClusterBuildResult> BuildAsync(ClusterSpec spec, ClusterEngineOptions? options = null, IOperationReporter? reporter = null) =>
        new ClusterBuilder(Ec2, null, reporter ?? NullReporter.Instance, options ?? FastOptions()).BuildAsync(spec, CancellationToken.None);

    public Task<ClusterRemoveResult> RemoveAsync(string name, ClusterEngineOptions? options = null) =>
        new ClusterTeardown(Ec2, NullReporter.Instance, options ?? FastOptions()).RemoveAsync(name, CancellationToken.None);

    /// <summary>Live resources tagged with the cluster.</summary>
    public System.Collections.Generic.List<ShowcaseOps.Sandbox.StandIns.SandboxEc2Resource> Tagged(string name) =>
        Host.Ec2.GetResources().Where(r => r.Tags.TryGetValue(ClusterTags.Cluster, out var v) && v == name).ToList();

    public System.Collections.Generic.IReadOnlyList<RequestLogEntry> Writes() => Host.Log.Writes("ec2");

    public void Dispose()
    {
        Ec2.Dispose();
        Host.Dispose();
    }
}
