using ShowcaseOps.Cmdlets;
using System.Globalization;
using System.Management.Automation;
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
            var client = await ConnectMarathonAsync(reporter, ct).ConfigureAwait(false);
            var deployment = await client.ScaleAppAsync(Id, Instances, Force, reporter, ct).ConfigureAwait(false);
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
