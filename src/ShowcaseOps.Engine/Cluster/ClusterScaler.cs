using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.EC2;
using Amazon.SimpleSystemsManagement;
using ShowcaseOps.Core.Execution;

namespace ShowcaseOps.Core.Cluster;

/// <summary>What Set-ShowcaseCluster changed.</summary>
public sealed class ClusterScaleResult
{
    public ClusterScaleResult(ClusterInfo cluster, IReadOnlyList<string> addedInstanceIds, IReadOnlyList<string> removedInstanceIds, PlanRunReport? report)
    {
        Cluster = cluster;
        AddedInstanceIds = addedInstanceIds;
        RemovedInstanceIds = removedInstanceIds;
        Report = report;
    }

    public ClusterInfo Cluster { get; }

    /// <summary>
    /// Agents launched by this change. EXTENSION POINT for the bootstrap issue: install the platform on exactly these
    /// (see SetShowcaseClusterCommand.BootstrapAddedHosts).
    /// </summary>
    public IReadOnlyList<string> AddedInstanceIds { get; }

    /// <summary>Agents terminated by this change (highest index first).</summary>
    public IReadOnlyList<string> RemovedInstanceIds { get; }

    public PlanRunReport? Report { get; }
}

/// <summary>Scales a cluster's agents up (launching the missing indexes, like New- does) or down (terminating the highest indexes).</summary>
internal sealed class ClusterScaler
{
    private readonly IAmazonEC2 _ec2;
    private readonly IAmazonSimpleSystemsManagement? _ssm;
    private readonly IOperationReporter _reporter;
    private readonly ClusterEngineOptions _options;

    public ClusterScaler(IAmazonEC2 ec2, IAmazonSimpleSystemsManagement? ssm, IOperationReporter reporter, ClusterEngineOptions options)
    {
        _ec2 = ec2 ?? throw new ArgumentNullException(nameof(ec2));
        _ssm = ssm;
        _reporter = reporter ?? throw new ArgumentNullException(nameof(reporter));
        _options = options ?? throw new ArgumentNullException(nameof(options));
    }

    /// <summary>The cluster to scale, or an error when it does not exist or lacks what new agents need.</summary>
    public async Task<ClusterInfo> FindScalableAsync(string name, CancellationToken cancellationToken)
    {
        var info = await ClusterDiscovery.FindAsync(_ec2, name, _reporter, _options, cancellationToken).ConfigureAwait(false)
                   ?? throw NotFound(name);
        if (info.VpcId is null || info.PrivateSubnet is null || info.AgentSecurityGroup is null || !info.Hosts.Any())
        {
            throw new ShowcaseException(ShowcaseErrors.ShowcaseClusterNotScalable, name, $"Cluster '{name}' is partial (missing: {string.Join(", ", info.Missing)}); it cannot be scaled.")
            {
                Terminating = true,
                RecommendedAction = $"Complete it with New-ShowcaseCluster -Name {name} (same parameters as before), or remove it.",
            };
        }

        return info;
    }

    /// <summary>Brings the agent count to <paramref name="agentCount"/>. New agents copy the launch settings of an existing host.</summary>
    public async Task<ClusterScaleResult> ScaleAsync(ClusterInfo info, int agentCount, CancellationToken cancellationToken)
    {
        if (info is null)
        {
            throw new ArgumentNullException(nameof(info));
        }

        if (agentCount < 0 || agentCount > 100)
        {
            throw new ShowcaseException(ShowcaseErrors.ShowcaseClusterAgentCountInvalid, agentCount, $"AgentCount must be between 0 and 100, not {agentCount}.") { Terminating = true };
        }

        await using var held = await ClusterLock.AcquireAsync(_ec2, new Ec2Calls(_reporter, _options), info.Name, cancellationToken).ConfigureAwait(false);
        if (held.Waited)
        {
            info = await FindScalableAsync(info.Name, cancellationToken).ConfigureAwait(false);
        }

        var removed = new List<string>();
        var extra = info.Agents.Where(a => a.Index > agentCount).OrderByDescending(a => a.Index).ToList();
        if (extra.Count > 0)
        {
            var teardown = new ClusterTeardown(_ec2, _reporter, _options);
            await teardown.TerminateInstancesAsync(extra.Select(a => a.InstanceId).ToList(), string.Join(", ", extra.Select(a => a.Name)), cancellationToken).ConfigureAwait(false);
            removed.AddRange(extra.Select(a => a.InstanceId));
        }

        var missing = Enumerable.Range(1, agentCount).Count(i => info.Agents.All(a => a.Index != i));
        if (missing == 0)
        {
            var after = removed.Count == 0 ? info : await ClusterDiscovery.FindAsync(_ec2, info.Name, _reporter, _options, cancellationToken).ConfigureAwait(false) ?? info;
            return new ClusterScaleResult(after, Array.Empty<string>(), removed, null);
        }

        var template = info.Agents.Concat(new[] { info.Master, info.Gateway }).FirstOrDefault(h => h is not null)!;
        var spec = new ClusterSpec(info.Name)
        {
            VpcCidr = info.VpcCidr ?? "10.0.0.0/16",
            PublicSubnetCidr = info.PublicSubnet?.Cidr ?? "10.0.5.0/24",
            PrivateSubnetCidr = info.PrivateSubnet?.Cidr ?? "10.0.12.0/24",
            AgentCount = agentCount,
            InstanceType = template.InstanceType ?? "t3.medium",
            ImageId = template.ImageId,
            InstanceProfileName = template.InstanceProfileName,
            KeyName = template.KeyName,
            Domain = info.Domain ?? ClusterSpec.DefaultDomain,
            AvailabilityZone = info.AvailabilityZone,
        };
        var builder = new ClusterBuilder(_ec2, _ssm, _reporter, _options) { LockHeld = true };
        var plan = builder.Plan(spec, info);
        var result = await builder.ApplyAsync(plan, cancellationToken).ConfigureAwait(false);
        return new ClusterScaleResult(result.Cluster, result.AddedInstanceIds, removed, result.Report);
    }

    internal static ShowcaseException NotFound(string name) =>
        new(ShowcaseErrors.ShowcaseClusterNotFound, name, $"No cluster named '{name}': no resource is tagged {ClusterTags.Cluster}={name} in this region.")
        {
            RecommendedAction = "Check the name and -Region with Get-ShowcaseCluster, or create it with New-ShowcaseCluster.",
        };
}
