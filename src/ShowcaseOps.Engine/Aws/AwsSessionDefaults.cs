using System.Collections.Generic;

namespace ShowcaseOps.Core.Aws;

/// <summary>
/// Immutable AWS defaults of one session (set by <c>Start-ShowcaseSandbox</c>: endpoints, region, dummy credentials).
/// Explicit cmdlet parameters always win.
/// </summary>
public sealed class AwsSessionDefaults
{
    public static readonly AwsSessionDefaults Empty = new(null, null, null, new Dictionary<string, string>());

    public AwsSessionDefaults(string? region, string? accessKey, string? secretKey, IReadOnlyDictionary<string, string> serviceEndpoints)
    {
        Region = region;
        AccessKey = accessKey;
        SecretKey = secretKey;
        ServiceEndpoints = serviceEndpoints;
    }

    public string? Region { get; }

    public string? AccessKey { get; }

    public string? SecretKey { get; }

    /// <summary>Service (<c>ec2</c>, <c>ssm</c>, <c>sts</c>, <c>sso</c>, <c>oidc</c>) → endpoint URL.</summary>
    public IReadOnlyDictionary<string, string> ServiceEndpoints { get; }
}
