using System;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using ShowcaseOps.Core.Session;

namespace ShowcaseOps.Cmdlets;

/// <summary>
/// What ShowcaseOps keeps for one runspace: the engine's <see cref="ShowcaseSession"/> and the sandbox it started.
/// It lives in the runspace's global session state as <c>$ShowcaseOpsSession</c> (as AWS.Tools keeps
/// <c>$StoredAWSCredentials</c>), never in a static, so parallel runspaces are independent.
/// </summary>
public sealed class ShowcaseRunspaceState
{
    /// <summary>The session variable's name.</summary>
    public const string VariableName = "ShowcaseOpsSession";

    private ShowcaseRunspaceState()
    {
    }

    /// <summary>The engine's view of the session: AWS defaults, current cluster, channel.</summary>
    public ShowcaseSession Session { get; } = new();

    /// <summary>
    /// The sandbox this runspace started (a <c>SandboxHost</c>; null when none runs). Typed as IDisposable so that no
    /// member of this class, which every cmdlet uses, names a sandbox type: only the sandbox cmdlets load the sandbox.
    /// </summary>
    internal IDisposable? Sandbox { get; set; }

    /// <summary>True while this runspace uses a sandbox.</summary>
    public bool SandboxRunning => Sandbox is not null;

    /// <summary>The current cluster's name, if one is chosen.</summary>
    public string? CurrentCluster => Session.CurrentCluster;

    public override string ToString() => SandboxRunning ? "ShowcaseOps session (sandbox)" : "ShowcaseOps session (AWS)";

    /// <summary>The runspace's state, created on first use.</summary>
    internal static ShowcaseRunspaceState For(SessionState sessionState)
    {
        if (Unwrap(sessionState.PSVariable.GetValue(VariableName)) is ShowcaseRunspaceState existing)
        {
            return existing;
        }

        var created = new ShowcaseRunspaceState();
        // The global scope, so the state outlives the function or script that first used the module.
        sessionState.PSVariable.Set("global:" + VariableName, created);
        var runspace = Runspace.DefaultRunspace;
        if (runspace is not null)
        {
            runspace.StateChanged += (_, e) =>
            {
                if (e.RunspaceStateInfo.State is RunspaceState.Closed or RunspaceState.Broken)
                {
                    created.StopSandbox();
                }
            };
        }

        return created;
    }

    /// <summary>
    /// The state of the runspace on this thread, for argument completers (which get no cmdlet and no session state):
    /// read by a script block run in that runspace. Null when the runspace has none yet.
    /// </summary>
    internal static ShowcaseRunspaceState? Current()
    {
        if (Runspace.DefaultRunspace is null)
        {
            return null;
        }

        foreach (var value in ScriptBlock.Create("$global:" + VariableName).Invoke())
        {
            if (Unwrap(value) is ShowcaseRunspaceState state)
            {
                return state;
            }
        }

        return null;
    }

    /// <summary>Stops this runspace's sandbox (if any) and forgets the session's choices.</summary>
    internal void StopSandbox()
    {
        var host = Sandbox;
        Sandbox = null;
        host?.Dispose();
        Session.Reset();
    }

    private static object? Unwrap(object? value) => value is PSObject wrapped ? wrapped.BaseObject : value;
}
