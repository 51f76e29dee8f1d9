using ShowcaseOps.Cmdlets;
using ShowcaseOps.Commands.Completion;

namespace ShowcaseOps.Commands.Services;

/// <summary>Completes service names this session has read (services, instances, and the names of Marathon apps).</summary>
public sealed class ServiceNameCompleter : CachedNameCompleter
{
    private protected override CompletionKind Kind => CompletionKind.Service;

    private protected override string Describe(string name) => "Service " + name;
}
