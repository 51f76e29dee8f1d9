using System.Management.Automation;
using ShowcaseOps.Cmdlets;
using ShowcaseOps.Core;
using ShowcaseOps.Model;

namespace ShowcaseOps.Commands.Sandbox;

/// <summary>Shows the running sandbox: its endpoints, region and request count.</summary>
[Cmdlet(VerbsCommon.Get, "ShowcaseSandbox")]
[OutputType(typeof(ShowcaseSandbox))]
public sealed class GetShowcaseSandboxCommand : ShowcaseCmdlet
{
    protected override void EndProcessingCore()
    {
        var host = RunspaceState.Sandbox as ShowcaseOps.Sandbox.SandboxHost;
        if (host is null)
        {
            throw new ShowcaseException(
                "ShowcaseSandboxNotRunning",
                ShowcaseErrorCategory.ObjectNotFound,
                null,
                "The ShowcaseOps sandbox is not running in this session.")
            {
                RecommendedAction = "Run Start-ShowcaseSandbox.",
            };
        }

        WriteObject(new ShowcaseSandbox(host));
    }
}
