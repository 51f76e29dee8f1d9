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
    /// <summary>How often waits poll <c>/v2/deployments</c> (tests may shorten it).</summary>
    internal static TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Opens the connection once per command and gives a client over its channel.</summary>
    internal async Task<MarathonClient> ConnectMarathonAsync(IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var connection = await ConnectAsync(reporter, cancellationToken).ConfigureAwait(false);
        OutputCluster = connection.ClusterName;
        reporter.Verbose($"Marathon of cluster {connection.ClusterName} through the {connection.Channel.Name} channel.");
        return new MarathonClient(connection.Channel) { PollInterval = PollInterval };
    }

    /// <summary>How the target of a change reads in -WhatIf and -Confirm: <c>Marathon app /web (cluster demo)</c>.</summary>
    internal string DescribeApp(string appId) =>
        $"Marathon app {MarathonClient.NormalizeAppId(appId)} (cluster {Cluster?.Name ?? Session.CurrentCluster ?? "(none)"})";

    /// <summary>Waits for the app's deployments (or one deployment), then reads the app again.</summary>
    internal static async Task<MarathonAppInfo> WaitAndReadAsync(MarathonClient client, string appId, string? deploymentId, int timeoutSeconds, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        await client.WaitForDeploymentsAsync(deploymentId ?? appId, TimeSpan.FromSeconds(timeoutSeconds), reporter, cancellationToken).ConfigureAwait(false);
        return await client.GetAppAsync(appId, reporter, cancellationToken).ConfigureAwait(false);
    }
}
