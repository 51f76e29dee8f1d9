namespace ShowcaseOps.Core.Marathon;

/// <summary>The stable error ids of the Marathon area (documented in docs/marathon.md).</summary>
public static class MarathonErrors
{
    /// <summary>No app with that id (ObjectNotFound).</summary>
    public const string AppNotFound = "MarathonAppNotFound";

    /// <summary>Create of an id that exists (ResourceExists).</summary>
    public const string AppExists = "MarathonAppExists";

    /// <summary>Bad JSON or an app definition Marathon rejects (InvalidData); the message carries Marathon's details.</summary>
    public const string AppInvalid = "MarathonAppInvalid";

    /// <summary>An app spec file that does not exist or cannot be read (ObjectNotFound / ReadError); New-MarathonApp -Path.</summary>
    public const string AppSpecNotFound = "MarathonAppSpecNotFound";

    /// <summary>A deployment runs for the app (ResourceBusy); <c>-Force</c> overrides it.</summary>
    public const string AppLocked = "MarathonAppLocked";

    /// <summary>A task id that is not (or no longer) there (ObjectNotFound).</summary>
    public const string TaskNotFound = "MarathonTaskNotFound";

    /// <summary>Deployments did not finish in time (OperationTimeout).</summary>
    public const string DeploymentTimeout = "MarathonDeploymentTimeout";

    /// <summary>The request could not be carried to Marathon at all (ConnectionError).</summary>
    public const string Unreachable = "MarathonUnreachable";

    /// <summary>Marathon refused the credentials (PermissionDenied).</summary>
    public const string AccessDenied = "MarathonAccessDenied";

    /// <summary>Marathon failed (5xx) or answered something the client does not understand (InvalidResult).</summary>
    public const string RequestFailed = "MarathonRequestFailed";
}
