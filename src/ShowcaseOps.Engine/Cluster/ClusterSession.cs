using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.EC2;
using Amazon.SimpleSystemsManagement;
using ShowcaseOps.Core;
using ShowcaseOps.Core.Aws;
using ShowcaseOps.Core.Bootstrap;
using ShowcaseOps.Core.Cluster;
using ShowcaseOps.Core.Execution;
using ShowcaseOps.Core.Marathon;

namespace ShowcaseOps.Core.Cluster;

/// <summary>
/// The AWS clients of one cluster cmdlet invocation. Only methods that run (never the cmdlet types themselves) touch
/// it, so importing the module does not load the AWS SDK.
/// </summary>
internal sealed class ClusterSession : IDisposable
{
    private readonly AwsConnectionSettings _settings;
    private IAmazonEC2? _ec2;
    private IAmazonSimpleSystemsManagement? _ssm;

    public ClusterSession(AwsConnectionSettings settings) => _settings = settings;

    public IAmazonEC2 Ec2 => _ec2 ??= AwsClientFactory.CreateEc2(_settings);

    public IAmazonSimpleSystemsManagement Ssm => _ssm ??= AwsClientFactory.CreateSsm(_settings);

    public static ClusterEngineOptions Options => TestHooks.EffectiveClusterOptions;

    public Task<ClusterPlan> PlanAsync(ClusterSpec spec, IOperationReporter reporter, CancellationToken ct) =>
        new ClusterBuilder(Ec2, spec.ImageId is null ? Ssm : null, reporter, Options).PlanAsync(spec, ct);

    public async Task<ClusterBuildResult> ApplyAsync(ClusterPlan plan, IOperationReporter reporter, CancellationToken ct)
    {
        var result = await new ClusterBuilder(Ec2, plan.Spec.ImageId is null ? Ssm : null, reporter, Options).ApplyAsync(plan, ct).ConfigureAwait(false);
        TestHooks.LastClusterRun = result.Report;
        return result;
    }

    /// <summary>The names of the clusters tagged in the region that match a wildcard pattern.</summary>
    public Task<IReadOnlyList<string>> ListNamesAsync(string? pattern, CancellationToken ct) => ClusterDiscovery.ListNamesAsync(Ec2, pattern, ct);

    public BootstrapOrchestrator CreateBootstrapOrchestrator() => BootstrapOrchestrator.Create(Ec2, Ssm);

    public ClusterCommand CreateClusterCommand() => ClusterCommand.Create(Ssm);

    public Task<ClusterInfo?> FindAsync(string name, IOperationReporter reporter, CancellationToken ct) =>
        ClusterDiscovery.FindAsync(Ec2, name, reporter, Options, ct);

    public async Task<IReadOnlyList<ClusterInfo>> GetAsync(string? pattern, IOperationReporter reporter, CancellationToken ct)
    {
        if (pattern is not null && !ClusterDiscovery.HasWildcards(pattern))
        {
            var one = await FindAsync(pattern, reporter, ct).ConfigureAwait(false);
            if (one is null)
            {
                throw ClusterScaler.NotFound(pattern);
            }

            return new[] { one };
        }

        return await ClusterDiscovery.ListAsync(Ec2, pattern, reporter, Options, ct).ConfigureAwait(false);
    }

    public Task<ClusterScaleResult> ScaleAsync(ClusterInfo info, int agentCount, IOperationReporter reporter, CancellationToken ct) =>
        new ClusterScaler(Ec2, null, reporter, Options).ScaleAsync(info, agentCount, ct);

    public Task<ClusterInfo> FindScalableAsync(string name, IOperationReporter reporter, CancellationToken ct) =>
        new ClusterScaler(Ec2, null, reporter, Options).FindScalableAsync(name, ct);

    public Task<ClusterRemoveResult> RemoveAsync(ClusterInfo info, IOperationReporter reporter, CancellationToken ct) =>
        new ClusterTeardown(Ec2, reporter, Options).RemoveAsync(info, ct);

    public Task TerminateAsync(IReadOnlyList<string> instanceIds, string what, IOperationReporter reporter, CancellationToken ct) =>
        new ClusterTeardown(Ec2, reporter, Options).TerminateInstancesAsync(instanceIds, what, ct);

    /// <summary>
    /// The bootstrap hook of New-/Set-ShowcaseCluster: installs the platform over SSM on the cluster's hosts whose tags do
    /// not say it is done with the current scripts (New-: every host; Set-: <paramref name="onlyInstanceIds"/>, the agents
    /// it just launched). Per-host failures are reported as non-terminating errors; -SkipBootstrap skips the hook.
    /// </summary>
    public async Task<IReadOnlyList<HostRunResult>> BootstrapAddedHostsAsync(ClusterInfo cluster, IReadOnlyList<string>? onlyInstanceIds, IOperationReporter reporter, CancellationToken ct)
    {
        if (onlyInstanceIds is { Count: 0 })
        {
            return Array.Empty<HostRunResult>();
        }

        var request = new BootstrapRequest
        {
            InstanceIds = onlyInstanceIds,
            HostCompleted = r => reporter.Verbose($"Bootstrap of {r.Name} ({r.Role}, {r.InstanceId}): {r.Status}{(r.Status == HostRunStatus.Success || r.Status == HostRunStatus.Skipped ? string.Empty : $" (exit code {r.ExitCode})")}."),
        };
        return await BootstrapOrchestrator.Create(Ec2, Ssm).RunAsync(cluster, request, reporter, ct).ConfigureAwait(false);
    }

    public void Dispose()
    {
        _ec2?.Dispose();
        _ssm?.Dispose();
    }
}
