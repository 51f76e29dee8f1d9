using System.Collections.Generic;

namespace ShowcaseOps.Sandbox.StandIns;

/// <summary>What a client of Kong's proxy gets back from <see cref="KongStandIn.Proxy"/>, and the way the request went.</summary>
public sealed class SandboxProxyResponse
{
    public SandboxProxyResponse(int status, string body, IReadOnlyList<string> hops, IReadOnlyDictionary<string, string>? headers = null, string contentType = "application/json; charset=utf-8")
    {
        Status = status;
        Body = body;
        Hops = hops;
        Headers = headers ?? new Dictionary<string, string>();
        ContentType = contentType;
    }

    public int Status { get; }

    public string Body { get; }

    public string ContentType { get; }

    /// <summary>Response headers worth passing on: <c>Location</c> of a redirect, <c>X-Showcase-Instance</c> of the task that answered.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>The task that answered (header <c>X-Showcase-Instance</c>), or null when none did.</summary>
    public string? Instance => Headers.TryGetValue(DataPlane.TaskNetworkStandIn.InstanceHeader, out var id) ? id : null;

    /// <summary>One line per step (route matched, upstream resolved, security groups, listener, frontend, server).</summary>
    public IReadOnlyList<string> Hops { get; }

    public override string ToString() => Status + " " + Body;
}
