using ShowcaseOps.Cmdlets;
using System.Globalization;
using System.Management.Automation;
using ShowcaseOps.Core.Marathon;
using ShowcaseOps.Core.Services;
using ShowcaseOps.Model;

namespace ShowcaseOps.Commands.Marathon;

/// <summary>Scales a Marathon app (PATCH, which never creates an app).</summary>
[Cmdlet(VerbsCommon.Set, "MarathonApp", SupportsShouldProcess = true)]
[OutputType(typeof(MarathonDeploymentResult))]
public sealed class SetMarathonAppCommand : MarathonCmdlet
{
    /// <summary>The app (<c>web</c> or <c>/web</c>); binds from a MarathonApp's Id.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("AppId")]
    [ValidateNotNullOrEmpty]
    [ValidateMarathonAppId]
    [ArgumentCompleter(typeof(MarathonAppIdCompleter))]
    public string Id { get; set; } = string.Empty;

    /// <summary>The number of instances wanted (0 stops every task but keeps the app).</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateRange(0, 100000)]
    public int Instances { get; set; }

    /// <summary>Overrides a deployment that is running for the app (Marathon's ?force=true cancels it).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Waits until the scaling deployment has finished.</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    /// <summary>
    /// Scaling down: seconds to drain the tasks that go before they are killed (default 5). They are taken out of Vulcand
    /// and put in Consul maintenance mode, then deregistered, then exactly those tasks are killed with the scale-down
    /// (POST /v2/tasks/delete?scale=true). 0: no grace period (still out of Vulcand and Consul before the kill).
    /// </summary>
    [Parameter]
    [ValidateRange(0, 3600)]
    public int DrainSeconds { get; set; } = 5;

    /// <summary>How long -Wait waits (seconds).</summary>
    [Parameter]
    [ValidateRange(1, 86400)]
    public int TimeoutSeconds { get; set; } = 300;

    protected override void ProcessRecordCore()
    {
        var action = "Scale to " + Instances.ToString(CultureInfo.InvariantCulture) + " instance(s)" + (Force ? ", overriding running deployments" : string.Empty);
        if (!ShouldChange(DescribeApp(Id), action))
        {
            return;
        }

        var result = Run(async (reporter, ct) =>
        {
            var connection = await ConnectAsync(reporter, ct).ConfigureAwait(false);
            var client = new MarathonClient(connection.Channel) { PollInterval = Core.TestHooks.EffectiveMarathonPollInterval };
            var deployment = await MarathonScaler.ScaleAsync(client, connection.Channel, Id, Instances, Force, System.TimeSpan.FromSeconds(DrainSeconds), reporter, ct).ConfigureAwait(false);
            reporter.Verbose($"Marathon started deployment {deployment.DeploymentId} to scale {deployment.AppId}.");
            if (Wait)
            {
                await client.WaitForDeploymentsAsync(deployment.DeploymentId, System.TimeSpan.FromSeconds(TimeoutSeconds), reporter, ct).ConfigureAwait(false);
            }

            return deployment;
        });
        WriteOutput(result);
    }
}
