using System;

namespace ShowcaseOps.Core.Marathon;

/// <summary>
/// The one rule for whether a Marathon task may take traffic, used by Get-MarathonTask's output (Serving,
/// NotServingReason), the pipeline into Register-ShowcaseInstance and Sync-ShowcaseService: the task is
/// <c>TASK_RUNNING</c> (not staging, starting, killing, unreachable…), and when its app has health checks every
/// health check result is alive (a task not checked yet is not serving). See docs/marathon.md.
/// </summary>
public static class MarathonServingRule
{
    /// <summary>Null when the task is serving; otherwise why not (shown as NotServingReason).</summary>
    public static string? NotServingReason(MarathonTaskInfo task, bool appHasHealthChecks)
    {
        if (task is null)
        {
            throw new ArgumentNullException(nameof(task));
        }

        if (task.State == "TASK_KILLING")
        {
            return "killing (TASK_KILLING)";
        }

        if (!task.IsRunning)
        {
            return "not running (" + (task.State.Length == 0 ? "no state" : task.State) + ")";
        }

        if (task.Healthy == false)
        {
            return "unhealthy (a health check is failing)";
        }

        if (appHasHealthChecks && task.Healthy is null)
        {
            return "not health-checked yet";
        }

        return null;
    }

    public static bool IsServing(MarathonTaskInfo task, bool appHasHealthChecks) => NotServingReason(task, appHasHealthChecks) is null;
}
