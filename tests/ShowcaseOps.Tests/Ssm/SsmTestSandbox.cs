using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Amazon.SimpleSystemsManagement;
using ShowcaseOps.Core.Aws;
using ShowcaseOps.Core.Execution;
using ShowcaseOps.Core.Platform;
using ShowcaseOps.Core.Ssm;
using ShowcaseOps.Sandbox;
using ShowcaseOps.Sandbox.StandIns;

namespace ShowcaseOps.Tests.Ssm;

/// <summary>An in-process sandbox with fast timings, an SSM client through the real AWS SDK, and helpers to add hosts.</summary>
public sealed class SsmTestSandbox : IDisposable
{
    public SsmTestSandbox(SandboxOptions? options = null)
    {
        Host = SandboxHost.Start(options ?? new SandboxOptions { CommandDuration = TimeSpan.FromMilliseconds(30), SsmOnlineDelay = TimeSpan.FromMilliseconds(100) });
        Ssm = AwsClientFactory.CreateSsm(new AwsConnectionSettings
        {
            EndpointUrl = Host.Endpoint("ssm").ToString(),
            Region = "eu-west-1",
            AccessKey = "x",
            SecretKey = "y",
        });
        Runner = SsmRunner.Create(Ssm);
    }

    public SandboxHost Host { get; }

    public IAmazonSimpleSystemsManagement Ssm { get; }

    public SsmRunner Runner { get; }

    /// <summary>Fast polling for tests.</summary>
    public static SsmRunOptions FastOptions(Action<SsmRunOptions>? configure = null)
    {
        var options = new SsmRunOptions
        {
            Comment = "test",
            PollInterval = TimeSpan.FromMilliseconds(20),
            MaxPollInterval = TimeSpan.FromMilliseconds(100),
            RetryPolicy = new RetryPolicy(TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(20)),
        };
        configure?.Invoke(options);
        return options;
    }

    /// <summary>Adds running instances that are already Online in SSM.</summary>
    public IReadOnlyList<SsmTarget> AddHosts(int count, string role = "agent", bool online = true)
    {
        var targets = new List<SsmTarget>();
        var since = online ? DateTime.UtcNow.AddMinutes(-5) : DateTime.UtcNow;
        var first = Host.Ec2.GetInstances().Count;
        for (var i = 0; i < count; i++)
        {
            var n = first + i;
            var id = "i-0" + n.ToString("x16", CultureInfo.InvariantCulture);
            var ip = $"10.0.{12 + (n / 200)}.{10 + (n % 200)}";
            Host.Ec2.AddInstance(new SandboxInstanceInfo(id, ip, "running", since.AddSeconds(-30), since, new Dictionary<string, string> { ["Name"] = $"{role}-{i}", ["showcase:role"] = role }));
            targets.Add(new SsmTarget(id, role, $"{role}-{i}"));
        }

        return targets;
    }

    /// <summary>Adds one gateway host and opens the platform channel through it (the stand-ins' usual gateway and master addresses).</summary>
    internal SsmPlatformChannel AddGatewayChannel(PlatformBodyCache? bodies = null) =>
        new(Ssm, AddHosts(1, "gateway").Single(), PlatformEndpoints.ForCluster("10.0.12.4"), bodies);

    public void Dispose()
    {
        Ssm.Dispose();
        Host.Dispose();
    }
}
