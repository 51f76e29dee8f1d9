using System;
using System.Linq;
using System.Management.Automation;
using ShowcaseOps.Cmdlets;
using ShowcaseOps.Core;
using ShowcaseOps.Sandbox.Hosting;

namespace ShowcaseOps.Commands.Sandbox;

/// <summary>Lists the API calls the sandbox answered: what each cmdlet really asked of EC2, SSM and the platform APIs.</summary>
[Cmdlet(VerbsCommon.Get, "ShowcaseSandboxRequest")]
[OutputType(typeof(RequestLogEntry))]
public sealed class GetShowcaseSandboxRequestCommand : ShowcaseCmdlet
{
    /// <summary>Only calls to this stand-in (ec2, ssm, consul, vulcand, kong, marathon).</summary>
    [Parameter(Position = 0)]
    [ValidateSet("ec2", "ssm", "consul", "vulcand", "kong", "marathon")]
    [ValidateNoControlCharacter]
    public string? Service { get; set; }

    /// <summary>Only calls whose operation matches this wildcard (for example RunInstances or 'PUT *').</summary>
    [Parameter]
    [SupportsWildcards]
    public string? Operation { get; set; }

    /// <summary>Only the last N calls.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int Last { get; set; }

    protected override void EndProcessingCore()
    {
        var host = RunspaceState.Sandbox as ShowcaseOps.Sandbox.SandboxHost ?? throw new ShowcaseException(
            "ShowcaseSandboxNotRunning",
            ShowcaseErrorCategory.ObjectNotFound,
            null,
            "The ShowcaseOps sandbox is not running in this session.")
        {
            RecommendedAction = "Run Start-ShowcaseSandbox.",
        };
        var pattern = Operation is null ? null : new WildcardPattern(Operation, WildcardOptions.IgnoreCase);
        var entries = host.Log.Entries
            .Where(e => (Service is null || string.Equals(e.Service, Service, StringComparison.OrdinalIgnoreCase)) && (pattern is null || pattern.IsMatch(e.Operation)))
            .ToList();
        if (Last > 0 && entries.Count > Last)
        {
            entries = entries.Skip(entries.Count - Last).ToList();
        }

        WriteObject(entries, enumerateCollection: true);
    }
}
