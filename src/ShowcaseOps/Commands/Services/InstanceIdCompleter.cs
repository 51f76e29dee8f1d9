using ShowcaseOps.Cmdlets;
using ShowcaseOps.Commands.Completion;

namespace ShowcaseOps.Commands.Services;

/// <summary>Completes instance ids of registrations and Marathon tasks this session has read.</summary>
public sealed class InstanceIdCompleter : CachedNameCompleter
{
    private protected override CompletionKind Kind => CompletionKind.Instance;

    private protected override string Describe(string name) => "Instance " + name;
}
