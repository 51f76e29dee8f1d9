using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace ShowcaseOps.Core.Cluster;

internal sealed partial class ClusterBuilder
{
    /// <summary>What the Plan* methods share while they build one plan: the spec, what exists, the steps so far.</summary>
    private sealed class PlanState
    {
        public PlanState(ClusterSpec spec, ClusterInfo existing)
        {
            Spec = spec;
            Existing = existing;
            VpcCidr = existing.VpcCidr ?? spec.VpcCidr;
            MissingHosts = (existing.Gateway is null ? 1 : 0) + (existing.Master is null ? 1 : 0) + Enumerable.Range(1, spec.AgentCount).Count(i => existing.Agents.All(a => a.Index != i));
            InstanceCost = ClusterCost.Instance(spec.InstanceType, spec.RootVolumeSizeGiB);
        }

        public ClusterSpec Spec { get; }

        public ClusterInfo Existing { get; }

        public string Name => Spec.Name;

        public BuildContext Ctx { get; } = new();

        public List<PlanStep> Steps { get; } = new();

        public List<string> Warnings { get; } = new();

        /// <summary>The cluster's VPC CIDR: the existing VPC's, else the requested one.</summary>
        public string VpcCidr { get; }

        public int MissingHosts { get; }

        public decimal? InstanceCost { get; }

        /// <summary>Steps a host launch waits for besides its network: the image read (only for new hosts), the key pair.</summary>
        public List<string> ImageDeps { get; } = new();

        public List<string> KeyDeps { get; } = new();

        /// <summary>The zone read, when the subnets need one.</summary>
        public List<string> ZoneDeps { get; } = new();

        /// <summary>Adds a step; one that creates or completes something is noted in <see cref="BuildContext.ChangedSteps"/>.</summary>
        public void Add(string id, string role, string description, StepAction action, IReadOnlyList<string> deps, Func<CancellationToken, Task> run, decimal? cost = null)
        {
            Steps.Add(new PlanStep(id, role, description, action, deps, async ct =>
            {
                await run(ct).ConfigureAwait(false);
                if (action is StepAction.Create or StepAction.Complete)
                {
                    Ctx.ChangedSteps.Enqueue(id);
                }
            })
            { HourlyCost = cost });
        }

        public void WarnAboutIgnoredSettings()
        {
            if (Existing.VpcCidr is not null && Existing.VpcCidr != Spec.VpcCidr)
            {
                Warnings.Add($"Cluster '{Name}' already has the VPC {Existing.VpcId} with {Existing.VpcCidr}; the requested {Spec.VpcCidr} is ignored.");
            }

            if (Existing.Domain is not null && Existing.Domain != Spec.Domain)
            {
                Warnings.Add($"Cluster '{Name}' already uses the domain {Existing.Domain}; the requested {Spec.Domain} is ignored.");
            }

            foreach (var extra in Existing.Agents.Where(a => a.Index > Spec.AgentCount))
            {
                Warnings.Add($"Agent {extra.Name} ({extra.InstanceId}) is beyond -AgentCount {Spec.AgentCount}; New-ShowcaseCluster leaves it: use Set-ShowcaseCluster -AgentCount to scale down.");
            }
        }
    }
}
