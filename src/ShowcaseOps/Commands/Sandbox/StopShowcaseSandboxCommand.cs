using System.Management.Automation;
using ShowcaseOps.Cmdlets;
using ShowcaseOps.Core;

namespace ShowcaseOps.Commands.Sandbox;

/// <summary>Stops the sandbox, frees its ports and points this session's cmdlets back at AWS.</summary>
[Cmdlet(VerbsLifecycle.Stop, "ShowcaseSandbox", SupportsShouldProcess = true)]
[OutputType(typeof(void))]
public sealed class StopShowcaseSandboxCommand : ShowcaseCmdlet
{
    protected override void EndProcessingCore()
    {
        var host = RunspaceState.Sandbox as ShowcaseOps.Sandbox.SandboxHost;
        if (host is null)
        {
            WriteVerbose("The sandbox is not running; nothing to stop.");
            return;
        }

        if (ShouldProcess(string.Join(", ", host.Endpoints.Values), "Stop the ShowcaseOps sandbox and forget its state"))
        {
            RunspaceState.StopSandbox();
            CompletionCache.For(SessionState).Clear();
            WriteVerbose("Sandbox stopped; ShowcaseOps cmdlets call AWS again.");
        }
    }
}
