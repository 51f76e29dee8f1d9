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
    [ValidatePattern(@"^[a-z]{2}(-[a-z]+)+-\d$")]
    public string? Region { get; set; }

    /// <summary>A named profile from ~/.aws/credentials or ~/.aws/config.</summary>
    [Parameter]
    [Alias("StoredCredentials", "AWSProfileName")]
    [ValidateNotNullOrEmpty]
    public string? ProfileName { get; set; }

    /// <summary>The credentials file to read profiles from, instead of the default one.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ProfileLocation { get; set; }

    /// <summary>An access key id; use with -SecretKey (and -SessionToken for temporary credentials).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? AccessKey { get; set; }

    /// <summary>The secret access key that goes with -AccessKey.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? SecretKey { get; set; }

    /// <summary>The session token of temporary credentials.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? SessionToken { get; set; }

    /// <summary>An AWSCredentials object (as AWS.Tools' Get-AWSCredential returns) or a PSCredential whose user name is the access key id.</summary>
    [Parameter]
    [ValidateNotNull]
    public object? Credential { get; set; }

    /// <summary>Sends EC2 calls (and SSM calls, unless AWS_ENDPOINT_URL_SSM is set) to this endpoint instead of AWS's.</summary>
    [Parameter]
    [ValidatePattern("^https?://")]
    public string? EndpointUrl { get; set; }

    /// <summary>The connection settings this invocation was given.</summary>
    protected AwsConnectionSettings ConnectionSettings
    {
        get
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
    }

    private static object? Unwrap(object? value) => value is PSObject wrapped ? wrapped.BaseObject : value;
}
