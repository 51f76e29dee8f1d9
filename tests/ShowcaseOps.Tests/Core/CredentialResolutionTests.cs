using System;
using System.IO;
using ShowcaseOps.Core.Aws;
using Xunit;

namespace ShowcaseOps.Tests.Core;

/// <summary>One credential resolution per command: every client of a command shares one credentials object.</summary>
public sealed class CredentialResolutionTests : IDisposable
{
    private readonly string _config = Path.Combine(Path.GetTempPath(), "showcase-creds-" + Guid.NewGuid().ToString("N"));

    public CredentialResolutionTests() => File.WriteAllText(_config, string.Join('\n',
        "[base]",
        "aws_access_key_id = AKIAEXAMPLEBASE00001",
        "aws_secret_access_key = c2VjcmV0LWJhc2U",
        "[ops]",
        "role_arn = arn:aws:iam::123456789012:role/ops",
        "source_profile = base",
        string.Empty));

    public void Dispose() => File.Delete(_config);

    private AwsConnectionSettings Settings() => new() { ProfileName = "ops", ProfileLocation = _config, Region = "eu-west-1" };

    [Fact]
    public void Ec2_ssm_and_describe_share_one_assume_role_credentials_object()
    {
        var settings = Settings();
        var ec2 = AwsCredentialResolver.Resolve(settings, "ec2");
        var ssm = AwsCredentialResolver.Resolve(settings, "ssm");

        Assert.Same(ec2.Credentials, ssm.Credentials);
        Assert.Equal("123456789012", ssm.AccountId);
        Assert.Contains("assume role", AwsClientFactory.Describe(settings), StringComparison.Ordinal);
        Assert.Same(ec2.Credentials, AwsCredentialResolver.Resolve(settings, "ec2").Credentials);
    }

    [Fact]
    public void Each_command_resolves_its_own_settings()
    {
        Assert.NotSame(AwsCredentialResolver.Resolve(Settings(), "ec2").Credentials, AwsCredentialResolver.Resolve(Settings(), "ec2").Credentials);
    }

    [Fact]
    public void The_endpoint_stays_per_service()
    {
        var settings = Settings();
        settings.Defaults = new AwsSessionDefaults(null, null, null, new System.Collections.Generic.Dictionary<string, string> { ["ec2"] = "http://127.0.0.1:1/", ["ssm"] = "http://127.0.0.1:2/" });

        Assert.Equal("http://127.0.0.1:1/", AwsCredentialResolver.Resolve(settings, "ec2").EndpointUrl);
        Assert.Equal("http://127.0.0.1:2/", AwsCredentialResolver.Resolve(settings, "ssm").EndpointUrl);
    }

    [Fact]
    public void A_failed_resolution_is_not_remembered()
    {
        var settings = new AwsConnectionSettings { ProfileName = "later", ProfileLocation = _config, Region = "eu-west-1" };
        Assert.Throws<ShowcaseOps.Core.ShowcaseException>(() => AwsCredentialResolver.Resolve(settings, "ec2"));

        File.AppendAllText(_config, "[later]\naws_access_key_id = AKIAEXAMPLELATER0001\naws_secret_access_key = bGF0ZXI\n");
        Assert.NotNull(AwsCredentialResolver.Resolve(settings, "ec2").Credentials);
    }
}
