using System;
using System.Threading;
using Amazon;
using Amazon.Runtime;
using Amazon.RuntimeDependencies;
using Amazon.SecurityToken;
using Amazon.SSO;
using Amazon.SSOOIDC;

namespace ShowcaseOps.Core.Aws;

/// <summary>
/// Registers our STS, SSO and SSO-OIDC clients with the SDK's runtime dependency registry, so that web-identity and
/// SSO credentials never load those assemblies by name (which could find another module's copy). The registry
/// belongs to our copy of AWSSDK.Core, in our load context: AWS.Tools' copy keeps its own.
/// </summary>
internal static class AwsRuntimeDependencies
{
    private static int _registered;

    public static void EnsureRegistered()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 1)
        {
            return;
        }

        var registry = GlobalRuntimeDependencyRegistry.Instance;
        registry.RegisterSecurityTokenServiceClient(new RuntimeDependencyFactory(context =>
        {
            var data = context.SecurityTokenServiceClientContextData;
            // Web identity and SAML calls are unsigned; assume-role profiles are resolved by AssumeRoleCredentials.
            return new AmazonSecurityTokenServiceClient(new AnonymousAWSCredentials(), StsConfig(data?.Region?.SystemName, null));
        }));
        registry.RegisterSSOClient(new RuntimeDependencyFactory(context =>
        {
            var config = new AmazonSSOConfig();
            Point(config, context.SSOClientContextData?.Region, "SSO");
            return new AmazonSSOClient(new AnonymousAWSCredentials(), config);
        }));
        registry.RegisterSSOOIDCClient(new RuntimeDependencyFactory(context =>
        {
            var config = new AmazonSSOOIDCConfig();
            Point(config, context.SSOOIDCClientContextData?.Region, "SSO_OIDC");
            return new AmazonSSOOIDCClient(new AnonymousAWSCredentials(), config);
        }));
    }

    /// <summary>STS: the session's endpoint (sandbox), else AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL, else the regional endpoint.</summary>
    public static AmazonSecurityTokenServiceConfig StsConfig(string? region, string? sessionEndpoint)
    {
        var config = new AmazonSecurityTokenServiceConfig();
        var endpoint = FirstNonEmpty(sessionEndpoint, Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL_STS"), Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL"));
        if (endpoint is not null)
        {
            config.ServiceURL = endpoint;
            config.AuthenticationRegion = region ?? "us-east-1";
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region ?? "us-east-1");
        }

        return config;
    }

    private static void Point(ClientConfig config, RegionEndpoint? region, string service)
    {
        var endpoint = FirstNonEmpty(Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL_" + service), Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL"));
        if (endpoint is not null)
        {
            config.ServiceURL = endpoint;
            config.AuthenticationRegion = region?.SystemName ?? "us-east-1";
        }
        else
        {
            config.RegionEndpoint = region ?? RegionEndpoint.USEast1;
        }
    }

    /// <summary>The first value that is not null or white space.</summary>
    internal static string? FirstNonEmpty(params string?[] values)
    {
        foreach (var value in values)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                return value;
            }
        }

        return null;
    }
}
