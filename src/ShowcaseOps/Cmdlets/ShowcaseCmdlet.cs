using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using ShowcaseOps.Core;
using ShowcaseOps.Core.Execution;

namespace ShowcaseOps.Cmdlets;

/// <summary>
/// Base of every ShowcaseOps cmdlet: a template method (<c>ProcessRecord</c> → <see cref="ProcessRecordCore"/>) that
/// turns failures into error records with stable ids, runs async core work while draining its messages on the
/// pipeline thread, always completes progress, and cancels on Ctrl+C.
/// </summary>
public abstract class ShowcaseCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _cancellation = new();
    private bool _disposed;

    private ShowcaseRunspaceState? _runspaceState;

    /// <summary>This runspace's ShowcaseOps state ($ShowcaseOpsSession): sandbox, current cluster, channel.</summary>
    internal ShowcaseRunspaceState RunspaceState => _runspaceState ??= ShowcaseRunspaceState.For(SessionState);

    /// <summary>The engine's view of this runspace's session.</summary>
    internal Core.Session.ShowcaseSession Session => RunspaceState.Session;

    /// <summary>Cancelled when the user presses Ctrl+C (<see cref="StopProcessing"/>).</summary>
    protected CancellationToken CancellationToken => _cancellation.Token;

    protected sealed override void BeginProcessing() => Guard(BeginProcessingCore, null);

    protected sealed override void ProcessRecord() => Guard(ProcessRecordCore, null);

    protected sealed override void EndProcessing() => Guard(EndProcessingCore, null);

    protected override void StopProcessing() => _cancellation.Cancel();

    protected virtual void BeginProcessingCore()
    {
    }

    protected virtual void ProcessRecordCore()
    {
    }

    protected virtual void EndProcessingCore()
    {
    }

    /// <summary>
    /// Runs core work on the thread pool and, until it ends, writes what it reports (verbose, warnings, progress,
    /// objects, per-item errors) from this pipeline thread. Progress activities left open are completed.
    /// </summary>
    protected T Run<T>(Func<IOperationReporter, CancellationToken, Task<T>> work)
    {
        var queue = new PipelineMessageQueue();
        var token = _cancellation.Token;
        var task = Task.Run(() => work(queue, token), token);
        _ = task.ContinueWith(_ => queue.Messages.CompleteAdding(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        var openActivities = new Dictionary<int, ProgressRecord>();
        var drained = false;
        try
        {
            foreach (var message in queue.Messages.GetConsumingEnumerable())
            {
                Dispatch(message, openActivities);
            }

            drained = true;
        }
        catch (PipelineStoppedException)
        {
            _cancellation.Cancel();
            throw;
        }
        finally
        {
            if (drained || !token.IsCancellationRequested)
            {
                CompleteProgress(openActivities);
            }

            queue.Messages.Dispose();
        }

        try
        {
            return task.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }

    /// <summary><see cref="Run{T}"/> for work without a result.</summary>
    protected void Run(Func<IOperationReporter, CancellationToken, Task> work) =>
        Run<bool>(async (reporter, token) =>
        {
            await work(reporter, token).ConfigureAwait(false);
            return true;
        });

    /// <summary>Builds the error record for a <see cref="ShowcaseException"/>: id, category, target, recommended action.</summary>
    protected static ErrorRecord ToErrorRecord(ShowcaseException exception)
    {
        if (exception is null)
        {
            throw new ArgumentNullException(nameof(exception));
        }

        var category = Enum.TryParse<ErrorCategory>(exception.Category.ToString(), out var parsed) ? parsed : ErrorCategory.NotSpecified;
        var record = new ErrorRecord(exception, exception.ErrorId, category, exception.Target);
        if (exception.RecommendedAction is not null)
        {
            record.ErrorDetails = new ErrorDetails(exception.Message) { RecommendedAction = exception.RecommendedAction };
        }

        return record;
    }

    /// <summary>Writes a per-item (non-terminating) error.</summary>
    protected void WriteShowcaseError(ShowcaseException exception) => WriteError(ToErrorRecord(exception));

    /// <summary>Stops the command with a terminating error.</summary>
    protected void ThrowShowcaseError(ShowcaseException exception) => ThrowTerminatingError(ToErrorRecord(exception));

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (!_disposed && disposing)
        {
            _cancellation.Dispose();
        }

        _disposed = true;
    }

    private void Guard(Action action, object? target)
    {
        try
        {
            action();
        }
        catch (PipelineStoppedException)
        {
            throw;
        }
        catch (OperationCanceledException) when (_cancellation.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (ShowcaseException ex)
        {
            if (ex.Terminating)
            {
                ThrowShowcaseError(ex);
            }
            else
            {
                WriteShowcaseError(ex);
            }
        }
        catch (Exception ex) when (ex is not (ParameterBindingException or ActionPreferenceStopException or RuntimeException or OutOfMemoryException))
        {
            ThrowTerminatingError(new ErrorRecord(ex, "ShowcaseUnexpectedError", ErrorCategory.NotSpecified, target));
        }
    }

    private void Dispatch(PipelineMessage message, Dictionary<int, ProgressRecord> openActivities)
    {
        switch (message.Kind)
        {
            case PipelineMessageKind.Verbose:
                WriteVerbose((string)message.Payload);
                break;
            case PipelineMessageKind.Warning:
                WriteWarning((string)message.Payload);
                break;
            case PipelineMessageKind.Output:
                WriteObject(message.Payload);
                break;
            case PipelineMessageKind.Error:
                WriteShowcaseError((ShowcaseException)message.Payload);
                break;
            case PipelineMessageKind.Progress:
                var update = (ProgressUpdate)message.Payload;
                var record = new ProgressRecord(update.ActivityId, update.Activity, string.IsNullOrEmpty(update.Status) ? "…" : update.Status)
                {
                    ParentActivityId = update.ParentActivityId,
                    PercentComplete = Math.Min(100, update.PercentComplete),
                    CurrentOperation = update.CurrentOperation,
                    RecordType = update.Completed ? ProgressRecordType.Completed : ProgressRecordType.Processing,
                };
                if (update.Completed)
                {
                    openActivities.Remove(update.ActivityId);
                }
                else
                {
                    openActivities[update.ActivityId] = record;
                }

                WriteProgress(record);
                break;
        }
    }

    private void CompleteProgress(Dictionary<int, ProgressRecord> openActivities)
    {
        foreach (var open in openActivities.Values)
        {
            open.RecordType = ProgressRecordType.Completed;
            try
            {
                WriteProgress(open);
            }
            catch (PipelineStoppedException)
            {
                return;
            }
        }

        openActivities.Clear();
    }
}
