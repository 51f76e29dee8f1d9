using System;
using System.Linq;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;

namespace ShowcaseOps.Core.Aws;

/// <summary>
/// Credentials that live in another copy of the AWS SDK (AWS.Tools' AWSSDK.Core in the default load context): read
/// through their public <c>GetCredentials()</c> on every use, so a refreshing source (assume-role, SSO) keeps
/// refreshing in its own SDK. Never cast: the type names match ours, the types do not.
/// </summary>
internal sealed class ForeignAwsCredentials : AWSCredentials
{
    private readonly object _source;
    private readonly MethodInfo _getCredentials;

    private ForeignAwsCredentials(object source, MethodInfo getCredentials)
    {
        _source = source;
        _getCredentials = getCredentials;
    }

    /// <summary>The foreign object's type, for messages (<c>Amazon.Runtime.BasicAWSCredentials</c>).</summary>
    public string SourceType => _source.GetType().FullName ?? _source.GetType().Name;

    /// <summary>
    /// Wraps <paramref name="value"/> when it is an AWSCredentials of another SDK copy, or an AWS.Tools
    /// <c>AWSPSCredentials</c> (what $StoredAWSCredentials holds) that carries one.
    /// </summary>
    public static bool TryWrap(object? value, out AWSCredentials? credentials)
    {
        credentials = null;
        if (value is null)
        {
            return false;
        }

        if (value is AWSCredentials ours)
        {
            credentials = ours;
            return true;
        }

        if (IsAwsCredentials(value.GetType()))
        {
            var method = value.GetType().GetMethod("GetCredentials", BindingFlags.Public | BindingFlags.Instance, null, Type.EmptyTypes, null);
            if (method is not null)
            {
                credentials = new ForeignAwsCredentials(value, method);
                return true;
            }
        }

        // AWS.Tools' AWSPSCredentials keeps its AWSCredentials in a non-public property.
        var inner = value.GetType()
            .GetProperties(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)
            .FirstOrDefault(p => p.GetIndexParameters().Length == 0 && IsAwsCredentials(p.PropertyType));
        return inner is not null && TryWrap(inner.GetValue(value), out credentials);
    }

    public override ImmutableCredentials GetCredentials()
    {
        object? answer;
        try
        {
            answer = _getCredentials.Invoke(_source, null);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            throw new AmazonClientException($"The credentials from {SourceType} could not be read: {ex.InnerException.Message}", ex.InnerException);
        }

        if (answer is null)
        {
            throw new AmazonClientException($"The credentials from {SourceType} returned nothing.");
        }

        var accessKey = Read(answer, "AccessKey");
        var secretKey = Read(answer, "SecretKey");
        var token = Read(answer, "Token");
        if (string.IsNullOrEmpty(accessKey) || string.IsNullOrEmpty(secretKey))
        {
            throw new AmazonClientException($"The credentials from {SourceType} have no access key or secret key.");
        }

        return new ImmutableCredentials(accessKey, secretKey, string.IsNullOrEmpty(token) ? null : token);
    }

    public override Task<ImmutableCredentials> GetCredentialsAsync() =>
        Task.Run(GetCredentials);

    private static string? Read(object answer, string property) =>
        answer.GetType().GetProperty(property, BindingFlags.Public | BindingFlags.Instance)?.GetValue(answer) as string;

    private static bool IsAwsCredentials(Type? type)
    {
        for (; type is not null; type = type.BaseType)
        {
            if (type.FullName == "Amazon.Runtime.AWSCredentials")
            {
                return true;
            }
        }

        return false;
    }
}
