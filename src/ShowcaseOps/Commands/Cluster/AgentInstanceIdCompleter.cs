using ShowcaseOps.Cmdlets;
using ShowcaseOps.Commands.Completion;

namespace ShowcaseOps.Commands.Cluster;

/// <summary>Completes the EC2 instance ids of the agents of clusters this session has read.</summary>
public sealed class AgentInstanceIdCompleter : CachedNameCompleter
{
    private protected override CompletionKind Kind => CompletionKind.AgentInstanceId;

    private protected override string Describe(string name) => "Agent " + name;
}
