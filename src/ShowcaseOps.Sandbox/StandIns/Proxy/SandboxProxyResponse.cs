using System.Collections.Generic;

namespace ShowcaseOps.Sandbox.StandIns;

/// <summary>What a client of Kong's proxy gets back from <see cref="KongStandIn.Proxy"/>, and the way the request went.</summary>
public sealed class SandboxProxyResponse
{
    public SandboxProxyResponse(int status, string body, IReadOnlyList<string> hops)
    {
        Status = status;
        Body = body;
        Hops = hops;
    }

    public int Status { get; }

    public string Body { get; }

    /// <summary>One line per step (route matched, upstream resolved, security groups, listener, frontend, server).</summary>
    public IReadOnlyList<string> Hops { get; }

    public override string ToString() => Status + " " + Body;
}
