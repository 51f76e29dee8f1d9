using System;
using System.Collections.Generic;

namespace ShowcaseOps.Core.Platform;

/// <summary>The admin APIs of the platform. Each has a well-known port in a cluster (see <see cref="PlatformTargets"/>).</summary>
public enum PlatformTarget
{
    Consul,
    Vulcand,
    Kong,
    Marathon,
}

/// <summary>
/// One HTTP call to a platform admin API, described as data. A channel carries a batch of them (over SSM to the
/// gateway, or directly over HTTP) and answers one <see cref="PlatformResponse"/> each, in order.
/// </summary>
public sealed class PlatformRequest
{
    public PlatformRequest(PlatformTarget target, string method, string pathAndQuery, string? jsonBody = null, string? description = null)
    {
        if (string.IsNullOrEmpty(pathAndQuery) || pathAndQuery[0] != '/')
        {
            throw new ArgumentException("The path must start with '/'.", nameof(pathAndQuery));
        }

        Target = target;
        Method = method.ToUpperInvariant();
        PathAndQuery = pathAndQuery;
        JsonBody = jsonBody;
        Description = description ?? $"{Method} {target} {pathAndQuery}";
    }

    public PlatformTarget Target { get; }

    public string Method { get; }

    /// <summary>Path (with query) relative to the API's base URL, already percent-encoded where needed.</summary>
    public string PathAndQuery { get; }

    public string? JsonBody { get; }

    /// <summary>What the request does, for -Verbose and error messages (for example "Kong route web").</summary>
    public string Description { get; }

    /// <summary>Statuses that count as success besides 2xx (for example 404 on a delete: already gone).</summary>
    public IReadOnlyCollection<int> AlsoSuccessful { get; init; } = Array.Empty<int>();

    public bool IsSuccess(int status) => (status >= 200 && status < 300) || System.Linq.Enumerable.Contains(AlsoSuccessful, status);

    public override string ToString() => Description;
}

/// <summary>The answer to one <see cref="PlatformRequest"/>. Status 0 means the request could not be made at all.</summary>
public sealed class PlatformResponse
{
    public PlatformResponse(PlatformRequest request, int status, string body)
    {
        Request = request;
        Status = status;
        Body = body;
    }

    public PlatformRequest Request { get; }

    public int Status { get; }

    public string Body { get; }

    public bool Succeeded => Request.IsSuccess(Status);

    public override string ToString() => $"{Request.Description} -> {Status}";
}

/// <summary>Carries batches of platform requests. Requests run in order; a failed one does not stop the next.</summary>
public interface IPlatformChannel
{
    /// <summary>"ssm" or "http", for messages.</summary>
    string Name { get; }

    System.Threading.Tasks.Task<IReadOnlyList<PlatformResponse>> SendAsync(
        IReadOnlyList<PlatformRequest> batch,
        Execution.IOperationReporter reporter,
        System.Threading.CancellationToken cancellationToken);
}

public static class PlatformTargets
{
    /// <summary>The port each admin API listens on in a cluster (Consul agent 8500, Vulcand API 8182, Kong Admin 8001, Marathon 8080).</summary>
    public static int DefaultPort(PlatformTarget target) => target switch
    {
        PlatformTarget.Consul => 8500,
        PlatformTarget.Vulcand => 8182,
        PlatformTarget.Kong => 8001,
        PlatformTarget.Marathon => 8080,
        _ => throw new ArgumentOutOfRangeException(nameof(target)),
    };
}
