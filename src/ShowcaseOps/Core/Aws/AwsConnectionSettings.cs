namespace ShowcaseOps.Core.Aws;

/// <summary>
/// What a cmdlet was told about AWS (its -Region, -ProfileName, … parameters). Anything left null falls back to
/// the session defaults, then to the environment and the ~/.aws files, like the AWS CLI and AWS.Tools.
/// </summary>
public sealed class AwsConnectionSettings
{
    public string? Region { get; set; }

    public string? ProfileName { get; set; }

    public string? ProfileLocation { get; set; }

    public string? AccessKey { get; set; }

    public string? SecretKey { get; set; }

    public string? SessionToken { get; set; }

    /// <summary>An <c>Amazon.Runtime.AWSCredentials</c> instance (typed object so the SDK loads only when used).</summary>
    public object? Credentials { get; set; }

    /// <summary>Overrides the EC2 endpoint (and the SSM endpoint when no SSM-specific one is known).</summary>
    public string? EndpointUrl { get; set; }
}
