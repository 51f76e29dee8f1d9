using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace ShowcaseOps.Core.Cluster;

/// <summary>
/// Plans as terraform prints them: one line per resource with its id, then one line of counts ("Plan: 3 to create,
/// 21 to keep." / "Plan: 17 to destroy."), so -WhatIf shows exactly what a run would touch.
/// </summary>
public static class ClusterPlanText
{
    // The order ClusterTeardown deletes in, so the list reads as what happens.
    private static readonly string[] TeardownOrder = { "instance", "elastic-ip", "natgateway", "internet-gateway", "route-table", "security-group", "subnet", "vpc", "key-pair" };

    /// <summary>The counts line of a create or complete plan.</summary>
    public static string Counts(IReadOnlyList<PlanStep> steps)
    {
        if (steps is null)
        {
            throw new ArgumentNullException(nameof(steps));
        }

        var create = steps.Count(s => s.Action == StepAction.Create);
        var complete = steps.Count(s => s.Action == StepAction.Complete);
        var keep = steps.Count(s => s.Action == StepAction.Exists);
        return string.Format(CultureInfo.InvariantCulture, "Plan: {0} to create, {1} to complete, {2} to keep.", create, complete, keep);
    }

    /// <summary>The resources of <paramref name="info"/> in the order a remove deletes them.</summary>
    public static IReadOnlyList<ClusterResource> RemovalOrder(ClusterInfo info)
    {
        if (info is null)
        {
            throw new ArgumentNullException(nameof(info));
        }

        return info.Resources
            .OrderBy(r => Array.IndexOf(TeardownOrder, r.ResourceType) is var i && i < 0 ? TeardownOrder.Length : i)
            .ThenBy(r => r.Role, StringComparer.Ordinal)
            .ThenBy(r => r.Id, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>What Remove-ShowcaseCluster -WhatIf prints: every tagged resource with its id, then the count.</summary>
    public static string DescribeRemoval(ClusterInfo info)
    {
        var resources = RemovalOrder(info);
        var sb = new StringBuilder();
        sb.AppendFormat(CultureInfo.InvariantCulture, "Cluster '{0}' in {1}:", info.Name, info.Region).AppendLine();
        foreach (var r in resources)
        {
            var name = r.Tags.TryGetValue("Name", out var n) ? n : string.Empty;
            sb.AppendFormat(CultureInfo.InvariantCulture, "  destroy  {0,-16} {1,-26} {2}", r.ResourceType, r.Id, name.Length > 0 ? name : r.Role).AppendLine();
        }

        sb.AppendFormat(CultureInfo.InvariantCulture, "Plan: 0 to create, {0} to destroy ({1} instances).", resources.Count, resources.Count(r => r.ResourceType == "instance"));
        return sb.ToString();
    }

    /// <summary>What Set-ShowcaseCluster -WhatIf prints: the agents it launches and those it terminates, then the counts.</summary>
    public static string DescribeScale(ClusterInfo info, int agentCount)
    {
        if (info is null)
        {
            throw new ArgumentNullException(nameof(info));
        }

        var sb = new StringBuilder();
        sb.AppendFormat(CultureInfo.InvariantCulture, "Cluster '{0}' in {1}, agents {2} → {3}:", info.Name, info.Region, info.Agents.Count, agentCount).AppendLine();
        var create = Enumerable.Range(1, agentCount).Where(i => info.Agents.All(a => a.Index != i)).ToList();
        var destroy = info.Agents.Where(a => a.Index > agentCount).ToList();
        foreach (var index in create)
        {
            sb.AppendFormat(CultureInfo.InvariantCulture, "  create   instance         {0,-26} agent {1}", "(new)", index).AppendLine();
        }

        foreach (var agent in destroy)
        {
            sb.AppendFormat(CultureInfo.InvariantCulture, "  destroy  instance         {0,-26} {1} (its tasks stop)", agent.InstanceId, agent.Name).AppendLine();
        }

        sb.AppendFormat(CultureInfo.InvariantCulture, "Plan: {0} to create, {1} to destroy, {2} to keep.", create.Count, destroy.Count, info.Agents.Count - destroy.Count);
        return sb.ToString();
    }
}
