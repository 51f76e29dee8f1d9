using System;
using System.Collections.Generic;

namespace ShowcaseOps.Core.Platform;

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

