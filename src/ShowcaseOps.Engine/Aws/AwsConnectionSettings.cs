namespace ShowcaseOps.Core.Aws;

/// <summary>
/// What a cmdlet was told about AWS (its -Region, -ProfileName, … parameters) and what its session holds (the
/// sandbox's defaults, AWS.Tools' $StoredAWSCredentials and $StoredAWSRegion). Anything left null falls back to the
/// environment and the ~/.aws files, in AWS.Tools' order (see <see cref="AwsCredentialResolver"/>).
/// </summary>
public sealed class AwsConnectionSettings
{
    public string? Region { get; set; }

    public string? ProfileName { get; set; }

    public string? ProfileLocation { get; set; }

    public string? AccessKey { get; set; }

    public string? SecretKey { get; set; }

    public string? SessionToken { get; set; }

    /// <summary>
    /// -Credential: an <c>AWSCredentials</c> object, ours or one from another module's AWS SDK (AWS.Tools), read by its
    /// members across the load-context boundary, never cast.
    /// </summary>
    public object? Credentials { get; set; }

    /// <summary>Overrides the EC2 endpoint (and the SSM endpoint when no SSM-specific one is known).</summary>
    public string? EndpointUrl { get; set; }

    /// <summary>The session's defaults (the sandbox's endpoints, region and dummy credentials).</summary>
    public AwsSessionDefaults Defaults { get; set; } = AwsSessionDefaults.Empty;

    /// <summary>The value of AWS.Tools' <c>$StoredAWSCredentials</c> (set by Set-AWSCredential), if any.</summary>
    public object? StoredCredentials { get; set; }

    /// <summary>The value of AWS.Tools' <c>$StoredAWSRegion</c> (set by Set-DefaultAWSRegion), if any.</summary>
    public string? StoredRegion { get; set; }
}
