using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.SimpleSystemsManagement;
using ShowcaseOps.Core.Cluster;
using ShowcaseOps.Core.Execution;
using ShowcaseOps.Core.Ssm;
using ShowcaseOps.Core.Bootstrap;
using ShowcaseOps.Core.Marathon;

namespace ShowcaseOps.Core.Bootstrap;

/// <summary>
/// Runs a user's script on hosts of a cluster (Invoke-ShowcaseCommand, the replacement for <c>ssh host 'cmd'</c>): one
/// SendCommand per 50 hosts, values in the environment (encoded, never pasted), the whole stdout paged back.
/// </summary>
public sealed class ClusterCommand
{
    private readonly IAmazonSimpleSystemsManagement _ssm;

    private ClusterCommand(IAmazonSimpleSystemsManagement ssm) => _ssm = ssm ?? throw new ArgumentNullException(nameof(ssm));

    /// <summary>How long to wait for the hosts to be Online in SSM before sending (SsmInstanceNotOnline after that).</summary>
    public TimeSpan OnlineTimeout { get; set; } = TimeSpan.FromMinutes(2);

    public TimeSpan OnlinePollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The StatusDetails the sandbox's SSM stand-in gives a script it checked but did not run.</summary>
    public const string SimulatedDetail = "Simulated";

    /// <summary>A runner on this SSM client (a factory: no SDK type in a public constructor).</summary>
    public static ClusterCommand Create(IAmazonSimpleSystemsManagement ssm) => new(ssm);

    /// <summary>
    /// Runs <paramref name="script"/> on <paramref name="hosts"/> of <paramref name="cluster"/> and returns one result per host
    /// (in the hosts' order). A failing host is a result plus a non-terminating failure on the reporter
    /// (SsmCommandFailed, SsmCommandTimedOut, …); hosts that are not running are not sent the command.
    /// </summary>
    public async Task<IReadOnlyList<HostRunResult>> RunAsync(
        string cluster,
        IReadOnlyList<ClusterHostInfo> hosts,
        SsmScript script,
        SsmRunOptions options,
        IOperationReporter reporter,
        CancellationToken cancellationToken)
    {
        if (hosts is null)
        {
            throw new ArgumentNullException(nameof(hosts));
        }

        reporter ??= NullReporter.Instance;
        var results = new Dictionary<string, HostRunResult>(StringComparer.Ordinal);
        var runnable = new List<ClusterHostInfo>();
        foreach (var host in hosts)
        {
            if (ClusterHostSelection.IsRunnable(host))
            {
                runnable.Add(host);
                continue;
            }

            var skipped = ClusterHostSelection.NotSent(cluster, host, $"{host.Name} ({host.InstanceId}) is {host.State}.");
            results[host.InstanceId] = skipped;
            reporter.Failure(new ShowcaseException(ShowcaseErrors.SsmCommandNotSent, host.InstanceId, $"The command was not sent to {host.Name} ({host.Role}, {host.InstanceId}): the instance is {host.State}."));
        }

        if (runnable.Count > 0)
        {
            // Hosts just launched need a moment before SSM accepts commands for them (one call when they are ready).
            await SsmReadiness.WaitOnlineAsync(_ssm, runnable.Select(h => h.InstanceId).ToList(), OnlineTimeout, reporter, cancellationToken, OnlinePollInterval).ConfigureAwait(false);
            var targets = runnable.Select(h => new SsmTarget(h.InstanceId, h.Role, h.Name)).ToList();
            var ssmResults = await SsmRunner.Create(_ssm).RunAsync(script, targets, options, reporter, cancellationToken).ConfigureAwait(false);
            foreach (var ssm in ssmResults)
            {
                var result = ClusterHostSelection.FromSsm(cluster, ssm);
                if (ssm.Status == SsmCommandStatus.Success && ssm.StatusDetails == SimulatedDetail)
                {
                    result.Status = HostRunStatus.Simulated;
                    result.Message = "The sandbox did not run the script: it checked its syntax (sh -n) and answered exit code 0. Script the answer with (Get-ShowcaseSandbox).Host.Ssm.Behaviors to test what a host prints.";
                }

                results[ssm.InstanceId] = result;
                if (ssm.ToException() is { } failure)
                {
                    reporter.Failure(failure);
                }
            }
        }

        return hosts.Select(h => results[h.InstanceId]).ToList();
    }
}
