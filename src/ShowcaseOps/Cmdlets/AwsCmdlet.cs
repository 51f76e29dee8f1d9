using System.Text.RegularExpressions;
using System.Management.Automation;
using System.Net;
using ShowcaseOps.Core.Aws;

namespace ShowcaseOps.Cmdlets;

/// <summary>
/// Base of cmdlets that call AWS: the common parameters AWS.Tools users know. Parameter types are PowerShell or
/// BCL types only, so importing the module does not load the AWS SDK.
/// </summary>
public abstract class AwsCmdlet : ShowcaseCmdlet
{
    /// <summary>The AWS region (for example eu-west-1). Default: the session, the profile, AWS_REGION.</summary>
    [Parameter]
    [Alias("RegionToCall")]
    [ValidatePattern(@"\A[a-z]{2,4}(-[a-z]+)+-\d{1,2}\z", Options = RegexOptions.None)]
    public string? Region { get; set; }

    /// <summary>A named profile from ~/.aws/credentials or ~/.aws/config.</summary>
    [Parameter]
    [Alias("StoredCredentials", "AWSProfileName")]
    [ValidateNotNullOrEmpty]
    [ValidateCredentialText]
    public string? ProfileName { get; set; }

    /// <summary>The credentials file to read profiles from, instead of the default one.</summary>
    [Parameter]
    [Alias("AWSProfilesLocation", "ProfilesLocation")]
    [ValidateNotNullOrEmpty]
    [ValidateCredentialText]
    public string? ProfileLocation { get; set; }

    /// <summary>An access key id; use with -SecretKey (and -SessionToken for temporary credentials).</summary>
    [Parameter]
    [Alias("AK")]
    [ValidateNotNullOrEmpty]
    [ValidateCredentialText]
    public string? AccessKey { get; set; }

    /// <summary>The secret access key that goes with -AccessKey.</summary>
    [Parameter]
    [Alias("SK", "SecretAccessKey")]
    [ValidateNotNullOrEmpty]
    [ValidateCredentialText]
    public string? SecretKey { get; set; }

    /// <summary>The session token of temporary credentials.</summary>
    [Parameter]
    [Alias("ST")]
    [ValidateNotNullOrEmpty]
    [ValidateCredentialText]
    public string? SessionToken { get; set; }

    /// <summary>An AWSCredentials object (as AWS.Tools' Get-AWSCredential returns) or a PSCredential whose user name is the access key id.</summary>
    [Parameter]
    [ValidateNotNull]
    public object? Credential { get; set; }

    /// <summary>Sends EC2 calls (and SSM calls, unless AWS_ENDPOINT_URL_SSM is set) to this endpoint instead of AWS's.</summary>
    [Parameter]
    [ValidatePattern(@"\Ahttps?://[^\s\p{Cc}]+\z", Options = RegexOptions.None)]
    public string? EndpointUrl { get; set; }

    private AwsConnectionSettings? _connectionSettings;

    /// <summary>
    /// The connection settings this invocation was given, built once per invocation so that every client and message of
    /// the command shares one credential resolution.
    /// </summary>
    protected AwsConnectionSettings ConnectionSettings => _connectionSettings ??= BuildConnectionSettings();

    private AwsConnectionSettings BuildConnectionSettings()
    {
        var settings = new AwsConnectionSettings
        {
            Region = Region,
            ProfileName = ProfileName,
            ProfileLocation = ProfileLocation,
            AccessKey = AccessKey,
            SecretKey = SecretKey,
            SessionToken = SessionToken,
            EndpointUrl = EndpointUrl,
            Defaults = Session.Aws,
            StoredCredentials = Unwrap(GetVariableValue("StoredAWSCredentials")),
            StoredRegion = Unwrap(GetVariableValue("StoredAWSRegion"))?.ToString(),
        };
        var credential = Unwrap(Credential);
        if (credential is PSCredential psCredential)
        {
            settings.AccessKey = psCredential.UserName;
            settings.SecretKey = new NetworkCredential(string.Empty, psCredential.Password).Password;
        }
        else
        {
            settings.Credentials = credential;
        }

        return settings;
    }

    /// <summary>The context of this invocation: its own -Region, -ProfileName, -EndpointUrl… over the session's.</summary>
    private protected override AwsConnectionSettings ContextSettings => ConnectionSettings;

    private static object? Unwrap(object? value) => value is PSObject wrapped ? wrapped.BaseObject : value;
}
