using System;

namespace ShowcaseOps.Core;

/// <summary>
/// A failure the user can act on. <see cref="ErrorId"/> is stable (<c>&lt;Noun&gt;&lt;Reason&gt;</c>) and documented
/// in docs/errors.md; the cmdlet layer turns it into an ErrorRecord with <see cref="Category"/> and <see cref="Target"/>.
/// </summary>
[Serializable]
public class ShowcaseException : Exception
{
    private readonly string? _recommendedAction;

    /// <summary>An error of the catalog, with its own category.</summary>
    public ShowcaseException(ShowcaseError error, object? target, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Error = error ?? throw new ArgumentNullException(nameof(error));
        ErrorId = error.Id;
        Category = error.Category;
        Target = target;
    }

    /// <summary>An error whose category follows its cause; only catalog entries with a <see cref="ShowcaseError.CategoryRule"/> take one.</summary>
    public ShowcaseException(ShowcaseError error, ShowcaseErrorCategory category, object? target, string message, Exception? innerException = null)
        : this(error, target, message, innerException)
    {
        if (category != error.Category && error.CategoryRule is null)
        {
            throw new ArgumentException($"{error.Id} always has the category {error.Category}; give the failure its own catalog entry.", nameof(category));
        }

        Category = category;
    }

    public ShowcaseException()
        : this(ShowcaseErrors.ShowcaseUnexpectedError, null, "An unexpected error occurred.")
    {
    }

    public ShowcaseException(string message)
        : this(ShowcaseErrors.ShowcaseUnexpectedError, null, message)
    {
    }

    public ShowcaseException(string message, Exception innerException)
        : this(ShowcaseErrors.ShowcaseUnexpectedError, null, message, innerException)
    {
    }

    /// <summary>The catalog entry (docs/errors.md).</summary>
    public ShowcaseError Error { get; }

    public string ErrorId { get; }

    public ShowcaseErrorCategory Category { get; }

    public object? Target { get; }

    /// <summary>When true the whole command stops (the failure concerns every input, e.g. no region), else only this item fails.</summary>
    public bool Terminating { get; init; }

    /// <summary>A suggestion shown as the error's RecommendedAction: the throw site's, else the catalog's.</summary>
    public string? RecommendedAction
    {
        get => _recommendedAction ?? Error.RecommendedAction;
        init => _recommendedAction = value;
    }
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
