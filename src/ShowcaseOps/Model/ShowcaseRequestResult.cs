using System;

namespace ShowcaseOps.Model;

/// <summary>One request Invoke-ShowcaseRequest sent through the gateway, and who answered it.</summary>
public sealed class ShowcaseRequestResult
{
    internal ShowcaseRequestResult(string cluster, Core.Services.GatewayRequestResult result)
    {
        Cluster = cluster;
        Sequence = result.Sequence;
        Service = result.Service;
        Url = result.Url.ToString();
        StatusCode = result.StatusCode;
        Instance = result.Instance;
        Location = result.Location;
        Elapsed = result.Elapsed;
        Body = result.Body;
    }

    public string Cluster { get; }

    /// <summary>1 for the first request of the command, 2 for the next…</summary>
    public int Sequence { get; }

    /// <summary>The service the request was for (<c>web</c>).</summary>
    public string Service { get; }

    /// <summary>The URL as a client names it (<c>https://web.service.consul/</c>); the connection went to the gateway's address.</summary>
    public string Url { get; }

    /// <summary>The HTTP status: 200 from a task, 308 for plain http, 404 no route, 502 nothing listens, 503 no instance registered.</summary>
    public int StatusCode { get; }

    /// <summary>The task that answered (response header X-Showcase-Instance, which the sandbox's tasks send); null when none said.</summary>
    public string? Instance { get; }

    /// <summary>The Location of a redirect (308 to https for a plain-http request).</summary>
    public string? Location { get; }

    /// <summary>From sending the request to the end of the answer.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>The response body (its first 2,000 characters).</summary>
    public string Body { get; }

    public override string ToString() => $"{StatusCode} {Instance ?? "-"} {Url}";
}
