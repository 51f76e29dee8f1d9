using System.Management.Automation;
using ShowcaseOps.Cmdlets;

namespace ShowcaseOps.Commands.Services;

/// <summary>Shared helpers of the registration cmdlets.</summary>
public abstract class RegistrationCmdlet : PlatformCmdlet
{
    /// <summary>True when -WhatIf is in effect (given, or $WhatIfPreference).</summary>
    protected bool WhatIfActive =>
        MyInvocation.BoundParameters.TryGetValue("WhatIf", out var given)
            ? given is SwitchParameter { IsPresent: true }
            : GetVariableValue("WhatIfPreference") is bool w ? w : GetVariableValue("WhatIfPreference") is SwitchParameter { IsPresent: true };

    /// <summary>ShouldProcess, except that <paramref name="force"/> skips the confirmation prompt (-WhatIf still wins).</summary>
    protected bool Confirm(bool force, string target, string action) => (force && !WhatIfActive) || ShouldProcess(target, action);
}
