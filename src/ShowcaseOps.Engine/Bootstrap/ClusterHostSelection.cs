using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using ShowcaseOps.Core.Cluster;
using ShowcaseOps.Core.Execution;
using ShowcaseOps.Core.Ssm;
using ShowcaseOps.Core.Bootstrap;
using ShowcaseOps.Core.Marathon;

namespace ShowcaseOps.Core.Bootstrap;

/// <summary>Which hosts of a cluster a command runs on (by role and/or instance id), and how SSM results become ShowcaseHostResults.</summary>
public static class ClusterHostSelection
{
    /// <summary>An EC2 instance id (8 or 17 hex digits).</summary>
    public const string InstanceIdPattern = "^i-[0-9a-f]{8}([0-9a-f]{9})?$";

    /// <summary>The host roles.</summary>
    public static IReadOnlyList<string> Roles { get; } = new[] { ClusterRoles.Gateway, ClusterRoles.Master, ClusterRoles.Agent };

    private static readonly Regex InstanceId = new(InstanceIdPattern, RegexOptions.CultureInvariant);

    /// <summary>Throws a terminating <c>ShowcaseHostRoleInvalid</c> / <c>ShowcaseHostInstanceIdInvalid</c> before any AWS call.</summary>
    public static void Validate(IReadOnlyCollection<string>? roles, IReadOnlyCollection<string>? instanceIds)
    {
        foreach (var role in roles ?? Array.Empty<string>())
        {
            if (!Roles.Contains(role, StringComparer.Ordinal))
            {
                throw new ShowcaseException("ShowcaseHostRoleInvalid", ShowcaseErrorCategory.InvalidArgument, role, $"'{role}' is not a host role: use gateway, master or agent.") { Terminating = true };
            }
        }

        foreach (var id in instanceIds ?? Array.Empty<string>())
        {
            if (id is null || !InstanceId.IsMatch(id))
            {
                throw new ShowcaseException("ShowcaseHostInstanceIdInvalid", ShowcaseErrorCategory.InvalidArgument, id, $"'{id}' is not an EC2 instance id (i- followed by 8 or 17 hex digits).") { Terminating = true };
            }
        }
    }

    /// <summary>
    /// The cluster's hosts (gateway, master, live agents) in <paramref name="roles"/> (all when empty) and, when
    /// <paramref name="instanceIds"/> is given, only those; an id that is not a host of the cluster is reported as a
    /// non-terminating <c>ShowcaseHostNotFound</c>.
    /// </summary>
    public static IReadOnlyList<ClusterHostInfo> Select(ClusterInfo cluster, IReadOnlyCollection<string>? roles, IReadOnlyCollection<string>? instanceIds, IOperationReporter reporter)
    {
        if (cluster is null)
        {
            throw new ArgumentNullException(nameof(cluster));
        }

        reporter ??= NullReporter.Instance;
        IEnumerable<ClusterHostInfo> hosts = cluster.Hosts.ToList();
        if (roles is { Count: > 0 })
        {
            hosts = hosts.Where(h => roles.Contains(h.Role, StringComparer.Ordinal));
        }

        if (instanceIds is { Count: > 0 })
        {
            var known = new HashSet<string>(cluster.Hosts.Select(h => h.InstanceId), StringComparer.Ordinal);
            foreach (var id in instanceIds.Distinct(StringComparer.Ordinal).Where(id => !known.Contains(id)))
            {
                reporter.Failure(new ShowcaseException("ShowcaseHostNotFound", ShowcaseErrorCategory.ObjectNotFound, id, $"The instance {id} is not a live host of cluster '{cluster.Name}'.")
                {
                    RecommendedAction = $"List the hosts with (Get-ShowcaseCluster {cluster.Name}).Hosts.",
                });
            }

            var wanted = new HashSet<string>(instanceIds, StringComparer.Ordinal);
            hosts = hosts.Where(h => wanted.Contains(h.InstanceId));
        }

        return hosts.ToList();
    }

    /// <summary>True when SSM can run a command on the host now or soon (running, or pending and about to run).</summary>
    public static bool IsRunnable(ClusterHostInfo host) => host.State is "running" or "pending";

    /// <summary>The result of a host that was never sent the command.</summary>
    internal static HostRunResult NotSent(string cluster, ClusterHostInfo host, string message) => new()
    {
        Cluster = cluster,
        InstanceId = host.InstanceId,
        Name = host.Name,
        Role = host.Role,
        Status = HostRunStatus.NotSent,
        Message = message,
    };

    /// <summary>Maps a runner result to the output type.</summary>
    internal static HostRunResult FromSsm(string cluster, SsmHostResult result) => new()
    {
        Cluster = cluster,
        InstanceId = result.InstanceId,
        Name = result.Name,
        Role = result.Role,
        Status = result.Status switch
        {
            SsmCommandStatus.Success => HostRunStatus.Success,
            SsmCommandStatus.TimedOut => HostRunStatus.TimedOut,
            SsmCommandStatus.Cancelled or SsmCommandStatus.Cancelling => HostRunStatus.Cancelled,
            SsmCommandStatus.NotSent => HostRunStatus.NotSent,
            _ => HostRunStatus.Failed,
        },
        ExitCode = result.ExitCode,
        Duration = result.Duration,
        StdoutTail = result.StandardOutputTail,
        StderrTail = result.StandardErrorTail,
        StandardOutput = result.StandardOutput,
        StandardError = result.StandardError,
        StandardOutputTruncated = result.StandardOutputTruncated,
        CommandId = result.CommandId,
        Message = result.Succeeded ? string.Empty : result.ToException()?.Message ?? string.Empty,
    };
}
