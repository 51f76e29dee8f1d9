using System;
using System.Threading.Tasks;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;

namespace ShowcaseOps.Core.Aws;

/// <summary>
/// A <c>role_arn</c> profile's credentials: AssumeRole with the source credentials, refreshed before they expire.
/// The STS client is ours (from this module's load context) and goes to the STS endpoint the session names, so an
/// AWS.Tools copy of AWSSDK.SecurityToken is never picked up by name.
/// </summary>
internal sealed class AssumeRoleCredentials : RefreshingAWSCredentials
{
    private readonly AWSCredentials _source;
    private readonly string _roleArn;
    private readonly string _sessionName;
    private readonly string? _externalId;
    private readonly Func<AmazonSecurityTokenServiceConfig> _config;

    public AssumeRoleCredentials(AWSCredentials source, string roleArn, string? sessionName, string? externalId, Func<AmazonSecurityTokenServiceConfig> config)
    {
        _source = source;
        _roleArn = roleArn;
        _sessionName = string.IsNullOrEmpty(sessionName) ? "showcaseops-" + DateTime.UtcNow.ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture) : sessionName!;
        _externalId = externalId;
        _config = config;
        PreemptExpiryTime = TimeSpan.FromMinutes(5);
    }

    protected override CredentialsRefreshState GenerateNewCredentials() =>
        GenerateNewCredentialsAsync().ConfigureAwait(false).GetAwaiter().GetResult();

    protected override async Task<CredentialsRefreshState> GenerateNewCredentialsAsync()
    {
        using var sts = new AmazonSecurityTokenServiceClient(_source, _config());
        var answer = await sts.AssumeRoleAsync(new AssumeRoleRequest
        {
            RoleArn = _roleArn,
            RoleSessionName = _sessionName,
            ExternalId = string.IsNullOrEmpty(_externalId) ? null : _externalId,
            DurationSeconds = 3600,
        }).ConfigureAwait(false);
        var issued = answer.Credentials;
        var expires = issued.Expiration is { } at ? at.ToUniversalTime() : DateTime.UtcNow.AddMinutes(15);
        return new CredentialsRefreshState(new ImmutableCredentials(issued.AccessKeyId, issued.SecretAccessKey, issued.SessionToken), expires);
    }
}
