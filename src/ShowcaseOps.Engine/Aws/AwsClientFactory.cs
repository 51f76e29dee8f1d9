using Amazon;
using Amazon.EC2;
using Amazon.Runtime;
using Amazon.SimpleSystemsManagement;

namespace ShowcaseOps.Core.Aws;

/// <summary>The one place that turns <see cref="AwsConnectionSettings"/> into EC2 and SSM clients.</summary>
public static class AwsClientFactory
{
    /// <summary>
    /// SDK-level retries per call: none. The engine's <see cref="Execution.Retry"/> (through <c>Ec2Calls</c> and the SSM
    /// runner's call wrapper) is the one retry layer, with one budget: SDK retries under it would multiply every attempt
    /// (4 × the engine's), retry connection refusals for seconds, and resend token-less creates whose answer was lost
    /// (a second VPC, internet gateway or Elastic IP) before the engine can look for the first one. See docs/cluster.md.
    /// </summary>
    public const int MaxSdkRetries = 0;

    /// <summary>A test seam: the HTTP client factory of clients created in this async flow (to count attempts).</summary>
    internal static readonly System.Threading.AsyncLocal<HttpClientFactory?> TestHttpClientFactory = new();

    public static IAmazonEC2 CreateEc2(AwsConnectionSettings settings)
    {
        var resolved = AwsCredentialResolver.Resolve(settings, "ec2");
        var config = new AmazonEC2Config();
        Configure(config, resolved);
        return new AmazonEC2Client(resolved.Credentials, config);
    }

    public static IAmazonSimpleSystemsManagement CreateSsm(AwsConnectionSettings settings)
    {
        var resolved = AwsCredentialResolver.Resolve(settings, "ssm");
        var config = new AmazonSimpleSystemsManagementConfig();
        Configure(config, resolved);
        return new AmazonSimpleSystemsManagementClient(resolved.Credentials, config);
    }

    /// <summary>The region calls will go to, for messages and output objects.</summary>
    public static string ResolveRegion(AwsConnectionSettings settings) => AwsCredentialResolver.Resolve(settings, "ec2").Region;

    /// <summary>Where calls go and with what, in words: "account …, region eu-west-1 (-Region), credentials from profile 'prod'".</summary>
    public static string Describe(AwsConnectionSettings settings) => AwsCredentialResolver.Resolve(settings, "ec2").Describe();

    private static void Configure(ClientConfig config, ResolvedAws resolved)
    {
        config.RetryMode = RequestRetryMode.Standard;
        config.MaxErrorRetry = MaxSdkRetries;

        // The SDK also resends, outside MaxErrorRetry, a request whose pooled connection was reset ("stale connection"):
        // exactly what a lost answer looks like. Off too, for the same reason.
        config.MaxStaleConnectionRetries = 0;
        if (TestHttpClientFactory.Value is { } factory)
        {
            config.HttpClientFactory = factory;
        }

        if (resolved.EndpointUrl is not null)
        {
            // For an emulator: ServiceURL + AuthenticationRegion, and never RegionEndpoint (it would override ServiceURL).
            config.ServiceURL = resolved.EndpointUrl;
            config.AuthenticationRegion = resolved.Region;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(resolved.Region);
        }
    }
}
