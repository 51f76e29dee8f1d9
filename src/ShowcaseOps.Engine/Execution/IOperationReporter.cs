namespace ShowcaseOps.Core.Execution;

/// <summary>
/// How core work talks back while it runs. The cmdlet layer queues these and writes them on the pipeline thread;
/// core code never calls PowerShell.
/// </summary>
public interface IOperationReporter
{
    void Verbose(string message);

    void Warning(string message);

    void Progress(ProgressUpdate update);

    /// <summary>Emits an object to the pipeline as soon as it is ready (streaming output).</summary>
    void Output(object value);

    /// <summary>A per-item failure: reported, and the work goes on.</summary>
    void Failure(ShowcaseException failure);
}

/// <summary>One progress record. Every activity that is started must end with <see cref="Completed"/> = true.</summary>
public sealed class ProgressUpdate
{
    public ProgressUpdate(int activityId, string activity, string status)
    {
        ActivityId = activityId;
        Activity = activity;
        Status = status;
    }

    public int ActivityId { get; }

    public int ParentActivityId { get; init; } = -1;

    public string Activity { get; }

    public string Status { get; }

    public string? CurrentOperation { get; init; }

    public int PercentComplete { get; init; } = -1;

    public bool Completed { get; init; }
}

/// <summary>A reporter that drops everything (for tests and for code that runs without a cmdlet).</summary>
public sealed class NullReporter : IOperationReporter
{
    public static readonly NullReporter Instance = new();

    public void Verbose(string message)
    {
    }

    public void Warning(string message)
    {
    }

    public void Progress(ProgressUpdate update)
    {
    }

    public void Output(object value)
    {
    }

    public void Failure(ShowcaseException failure)
    {
    }
}
