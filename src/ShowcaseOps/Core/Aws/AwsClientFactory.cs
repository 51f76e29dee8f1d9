using System;
using Amazon;
using Amazon.EC2;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.SimpleSystemsManagement;

namespace ShowcaseOps.Core.Aws;

/// <summary>The one place that turns <see cref="AwsConnectionSettings"/> into EC2 and SSM clients.</summary>
public static class AwsClientFactory
{
    /// <summary>SDK-level retries per call (standard mode); the core adds its own bounded retries on top for eventual consistency.</summary>
    public const int MaxSdkRetries = 3;

    public static IAmazonEC2 CreateEc2(AwsConnectionSettings settings)
    {
        var resolved = Resolve(settings, "ec2");
        var config = new AmazonEC2Config();
        Configure(config, resolved);
        return new AmazonEC2Client(resolved.Credentials, config);
    }

    public static IAmazonSimpleSystemsManagement CreateSsm(AwsConnectionSettings settings)
    {
        var resolved = Resolve(settings, "ssm");
        var config = new AmazonSimpleSystemsManagementConfig();
        Configure(config, resolved);
        return new AmazonSimpleSystemsManagementClient(resolved.Credentials, config);
    }

    /// <summary>The region calls will go to, for messages and output objects.</summary>
    public static string ResolveRegion(AwsConnectionSettings settings) => Resolve(settings, "ec2").Region;

    private static void Configure(ClientConfig config, Resolved resolved)
    {
        config.RetryMode = RequestRetryMode.Standard;
        config.MaxErrorRetry = MaxSdkRetries;
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

    private static Resolved Resolve(AwsConnectionSettings settings, string service)
    {
        var defaults = AwsSessionDefaults.Current;
        CredentialProfile? profile = null;
        if (!string.IsNullOrEmpty(settings.ProfileName))
        {
            var chain = new CredentialProfileStoreChain(settings.ProfileLocation);
            if (!chain.TryGetProfile(settings.ProfileName, out profile))
            {
                throw new ShowcaseException(
                    "AwsProfileNotFound",
                    ShowcaseErrorCategory.ObjectNotFound,
                    settings.ProfileName,
                    $"No AWS profile named '{settings.ProfileName}' was found in {(settings.ProfileLocation ?? "~/.aws/credentials or ~/.aws/config")}.")
                {
                    Terminating = true,
                    RecommendedAction = "Check the name with 'aws configure list-profiles', or pass -ProfileLocation.",
                };
            }
        }

        var region = FirstNonEmpty(
            settings.Region,
            profile?.Region?.SystemName,
            defaults.Region,
            Environment.GetEnvironmentVariable("AWS_REGION"),
            Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION"),
            TryFallbackRegion());
        if (region is null)
        {
            throw new ShowcaseException(
                "AwsRegionNotSet",
                ShowcaseErrorCategory.InvalidArgument,
                null,
                "No AWS region is set.")
            {
                Terminating = true,
                RecommendedAction = "Pass -Region (for example eu-west-1), set $env:AWS_REGION, or set a region in your AWS profile.",
            };
        }

        var endpoint = FirstNonEmpty(
            settings.EndpointUrl,
            Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL_" + service.ToUpperInvariant()),
            defaults.ServiceEndpoints.TryGetValue(service, out var sessionEndpoint) ? sessionEndpoint : null,
            Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL"));

        AWSCredentials credentials;
        if (settings.Credentials is AWSCredentials explicitCredentials)
        {
            credentials = explicitCredentials;
        }
        else if (settings.Credentials is not null)
        {
            throw new ShowcaseException(
                "AwsCredentialTypeInvalid",
                ShowcaseErrorCategory.InvalidArgument,
                settings.Credentials,
                $"-Credential takes an AWSCredentials object or a PSCredential (access key as user name), not {settings.Credentials.GetType().Name}.")
            {
                Terminating = true,
            };
        }
        else if (!string.IsNullOrEmpty(settings.AccessKey) && !string.IsNullOrEmpty(settings.SecretKey))
        {
            credentials = string.IsNullOrEmpty(settings.SessionToken)
                ? new BasicAWSCredentials(settings.AccessKey, settings.SecretKey)
                : new SessionAWSCredentials(settings.AccessKey, settings.SecretKey, settings.SessionToken);
        }
        else if (profile is not null)
        {
            credentials = profile.GetAWSCredentials(new CredentialProfileStoreChain(settings.ProfileLocation));
        }
        else if (!string.IsNullOrEmpty(defaults.AccessKey) && !string.IsNullOrEmpty(defaults.SecretKey))
        {
            credentials = new BasicAWSCredentials(defaults.AccessKey, defaults.SecretKey);
        }
        else
        {
            try
            {
                credentials = Amazon.Runtime.Credentials.DefaultAWSCredentialsIdentityResolver.GetCredentials();
            }
            catch (AmazonClientException ex)
            {
                throw new ShowcaseException(
                    "AwsCredentialsNotFound",
                    ShowcaseErrorCategory.AuthenticationError,
                    null,
                    "No AWS credentials were found: " + ex.Message,
                    ex)
                {
                    Terminating = true,
                    RecommendedAction = "Pass -ProfileName or -AccessKey/-SecretKey, set AWS_PROFILE, or run Start-ShowcaseSandbox to use the local sandbox.",
                };
            }
        }

        return new Resolved(region, endpoint, credentials);
    }

    private static string? TryFallbackRegion()
    {
        try
        {
            return FallbackRegionFactory.GetRegionEndpoint()?.SystemName;
        }
        catch (AmazonClientException)
        {
            return null;
        }
    }

    private static string? FirstNonEmpty(params string?[] values)
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

    private sealed class Resolved
    {
        public Resolved(string region, string? endpointUrl, AWSCredentials credentials)
        {
            Region = region;
            EndpointUrl = endpointUrl;
            Credentials = credentials;
        }

        public string Region { get; }

        public string? EndpointUrl { get; }

        public AWSCredentials Credentials { get; }
    }
}
