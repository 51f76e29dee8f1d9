using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using ShowcaseOps.Cmdlets;
using ShowcaseOps.Core.Execution;
using ShowcaseOps.Core.Marathon;
using ShowcaseOps.Core.Session;
using ShowcaseOps.Model;

namespace ShowcaseOps.Commands.Marathon;

/// <summary>Base of the Marathon cmdlets: a <see cref="MarathonClient"/> over the command's platform channel.</summary>
public abstract class MarathonCmdlet : PlatformCmdlet
{
    /// <summary>A client over the channel to the current record's cluster (each cluster is connected once per command).</summary>
    internal async Task<MarathonClient> ConnectMarathonAsync(IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var connection = await ConnectAsync(reporter, cancellationToken).ConfigureAwait(false);
        reporter.Verbose($"Marathon of cluster {connection.ClusterName} through the {connection.Channel.Name} channel.");
        return new MarathonClient(connection.Channel) { PollInterval = Core.TestHooks.EffectiveMarathonPollInterval };
    }

    /// <summary>How the target of a change reads in -WhatIf and -Confirm: <c>Marathon app /web (cluster demo)</c>.</summary>
    internal string DescribeApp(string appId) =>
        $"Marathon app {MarathonClient.NormalizeAppId(appId)} (cluster {ClusterChoice.Name ?? Session.CurrentCluster ?? "(none)"})";

    /// <summary>Waits for the app's deployments (or one deployment), then reads the app again.</summary>
    internal static async Task<MarathonAppInfo> WaitAndReadAsync(MarathonClient client, string appId, string? deploymentId, int timeoutSeconds, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        await client.WaitForDeploymentsAsync(deploymentId ?? appId, TimeSpan.FromSeconds(timeoutSeconds), reporter, cancellationToken).ConfigureAwait(false);
        return await client.GetAppAsync(appId, reporter, cancellationToken).ConfigureAwait(false);
    }
}
