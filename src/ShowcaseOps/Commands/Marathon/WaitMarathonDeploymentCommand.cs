using ShowcaseOps.Cmdlets;
using System;
using System.Management.Automation;
using ShowcaseOps.Model;

namespace ShowcaseOps.Commands.Marathon;

/// <summary>Waits until Marathon has finished the deployments of an app (or one deployment), then returns the app.</summary>
[Cmdlet(VerbsLifecycle.Wait, "MarathonDeployment")]
[OutputType(typeof(MarathonApp))]
public sealed class WaitMarathonDeploymentCommand : MarathonCmdlet
{
    /// <summary>The app (<c>web</c> or <c>/web</c>); binds from the AppId of Set-MarathonApp's output or a MarathonApp's Id.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("AppId")]
    [ValidateNotNullOrEmpty]
    [ValidateMarathonAppId]
    [ArgumentCompleter(typeof(MarathonAppIdCompleter))]
    public string Id { get; set; } = string.Empty;

    /// <summary>Waits for this deployment only (binds from Set-MarathonApp's output). Default: every deployment of the app.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateDeploymentId]
    public string? DeploymentId { get; set; }

    /// <summary>How long to wait (seconds) before failing with MarathonDeploymentTimeout.</summary>
    [Parameter]
    [ValidateRange(1, 86400)]
    public int TimeoutSeconds { get; set; } = 300;

    protected override void ProcessRecordCore()
    {
        var app = Run(async (reporter, ct) =>
        {
            var client = await ConnectMarathonAsync(reporter, ct).ConfigureAwait(false);
            return await WaitAndReadAsync(client, Id, DeploymentId, TimeoutSeconds, reporter, ct).ConfigureAwait(false);
        });
        WriteOutput(app);
    }
}
