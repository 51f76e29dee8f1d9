using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.EC2.Model;

namespace ShowcaseOps.Core.Cluster;

// The check after a build, overlapped with the end of the run: see docs/cluster.md ("the check after").
internal sealed partial class ClusterBuilder
{
    /// <summary>
    /// Runs the plan's steps; as soon as every step but the master's and the agents' is done (nothing else changes after
    /// that), the check after starts: every resource is read as <see cref="ClusterDiscovery"/> reads it, the instances
    /// by id, while the last hosts still wait to run. The master and the agents a step waited for are taken from the
    /// answer that wait read once they were running (no step changes them afterwards); the check completes when the run
    /// does. When the run fails, the check is cancelled. The lock is released once the last write is made.
    /// </summary>
    private async Task<(PlanRunReport Report, Task<ClusterInfo> Check)> RunWithCheckAsync(ClusterPlan plan, ClusterLock? held, CancellationToken cancellationToken)
    {
        var ctx = plan.Context;
        foreach (var step in plan.Steps.Where(Late))
        {
            ctx.Launched[step.Id] = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        var done = plan.Steps.ToDictionary(s => s.Id, _ => new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously), StringComparer.Ordinal);
        var steps = plan.Steps.Select(s => new PlanStep(s.Id, s.Role, s.Description, s.Action, s.DependsOn, async c =>
        {
            await s.Run(c).ConfigureAwait(false);
            done[s.Id].TrySetResult(true);
        }) { HourlyCost = s.HourlyCost }).ToList();
        static bool Late(PlanStep s) => s.Role is ClusterRoles.Master or ClusterRoles.Agent;
        var arrived = new TaskCompletionSource<IReadOnlyCollection<Instance>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var settled = plan.Steps.Where(s => !Late(s)).Select(s => done[s.Id].Task).ToList();
        var check = CheckWhenSettledAsync(plan, settled, arrived.Task, stop.Token);

        // Every write made (the last hosts launched, only waiting to run): the next run may start.
        if (held is not null)
        {
            _ = Task.WhenAll(settled.Concat(ctx.Launched.Values.Select(l => l.Task))).ContinueWith(_ => held.DisposeAsync().AsTask(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default).Unwrap()
                .ContinueWith(t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }

        try
        {
            var report = await PlanExecutor.RunAsync(steps, Options.MaxConcurrency, Reporter, $"Building cluster {plan.Spec.Name}", cancellationToken).ConfigureAwait(false);
            arrived.TrySetResult(ctx.RunningAnswers.Values.ToList());
            return (report, check);
        }
        catch
        {
            stop.Cancel();
            arrived.TrySetCanceled();
            _ = check.ContinueWith(t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            throw;
        }
        finally
        {
            _ = check.ContinueWith(_ => stop.Dispose(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        }
    }

    private async Task<ClusterInfo> CheckWhenSettledAsync(ClusterPlan plan, List<Task<bool>> settled, Task<IReadOnlyCollection<Instance>> arrived, CancellationToken cancellationToken)
    {
        await Task.WhenAll(settled).WaitAsync(cancellationToken).ConfigureAwait(false);
        var known = KnownAfter(plan) with { Arrived = arrived };
        return await ClusterDiscovery.DiscoverAsync(_ec2, plan.Spec.Name, _calls, cancellationToken, known).ConfigureAwait(false);
    }

    /// <summary>What the run found or made, to read by id.</summary>
    private static KnownIds KnownAfter(ClusterPlan plan)
    {
        var ctx = plan.Context;
        return new KnownIds(
            plan.Existing.Instances.Select(i => i.InstanceId).Concat(ctx.AddedInstanceIds).Distinct(StringComparer.Ordinal).ToList(),
            plan.Existing.RouteTables.Select(t => t.Id).Concat(new[] { ctx.PublicRouteTableId, ctx.PrivateRouteTableId }.OfType<string>()).Distinct(StringComparer.Ordinal).ToList(),
            plan.Existing.SecurityGroups.Select(g => g.Id).Concat(ctx.SecurityGroupIds.Values).Distinct(StringComparer.Ordinal).ToList())
        {
            Vpcs = plan.Existing.VpcIds.Concat(new[] { ctx.VpcId }.OfType<string>()).Distinct(StringComparer.Ordinal).ToList(),
            Subnets = plan.Existing.Subnets.Select(s => s.Id).Concat(new[] { ctx.PublicSubnetId, ctx.PrivateSubnetId }.OfType<string>()).Distinct(StringComparer.Ordinal).ToList(),
            NatGateways = plan.Existing.NatGateways.Select(n => n.Id).Concat(new[] { ctx.NatGatewayId }.OfType<string>()).Distinct(StringComparer.Ordinal).ToList(),
        };
    }
}
