using ShowcaseOps.Cmdlets;
using System.Management.Automation;
using ShowcaseOps.Core.Marathon;

namespace ShowcaseOps.Commands.Marathon;

/// <summary>Destroys a Marathon app and its tasks.</summary>
[Cmdlet(VerbsCommon.Remove, "MarathonApp", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(void))]
public sealed class RemoveMarathonAppCommand : MarathonCmdlet
{
    /// <summary>The app (<c>web</c> or <c>/web</c>); binds from a MarathonApp's Id.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("AppId")]
    [ValidateNotNullOrEmpty]
    [ValidateMarathonAppId]
    [ArgumentCompleter(typeof(MarathonAppIdCompleter))]
    public string Id { get; set; } = string.Empty;

    /// <summary>Skips the confirmation prompt; -WhatIf, given or inherited, still only shows what would be removed.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Waits until Marathon has finished destroying the app and its tasks.</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    /// <summary>How long -Wait waits (seconds).</summary>
    [Parameter]
    [ValidateRange(1, 86400)]
    public int TimeoutSeconds { get; set; } = 300;

    protected override void ProcessRecordCore()
    {
        if (!ShouldChange(DescribeApp(Id), "Destroy the app and all its tasks", Force))
        {
            return;
        }

        Run(async (reporter, ct) =>
        {
            var client = await ConnectMarathonAsync(reporter, ct).ConfigureAwait(false);
            var deployment = await client.DeleteAppAsync(Id, reporter, ct).ConfigureAwait(false);
            reporter.Verbose($"Marathon started deployment {deployment.DeploymentId} to destroy {deployment.AppId}.");
            if (Wait)
            {
                await client.WaitForDeploymentsAsync(deployment.DeploymentId, System.TimeSpan.FromSeconds(TimeoutSeconds), reporter, ct).ConfigureAwait(false);
                reporter.Verbose($"Marathon app {MarathonClient.NormalizeAppId(Id)} is gone.");
            }
        });
        ForgetForCompletion(CompletionKind.MarathonApp, Id);
    }
}
