using System;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;

namespace ShowcaseOps.Core.Aws;

/// <summary>The region, credentials and endpoint one call goes with, and where each came from (for -Verbose and -WhatIf).</summary>
public sealed class ResolvedAws
{
    internal ResolvedAws(string region, string regionSource, AWSCredentials credentials, string credentialSource, string? accountId, string? endpointUrl)
    {
        Region = region;
        RegionSource = regionSource;
        Credentials = credentials;
        CredentialSource = credentialSource;
        AccountId = accountId;
        EndpointUrl = endpointUrl;
    }

    public string Region { get; }

    public string RegionSource { get; }

    internal AWSCredentials Credentials { get; }

    public string CredentialSource { get; }

    /// <summary>The account, when the source names it (a role ARN, an SSO profile); null otherwise.</summary>
    public string? AccountId { get; }

    public string? EndpointUrl { get; }

    /// <summary>"account 123456789012, region eu-west-1 (-Region), credentials from profile 'prod'".</summary>
    public string Describe() =>
        (AccountId is null ? string.Empty : $"account {AccountId}, ")
        + $"region {Region} ({RegionSource}), credentials from {CredentialSource}"
        + (EndpointUrl is null ? string.Empty : $", endpoint {EndpointUrl}");
}

/// <summary>
/// Resolves credentials in AWS.Tools' order: -AccessKey/-SecretKey → -ProfileName/-ProfileLocation → -Credential →
/// the session (the sandbox, then AWS.Tools' $StoredAWSCredentials) → the SDK's default chain (AWS_* variables, web
/// identity, AWS_PROFILE or the default profile, container role, instance role). Profiles may be static, role_arn with
/// source_profile or credential_source, SSO (sso_session), credential_process or web identity.
/// </summary>
public static class AwsCredentialResolver
{
    private const int MaxRoleChain = 5;
    private static readonly Regex AccountInArn = new(@"\Aarn:aws[a-z-]*:iam::(\d{12}):", RegexOptions.CultureInvariant);

    // One resolution per settings object (one command): EC2, SSM, -Verbose and -WhatIf share the credentials object, so an
    // assume-role or SSO profile costs one STS/SSO call per command, not one per client. A failure is not cached.
    private static readonly ConditionalWeakTable<AwsConnectionSettings, ResolvedAws> Resolved = new();

    /// <summary>
    /// The region and credentials of <paramref name="settings"/> (resolved once per settings object; treat the settings
    /// as fixed once resolved) with the endpoint of <paramref name="service"/>.
    /// </summary>
    public static ResolvedAws Resolve(AwsConnectionSettings settings, string service)
    {
        if (settings is null)
        {
            throw new ArgumentNullException(nameof(settings));
        }

        var shared = Resolved.GetValue(settings, ResolveShared);
        var defaults = settings.Defaults ?? AwsSessionDefaults.Empty;
        var endpoint = AwsRuntimeDependencies.FirstNonEmpty(
            settings.EndpointUrl,
            Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL_" + service.ToUpperInvariant()),
            defaults.ServiceEndpoints.TryGetValue(service, out var sessionEndpoint) ? sessionEndpoint : null,
            Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL"));
        return new ResolvedAws(shared.Region, shared.RegionSource, shared.Credentials, shared.CredentialSource, shared.AccountId, endpoint);
    }

    private static ResolvedAws ResolveShared(AwsConnectionSettings settings)
    {
        AwsRuntimeDependencies.EnsureRegistered();
        var defaults = settings.Defaults ?? AwsSessionDefaults.Empty;
        var chain = new CredentialProfileStoreChain(settings.ProfileLocation);
        CredentialProfile? profile = null;
        var explicitProfile = !string.IsNullOrEmpty(settings.ProfileName) || !string.IsNullOrEmpty(settings.ProfileLocation);
        if (explicitProfile)
        {
            var name = string.IsNullOrEmpty(settings.ProfileName) ? "default" : settings.ProfileName!;
            if (!chain.TryGetProfile(name, out profile))
            {
                throw new ShowcaseException(
                    ShowcaseErrors.AwsProfileNotFound,
                    name,
                    $"No AWS profile named '{name}' was found in {settings.ProfileLocation ?? "~/.aws/credentials or ~/.aws/config"}.")
                {
                    Terminating = true,
                    RecommendedAction = "Check the name with 'aws configure list-profiles', or pass -ProfileLocation.",
                };
            }
        }

        var (region, regionSource) = ResolveRegion(settings, profile, defaults);
        string? stsEndpoint = defaults.ServiceEndpoints.TryGetValue("sts", out var sts) ? sts : null;

        AWSCredentials credentials;
        string source;
        string? account = null;
        if (!string.IsNullOrEmpty(settings.AccessKey) && !string.IsNullOrEmpty(settings.SecretKey))
        {
            credentials = string.IsNullOrEmpty(settings.SessionToken)
                ? new BasicAWSCredentials(settings.AccessKey, settings.SecretKey)
                : new SessionAWSCredentials(settings.AccessKey, settings.SecretKey, settings.SessionToken);
            source = "the -AccessKey/-SecretKey parameters";
        }
        else if (profile is not null)
        {
            credentials = FromProfile(chain, profile, region, stsEndpoint, 0);
            source = $"profile '{profile.Name}'" + (profile.Options.RoleArn is { Length: > 0 } role ? $" (assume role {role})" : string.Empty);
            account = AccountOf(profile);
        }
        else if (settings.Credentials is not null)
        {
            if (!ForeignAwsCredentials.TryWrap(settings.Credentials, out var given) || given is null)
            {
                throw new ShowcaseException(
                    ShowcaseErrors.AwsCredentialTypeInvalid,
                    settings.Credentials,
                    $"-Credential takes an AWSCredentials object (for example from AWS.Tools' Get-AWSCredential) or a PSCredential (access key as user name), not {settings.Credentials.GetType().Name}.")
                {
                    Terminating = true,
                };
            }

            credentials = given;
            source = "the -Credential object" + (given is ForeignAwsCredentials foreign ? $" ({foreign.SourceType})" : string.Empty);
        }
        else if (!string.IsNullOrEmpty(defaults.AccessKey) && !string.IsNullOrEmpty(defaults.SecretKey))
        {
            credentials = new BasicAWSCredentials(defaults.AccessKey, defaults.SecretKey);
            source = "the sandbox (dummy credentials)";
        }
        else if (ForeignAwsCredentials.TryWrap(settings.StoredCredentials, out var stored) && stored is not null)
        {
            credentials = stored;
            source = $"AWS.Tools session credentials ($StoredAWSCredentials: {settings.StoredCredentials})";
        }
        else if (settings.StoredCredentials is string storedProfile && chain.TryGetProfile(storedProfile, out var storedByName))
        {
            credentials = FromProfile(chain, storedByName, region, stsEndpoint, 0);
            source = $"AWS.Tools session profile '{storedProfile}' ($StoredAWSCredentials)";
            account = AccountOf(storedByName);
        }
        else
        {
            (credentials, source) = FromEnvironment(chain, region, stsEndpoint);
        }

        return new ResolvedAws(region, regionSource, credentials, source, account, endpointUrl: null);
    }

    private static (string Region, string Source) ResolveRegion(AwsConnectionSettings settings, CredentialProfile? profile, AwsSessionDefaults defaults)
    {
        (string?, string)[] candidates =
        {
            (settings.Region, "-Region"),
            (profile?.Region?.SystemName, $"profile '{profile?.Name}'"),
            (defaults.Region, "the sandbox"),
            (settings.StoredRegion, "$StoredAWSRegion"),
            (Environment.GetEnvironmentVariable("AWS_REGION"), "AWS_REGION"),
            (Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION"), "AWS_DEFAULT_REGION"),
        };
        foreach (var (value, source) in candidates)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                return (value!, source);
            }
        }

        if (TryFallbackRegion() is { } fallback)
        {
            return (fallback, "the default profile or instance metadata");
        }

        throw new ShowcaseException(ShowcaseErrors.AwsRegionNotSet, null, "No AWS region is set.")
        {
            Terminating = true,
            RecommendedAction = "Pass -Region (for example eu-west-1), run Set-DefaultAWSRegion, set $env:AWS_REGION, or set a region in your AWS profile.",
        };
    }

    private static AWSCredentials FromProfile(CredentialProfileStoreChain chain, CredentialProfile profile, string region, string? stsEndpoint, int depth)
    {
        var options = profile.Options;
        if (string.IsNullOrEmpty(options.RoleArn))
        {
            try
            {
                return AWSCredentialsFactory.GetAWSCredentials(profile, chain);
            }
            catch (ArgumentException ex)
            {
                throw ProfileUnusable(profile.Name, ex.Message, ex);
            }
        }

        if (depth >= MaxRoleChain)
        {
            throw ProfileUnusable(profile.Name, $"its source_profile chain is longer than {MaxRoleChain} (a loop?).", null);
        }

        AWSCredentials source;
        if (!string.IsNullOrEmpty(options.SourceProfile))
        {
            if (!chain.TryGetProfile(options.SourceProfile, out var sourceProfile))
            {
                throw ProfileUnusable(profile.Name, $"its source_profile '{options.SourceProfile}' does not exist.", null);
            }

            source = string.Equals(sourceProfile.Name, profile.Name, StringComparison.Ordinal) && !string.IsNullOrEmpty(sourceProfile.Options.AccessKey)
                ? new BasicAWSCredentials(sourceProfile.Options.AccessKey, sourceProfile.Options.SecretKey)
                : FromProfile(chain, sourceProfile, region, stsEndpoint, depth + 1);
        }
        else
        {
            source = options.CredentialSource switch
            {
                "Environment" => new EnvironmentVariablesAWSCredentials(),
                "Ec2InstanceMetadata" => new InstanceProfileAWSCredentials(),
                "EcsContainer" => new GenericContainerCredentials(),
                _ => throw ProfileUnusable(profile.Name, $"it has role_arn but neither source_profile nor a known credential_source ('{options.CredentialSource}').", null),
            };
        }

        return new AssumeRoleCredentials(source, options.RoleArn, options.RoleSessionName, options.ExternalID, () => AwsRuntimeDependencies.StsConfig(region, stsEndpoint));
    }

    /// <summary>
    /// The environment's chain, in AWS.Tools' order: AWS_* keys, web identity, AWS_PROFILE or [default], the
    /// container role, the instance role (IMDSv2). Written out rather than the SDK's default resolver so the order is
    /// ours to state and test.
    /// </summary>
    private static (AWSCredentials, string) FromEnvironment(CredentialProfileStoreChain chain, string region, string? stsEndpoint)
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID")) && !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY")))
        {
            return (new EnvironmentVariablesAWSCredentials(), "the AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY variables");
        }

        if (Environment.GetEnvironmentVariable("AWS_WEB_IDENTITY_TOKEN_FILE") is { Length: > 0 } && Environment.GetEnvironmentVariable("AWS_ROLE_ARN") is { Length: > 0 } webRole)
        {
            return (AssumeRoleWithWebIdentityCredentials.FromEnvironmentVariables(), $"web identity (AWS_WEB_IDENTITY_TOKEN_FILE, assume role {webRole})");
        }

        var profileName = Environment.GetEnvironmentVariable("AWS_PROFILE") is { Length: > 0 } fromVariable ? fromVariable : "default";
        if (chain.TryGetProfile(profileName, out var profile) && profile.CanCreateAWSCredentials)
        {
            return (FromProfile(chain, profile, region, stsEndpoint, 0), $"profile '{profileName}'" + (profileName == "default" ? string.Empty : " (AWS_PROFILE)"));
        }

        if (Environment.GetEnvironmentVariable("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") is { Length: > 0 } || Environment.GetEnvironmentVariable("AWS_CONTAINER_CREDENTIALS_FULL_URI") is { Length: > 0 })
        {
            return (new GenericContainerCredentials(), "the container role");
        }

        string why = "instance metadata is disabled (AWS_EC2_METADATA_DISABLED)";
        if (!string.Equals(Environment.GetEnvironmentVariable("AWS_EC2_METADATA_DISABLED"), "true", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var instance = new InstanceProfileAWSCredentials();
                _ = instance.GetCredentials(); // asked now, so "no credentials" is said here and not by the first call
                return (instance, "the instance role");
            }
            catch (AmazonClientException ex)
            {
                why = ex.Message;
            }
        }

        throw new ShowcaseException(ShowcaseErrors.AwsCredentialsNotFound, null, "No AWS credentials were found (no parameters, profile, session credentials, AWS_* variables, container or instance role): " + why)
        {
            Terminating = true,
            RecommendedAction = "Pass -ProfileName or -AccessKey/-SecretKey, run Set-AWSCredential, set AWS_PROFILE, or run Start-ShowcaseSandbox to use the local sandbox.",
        };
    }

    private static string? AccountOf(CredentialProfile profile)
    {
        if (!string.IsNullOrEmpty(profile.Options.SsoAccountId))
        {
            return profile.Options.SsoAccountId;
        }

        var match = AccountInArn.Match(profile.Options.RoleArn ?? string.Empty);
        return match.Success ? match.Groups[1].Value : null;
    }

    private static ShowcaseException ProfileUnusable(string name, string why, Exception? inner) =>
        new(ShowcaseErrors.AwsProfileInvalid, name, $"The AWS profile '{name}' cannot give credentials: {why}", inner)
        {
            Terminating = true,
            RecommendedAction = "Check the profile with 'aws configure list --profile " + name + "' and fix ~/.aws/config.",
        };

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
}
