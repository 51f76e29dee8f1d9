using System;
using System.Net;
using Amazon.Runtime;

namespace ShowcaseOps.Core.Aws;

/// <summary>Which AWS failures are worth retrying, and how the rest become <see cref="ShowcaseException"/>s.</summary>
public static class AwsErrorClassifier
{
    /// <summary>A reason to retry (throttling, a server error, eventual consistency), or null when the failure is final.</summary>
    public static string? TransientReason(Exception exception)
    {
        if (UnreachableReason(exception) is not null)
        {
            // Refused or unknown host: retrying within the budget will not open the port; fail in one attempt.
            return null;
        }

        if (exception is not AmazonServiceException service)
        {
            return exception is AmazonClientException or System.Net.Http.HttpRequestException or System.IO.IOException
                ? "connection failed (" + exception.Message + ")"
                : null;
        }

        var code = service.ErrorCode ?? string.Empty;
        if (code is "RequestLimitExceeded" or "Throttling" or "ThrottlingException" or "TooManyRequestsException")
        {
            return "throttled (" + code + ")";
        }

        if ((int)service.StatusCode >= 500 || code is "InternalError" or "InternalServerError" or "ServiceUnavailable" or "Unavailable")
        {
            return "server error (" + (code.Length > 0 ? code : ((int)service.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture)) + ")";
        }

        if (IsEventualConsistency(code))
        {
            return "not visible yet (" + code + ")";
        }

        return null;
    }

    /// <summary>The NotFound codes EC2 answers right after a create, before the new resource is visible everywhere.</summary>
    public static bool IsEventualConsistency(string code) =>
        code.StartsWith("Invalid", StringComparison.Ordinal) && code.EndsWith(".NotFound", StringComparison.Ordinal)
        || code == "InvalidInstanceID.NotFound"
        || code == "InvocationDoesNotExist";

    public static bool IsNotFound(Exception exception) =>
        exception is AmazonServiceException service
        && (service.StatusCode == HttpStatusCode.NotFound || (service.ErrorCode ?? string.Empty).EndsWith("NotFound", StringComparison.Ordinal));

    /// <summary>
    /// "connection refused" or "unknown host" when the failure (or one of its inner exceptions) says the endpoint
    /// cannot be reached at all; null for anything else (a reset or a timeout may pass).
    /// </summary>
    public static string? UnreachableReason(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is System.Net.Sockets.SocketException socket)
            {
                switch (socket.SocketErrorCode)
                {
                    case System.Net.Sockets.SocketError.ConnectionRefused:
                        return "connection refused";
                    case System.Net.Sockets.SocketError.HostNotFound:
                    case System.Net.Sockets.SocketError.NoData:
                        return "unknown host";
                    case System.Net.Sockets.SocketError.HostUnreachable:
                    case System.Net.Sockets.SocketError.NetworkUnreachable:
                        return "no route to the host";
                }
            }

            if (e is System.Net.Http.HttpRequestException { HttpRequestError: System.Net.Http.HttpRequestError.NameResolutionError })
            {
                return "unknown host";
            }
        }

        return null;
    }

    /// <summary>Wraps a final AWS failure with a stable id such as <c>Ec2RequestFailed</c> and the AWS code in the message.</summary>
    public static ShowcaseException ToShowcase(Exception exception, string errorIdPrefix, object? target, string doing)
    {
        if (exception is ShowcaseException showcase)
        {
            return showcase;
        }

        if (UnreachableReason(exception) is { } unreachable)
        {
            return new ShowcaseException(ShowcaseErrors.AwsEndpointUnreachable, target, $"{doing} failed: the AWS endpoint cannot be reached ({unreachable}: {Innermost(exception).Message}).", exception)
            {
                Terminating = true,
                RecommendedAction = "Check -EndpointUrl (or $env:AWS_ENDPOINT_URL*) and the network; for the sandbox, run Start-ShowcaseSandbox in this session.",
            };
        }

        if (exception is AmazonServiceException service)
        {
            var category = service.ErrorCode switch
            {
                "UnauthorizedOperation" or "AccessDenied" or "AccessDeniedException" or "AuthFailure" => ShowcaseErrorCategory.PermissionDenied,
                "RequestLimitExceeded" or "ThrottlingException" or "Throttling" => ShowcaseErrorCategory.LimitsExceeded,
                var c when c is not null && c.EndsWith("LimitExceeded", StringComparison.Ordinal) => ShowcaseErrorCategory.LimitsExceeded,
                var c when c is not null && c.EndsWith("NotFound", StringComparison.Ordinal) => ShowcaseErrorCategory.ObjectNotFound,
                "DependencyViolation" => ShowcaseErrorCategory.ResourceBusy,
                _ when (int)service.StatusCode >= 500 => ShowcaseErrorCategory.ResourceUnavailable,
                _ => ShowcaseErrorCategory.InvalidOperation,
            };
            return new ShowcaseException(
                RequestFailed(errorIdPrefix),
                category,
                target,
                $"{doing} failed: AWS answered {service.ErrorCode ?? ((int)service.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture)}: {service.Message}",
                exception);
        }

        return new ShowcaseException(RequestFailed(errorIdPrefix), ShowcaseErrorCategory.ConnectionError, target, $"{doing} failed: {exception.Message}", exception);
    }

    private static Exception Innermost(Exception exception)
    {
        var e = exception;
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e;
    }

    private static ShowcaseError RequestFailed(string errorIdPrefix) => errorIdPrefix switch
    {
        "Ssm" => ShowcaseErrors.SsmRequestFailed,
        "Ec2" => ShowcaseErrors.Ec2RequestFailed,
        _ => throw new ArgumentException($"No catalog entry for '{errorIdPrefix}RequestFailed'.", nameof(errorIdPrefix)),
    };
}
