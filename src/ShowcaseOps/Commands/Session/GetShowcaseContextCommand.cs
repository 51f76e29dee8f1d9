using System.Management.Automation;
using ShowcaseOps.Cmdlets;
using ShowcaseOps.Model;

namespace ShowcaseOps.Commands.Session;

/// <summary>
/// Shows where this session's commands go: the current cluster and platform channel (and who chose them), the sandbox
/// or AWS (and the endpoint), the region, the account when the credential source names it, and the credential source.
/// Makes no AWS call. The AWS parameters (-Region, -ProfileName, -EndpointUrl…) show what a command given them would use.
/// </summary>
[Cmdlet(VerbsCommon.Get, "ShowcaseContext")]
[OutputType(typeof(ShowcaseContext))]
public sealed class GetShowcaseContextCommand : AwsCmdlet
{
    protected override void EndProcessingCore() => WriteObject(ReadContext());
}
