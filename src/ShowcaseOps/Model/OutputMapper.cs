using System.Collections;
using System.Collections.Generic;
using ShowcaseOps.Core.Bootstrap;
using ShowcaseOps.Core.Marathon;

namespace ShowcaseOps.Model;

/// <summary>
/// Turns what the engine produces into the output types users see (which PowerShell resolves by name, so they live
/// in this assembly): the one place the boundary is crossed for output.
/// </summary>
internal static class OutputMapper
{
    /// <param name="value">An engine object, a list of them, or anything else (returned as it is).</param>
    /// <param name="cluster">The cluster the command touched, stamped on outputs that carry it.</param>
    public static object? Map(object? value, string? cluster) => value switch
    {
        MarathonAppInfo app => new MarathonApp(app, cluster),
        MarathonTaskInfo task => new MarathonTask(task, cluster),
        MarathonDeploymentInfo deployment => new MarathonDeployment(deployment),
        MarathonDeploymentStarted started => new MarathonDeploymentResult(started, cluster),
        HostRunResult result => new ShowcaseHostResult(result),
        string or null => value,
        IEnumerable many when IsEngineList(value) => MapAll(many, cluster),
        _ => value,
    };

    private static bool IsEngineList(object value) =>
        value is IEnumerable<MarathonAppInfo> or IEnumerable<MarathonTaskInfo> or IEnumerable<MarathonDeploymentInfo> or IEnumerable<HostRunResult>;

    private static List<object?> MapAll(IEnumerable values, string? cluster)
    {
        var mapped = new List<object?>();
        foreach (var value in values)
        {
            mapped.Add(Map(value, cluster));
        }

        return mapped;
    }
}
