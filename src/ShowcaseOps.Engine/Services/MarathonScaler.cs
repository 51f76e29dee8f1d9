using System;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ShowcaseOps.Core.Execution;
using ShowcaseOps.Core.Marathon;
using ShowcaseOps.Core.Platform;

namespace ShowcaseOps.Core.Services;

/// <summary>
/// Scales a Marathon app; scaling down drains first. The tasks that go are the ones Marathon would pick
/// (<c>killSelection</c> YOUNGEST_FIRST, the default): they leave Vulcand and go into Consul maintenance, the grace
/// period passes, their Consul entries are removed, and then exactly those tasks are killed with the scale-down
/// (<c>POST /v2/tasks/delete?scale=true</c>), so no request is sent to a task that is being killed.
/// </summary>
public static class MarathonScaler
{
    public static async Task<MarathonDeploymentStarted> ScaleAsync(MarathonClient marathon, IPlatformChannel platform, string appId, int instances, bool force, TimeSpan drain, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        if (marathon is null || platform is null)
        {
            throw new ArgumentNullException(marathon is null ? nameof(marathon) : nameof(platform));
        }

        reporter ??= NullReporter.Instance;
        var app = await marathon.GetAppAsync(appId, reporter, cancellationToken).ConfigureAwait(false);
        var going = app.Tasks.Count - instances;
        if (going <= 0 || instances < 0 || app.Instances != app.Tasks.Count)
        {
            // Scaling up (or a deployment still changing the task count): Marathon's own scale.
            return await marathon.ScaleAppAsync(appId, instances, force, reporter, cancellationToken).ConfigureAwait(false);
        }

        var victims = app.Tasks
            .OrderByDescending(t => t.StagedAt ?? DateTime.MaxValue)
            .ThenByDescending(t => t.Id, StringComparer.Ordinal)
            .Take(going)
            .ToArray();
        reporter.Verbose($"Scaling {app.Id} from {app.Tasks.Count.ToString(CultureInfo.InvariantCulture)} to {instances.ToString(CultureInfo.InvariantCulture)}: draining {string.Join(", ", victims.Select(v => v.Id))} first.");
        if (app.NameProblem is null)
        {
            var keys = victims.Select(v => new InstanceKey(app.Name, v.InstanceId)).ToArray();
            var outcomes = await InstanceRegistrar.UnregisterAsync(platform, keys, drain, reporter, cancellationToken).ConfigureAwait(false);
            foreach (var failed in outcomes.Where(o => o.Error is not null))
            {
                reporter.Warning($"Draining {failed.Service}/{failed.InstanceId} failed ({failed.Error!.Message}); the task is killed anyway.");
            }
        }

        return await marathon.KillTasksAndScaleAsync(app.Id, victims.Select(v => v.Id).ToArray(), force, reporter, cancellationToken).ConfigureAwait(false);
    }
}
