using System;

namespace ShowcaseOps.Core.Platform;

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
