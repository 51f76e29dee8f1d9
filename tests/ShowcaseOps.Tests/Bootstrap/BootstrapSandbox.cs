using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Amazon.EC2;
using Amazon.SimpleSystemsManagement;
using ShowcaseOps.Core;
using ShowcaseOps.Core.Aws;
using ShowcaseOps.Core.Bootstrap;
using ShowcaseOps.Core.Cluster;
using ShowcaseOps.Core.Execution;
using ShowcaseOps.Sandbox;
using ShowcaseOps.Tests.Cluster;

namespace ShowcaseOps.Tests.Bootstrap;

/// <summary>A sandbox with a cluster built by the real engine, EC2 + SSM clients, and the module's own bootstrap scripts.</summary>
public sealed class BootstrapSandbox : IDisposable
{
    public BootstrapSandbox()
    {
        Host = SandboxHost.Start(new SandboxOptions
        {
            InstancePendingTime = TimeSpan.FromMilliseconds(30),
            InstanceShutdownTime = TimeSpan.FromMilliseconds(30),
            SsmOnlineDelay = TimeSpan.FromMilliseconds(50),
            CommandDuration = TimeSpan.FromMilliseconds(30),
        });
        Ec2 = AwsClientFactory.CreateEc2(ClusterSandbox.Settings(Host, "ec2"));
        Ssm = AwsClientFactory.CreateSsm(ClusterSandbox.Settings(Host, "ssm"));
        Scripts = BootstrapScripts.Load(ScriptsDirectory);
    }

    public SandboxHost Host { get; }

    public IAmazonEC2 Ec2 { get; }

    public IAmazonSimpleSystemsManagement Ssm { get; }

    public BootstrapScripts Scripts { get; }

    /// <summary>module/bootstrap of this repository.</summary>
    public static string ScriptsDirectory
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "module", "bootstrap");
                if (File.Exists(Path.Combine(candidate, "common.sh")))
                {
                    return candidate;
                }
            }

            throw new InvalidOperationException("module/bootstrap not found above " + AppContext.BaseDirectory);
        }
    }

    public static BootstrapOptions FastOptions => new()
    {
        OnlinePollInterval = TimeSpan.FromMilliseconds(30),
        PollInterval = TimeSpan.FromMilliseconds(20),
        MaxPollInterval = TimeSpan.FromMilliseconds(100),
        RetryPolicy = new RetryPolicy(TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(20)),
    };

    public BootstrapOrchestrator Orchestrator() => BootstrapOrchestrator.Create(Ec2, Ssm, FastOptions, Scripts);

    public async Task<ClusterInfo> BuildAsync(string name = "demo", int agents = 3)
    {
        await new ClusterBuilder(Ec2, null, NullReporter.Instance, ClusterSandbox.FastOptions()).BuildAsync(ClusterSandbox.Spec(name, agents), CancellationToken.None);
        return await DiscoverAsync(name);
    }

    public async Task<ClusterInfo> DiscoverAsync(string name = "demo") =>
        (await ClusterDiscovery.FindAsync(Ec2, name, CancellationToken.None))!;

    /// <summary>The variables a ShowcaseOps-encoded script sets (decoded from its here-documents).</summary>
    public static Dictionary<string, string> Environment(string decodedScript)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match m in Regex.Matches(decodedScript, @"(?m)^([A-Z_][A-Z0-9_]*)=\$\(base64 -d <<'SHOWCASEOPS_B64'\n([A-Za-z0-9+/=\n]*?)\nSHOWCASEOPS_B64"))
        {
            var value = Encoding.UTF8.GetString(Convert.FromBase64String(m.Groups[2].Value.Replace("\n", string.Empty, StringComparison.Ordinal)));
            result[m.Groups[1].Value] = value.EndsWith('x') ? value[..^1] : value;
        }

        return result;
    }

    public void Dispose()
    {
        Ec2.Dispose();
        Ssm.Dispose();
        Host.Dispose();
    }
}

/// <summary>Collects what core work reports.</summary>
public sealed class RecordingReporter : IOperationReporter
{
    private readonly object _gate = new();

    public List<ShowcaseException> Failures { get; } = new();

    public List<ProgressUpdate> Progress { get; } = new();

    public List<string> Verbose { get; } = new();

    public List<string> Warnings { get; } = new();

    void IOperationReporter.Verbose(string message)
    {
        lock (_gate)
        {
            Verbose.Add(message);
        }
    }

    void IOperationReporter.Warning(string message)
    {
        lock (_gate)
        {
            Warnings.Add(message);
        }
    }

    void IOperationReporter.Progress(ProgressUpdate update)
    {
        lock (_gate)
        {
            Progress.Add(update);
        }
    }

    void IOperationReporter.Output(object value)
    {
    }

    void IOperationReporter.Failure(ShowcaseException failure)
    {
        lock (_gate)
        {
            Failures.Add(failure);
        }
    }
}
