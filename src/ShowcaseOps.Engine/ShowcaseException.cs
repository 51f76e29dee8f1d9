using System;

namespace ShowcaseOps.Core;

/// <summary>
/// A failure the user can act on. <see cref="ErrorId"/> is stable (<c>&lt;Noun&gt;&lt;Reason&gt;</c>) and documented
/// in docs/errors.md; the cmdlet layer turns it into an ErrorRecord with <see cref="Category"/> and <see cref="Target"/>.
/// </summary>
[Serializable]
public class ShowcaseException : Exception
{
    public ShowcaseException(string errorId, ShowcaseErrorCategory category, object? target, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        if (string.IsNullOrWhiteSpace(errorId))
        {
            throw new ArgumentException("An error needs a stable id.", nameof(errorId));
        }

        ErrorId = errorId;
        Category = category;
        Target = target;
    }

    public ShowcaseException()
        : this("ShowcaseUnexpectedError", ShowcaseErrorCategory.NotSpecified, null, "An unexpected error occurred.")
    {
    }

    public ShowcaseException(string message)
        : this("ShowcaseUnexpectedError", ShowcaseErrorCategory.NotSpecified, null, message)
    {
    }

    public ShowcaseException(string message, Exception innerException)
        : this("ShowcaseUnexpectedError", ShowcaseErrorCategory.NotSpecified, null, message, innerException)
    {
    }

    public string ErrorId { get; }

    public ShowcaseErrorCategory Category { get; }

    public object? Target { get; }

    /// <summary>When true the whole command stops (the failure concerns every input, e.g. no region), else only this item fails.</summary>
    public bool Terminating { get; init; }

    /// <summary>A suggestion shown as the error's RecommendedAction.</summary>
    public string? RecommendedAction { get; init; }
}

/// <summary>The subset of PowerShell's ErrorCategory the core uses; names match so the cmdlet layer maps by name.</summary>
public enum ShowcaseErrorCategory
{
    NotSpecified,
    ConnectionError,
    InvalidArgument,
    InvalidData,
    InvalidOperation,
    InvalidResult,
    LimitsExceeded,
    NotImplemented,
    ObjectNotFound,
    OperationStopped,
    OperationTimeout,
    PermissionDenied,
    ResourceBusy,
    ResourceExists,
    ResourceUnavailable,
    AuthenticationError,
    NotEnabled,
    ProtocolError,
}
