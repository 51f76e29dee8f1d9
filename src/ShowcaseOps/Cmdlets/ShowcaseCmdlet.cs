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

    protected sealed override void BeginProcessing() => Guard(
        () =>
        {
            BeforeBeginProcessing();
            AnnounceScope();
            BeginProcessingCore();
        },
        null);

    /// <summary>
    /// Says, before any work, where the command's calls will go (<see cref="Model.ShowcaseContext"/>): with -Verbose as
    /// one "Context:" line, with -WhatIf as the first "What if:" line, so a dry run shows which account it would touch.
    /// </summary>
    private void AnnounceScope()
    {
        // Preference variables set in a script scope can hold strings ('Continue'), so they are converted as PowerShell does.
        var verbose = MyInvocation.BoundParameters.TryGetValue("Verbose", out var boundVerbose)
            ? IsSet(boundVerbose)
            : LanguagePrimitives.TryConvertTo<ActionPreference>(GetVariableValue("VerbosePreference"), out var preference) && preference == ActionPreference.Continue;
        var whatIf = WhatIfRequested;
        if (!verbose && !whatIf)
        {
            return;
        }

        var context = ReadContext();
        if (verbose)
        {
            WriteVerbose("Context: " + context.Describe("AWS: ") + ".");
        }

        if (whatIf && Host?.UI is { } ui)
        {
            ui.WriteLine("What if: context: " + context.Describe("AWS calls would use ") + ".");
        }
    }

    /// <summary>True when this run only shows what it would do: -WhatIf given, or $WhatIfPreference inherited from a caller.</summary>
    private protected bool WhatIfRequested => SupportsShouldProcess && (MyInvocation.BoundParameters.TryGetValue("WhatIf", out var bound)
        ? IsSet(bound)
        : LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference")));

    private bool SupportsShouldProcess =>
        GetType().GetCustomAttributes(typeof(CmdletAttribute), true) is { Length: > 0 } attributes && ((CmdletAttribute)attributes[0]).SupportsShouldProcess;

    /// <summary>The settings the context is read with: the session's (AWS cmdlets add their own parameters).</summary>
    private protected virtual Core.Aws.AwsConnectionSettings ContextSettings => new()
    {
        Defaults = Session.Aws,
        StoredCredentials = UnwrapValue(GetVariableValue("StoredAWSCredentials")),
        StoredRegion = UnwrapValue(GetVariableValue("StoredAWSRegion"))?.ToString(),
    };

    /// <summary>Where this command's calls go: current cluster, channel, sandbox or AWS, region, account, credential source.</summary>
    internal Model.ShowcaseContext ReadContext() => ShowcaseContextReader.Read(RunspaceState, ContextSettings);

    private static object? UnwrapValue(object? value) => value is PSObject wrapped ? wrapped.BaseObject : value;

    /// <summary>Runs once the command-line parameters are bound, before <see cref="BeginProcessingCore"/>.</summary>
    private protected virtual void BeforeBeginProcessing()
    {
    }

    /// <summary>Runs once a record's pipeline parameters are bound; false skips the record (it wrote why).</summary>
    private protected virtual bool BeforeProcessRecord() => true;

    protected sealed override void ProcessRecord() => Guard(
        () =>
        {
            if (BeforeProcessRecord())
            {
                ProcessRecordCore();
            }
        },
        null);

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

            // Let the work finish its own cleanup (SSM CancelCommand, …) before the caller disposes the clients it uses.
            ((IAsyncResult)task).AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(20));
            WriteStopHint();
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

    /// <summary>
    /// What to tell the user when Ctrl+C stops the work now running: what may be left and how to finish or clean up
    /// (set by a cmdlet before a long change; null: nothing to say).
    /// </summary>
    private protected string? StopHint { get; set; }

    // The pipeline is stopping, so Write* would throw: the hint goes to the host directly.
    private void WriteStopHint()
    {
        if (StopHint is null || Host?.UI is not { } ui)
        {
            return;
        }

        try
        {
            ui.WriteWarningLine("Stopped. " + StopHint);
        }
        catch (Exception ex) when (ex is PipelineStoppedException or InvalidOperationException or NotImplementedException)
        {
            // A host without a console (a remote or hosted runspace): nothing more can be said.
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

    // ---- Output remembered for tab completion (CompletionCache) ----

    /// <summary>The cluster this command works on, for output objects that do not name theirs (set once connected).</summary>
    private protected virtual string? OutputCluster { get; set; }

    /// <summary>
    /// WriteObject for what commands produce: engine results become the output types users see
    /// (<see cref="Model.OutputMapper"/>; an engine list is enumerated), and the names the objects carry are remembered
    /// so that tab completion never has to ask AWS.
    /// </summary>
    protected void WriteOutput(object? value, bool enumerateCollection = false)
    {
        value = Model.OutputMapper.Map(value, OutputCluster);
        enumerateCollection |= value is System.Collections.Generic.List<object?>;
        var cache = CompletionCache.For(SessionState);
        if (enumerateCollection && value is System.Collections.IEnumerable many and not string)
        {
            foreach (var item in many)
            {
                cache.Remember(item, OutputCluster);
            }
        }
        else
        {
            cache.Remember(value, OutputCluster);
        }

        WriteObject(value, enumerateCollection);
    }

    /// <summary>Forgets a name this command has removed, so completion no longer offers it.</summary>
    private protected void ForgetForCompletion(CompletionKind kind, string name) => CompletionCache.For(SessionState).Forget(kind, name);

    // ---- Confirmation: the one way every ShowcaseOps change asks before it is made ----

    private const string ConfirmPreferenceVariable = "local:ConfirmPreference";
    private ConfirmImpact? _confirmPreference;
    private bool _yesToAll;
    private bool _noToAll;

    /// <summary>
    /// Asks whether to make a change. ShouldProcess is always asked, so -WhatIf, given or inherited from a calling
    /// function as $WhatIfPreference, always wins (it answers no and prints "What if: …"), -Force or not. The prompt is
    /// ShouldContinue, shown when the change's <paramref name="impact"/> reaches $ConfirmPreference (High by default;
    /// -Confirm:$false means None), and <paramref name="force"/> skips only that prompt — what Stop-Process does:
    /// <c>ShouldProcess(target, action) &amp;&amp; (Force || ShouldContinue(query, caption))</c>. An explicit -Confirm
    /// prompts through ShouldProcess, even with -Force.
    /// </summary>
    /// <remarks>
    /// ShouldProcess itself would prompt whenever the cmdlet's declared ConfirmImpact reaches $ConfirmPreference, also
    /// with -Force, so it is asked with $ConfirmPreference set to None in the caller's scope for the length of the call
    /// (the advanced-function idiom <c>if ($Force) { $ConfirmPreference = 'None' }</c>) and the value restored at once.
    /// The prompt then follows the impact of this change, not of the cmdlet: scaling up asks less than scaling down.
    /// </remarks>
    protected bool ShouldChange(string target, string action, ConfirmImpact impact, bool force)
    {
        if (MyInvocation.BoundParameters.TryGetValue("Confirm", out var confirm) && IsSet(confirm))
        {
            return ShouldProcess(target, action);
        }

        var preference = _confirmPreference ??= ReadConfirmPreference();
        if (!ShouldProcessWithoutPrompt(target, action))
        {
            return false;
        }

        if (force || preference == ConfirmImpact.None || impact < preference)
        {
            return true;
        }

        return !_noToAll && ShouldContinue(
            $"Are you sure you want to perform this action?\nPerforming the operation \"{action}\" on target \"{target}\".",
            "Confirm",
            ref _yesToAll,
            ref _noToAll);
    }

    /// <summary><see cref="ShouldChange(string, string, ConfirmImpact, bool)"/> at the cmdlet's declared ConfirmImpact.</summary>
    protected bool ShouldChange(string target, string action, bool force = false) => ShouldChange(target, action, DeclaredConfirmImpact, force);

    private ConfirmImpact DeclaredConfirmImpact =>
        GetType().GetCustomAttributes(typeof(CmdletAttribute), true) is { Length: > 0 } attributes ? ((CmdletAttribute)attributes[0]).ConfirmImpact : ConfirmImpact.Medium;

    private ConfirmImpact ReadConfirmPreference()
    {
        if (MyInvocation.BoundParameters.ContainsKey("Confirm"))
        {
            return ConfirmImpact.None;
        }

        return LanguagePrimitives.TryConvertTo<ConfirmImpact>(GetVariableValue("ConfirmPreference"), out var value) ? value : ConfirmImpact.High;
    }

    private bool ShouldProcessWithoutPrompt(string target, string action)
    {
        var variables = SessionState.PSVariable;
        var visible = GetVariableValue("ConfirmPreference");
        var local = variables.Get(ConfirmPreferenceVariable);
        var saved = local?.Value;
        variables.Set(ConfirmPreferenceVariable, ConfirmImpact.None);
        try
        {
            return ShouldProcess(target, action);
        }
        finally
        {
            if (local is not null)
            {
                variables.Set(ConfirmPreferenceVariable, saved);
            }
            else
            {
                try
                {
                    variables.Remove(ConfirmPreferenceVariable);
                }
                catch (SessionStateException)
                {
                    // A function's own slot (an optimized local) cannot be removed: give it back the value it saw.
                    variables.Set(ConfirmPreferenceVariable, visible);
                }
            }
        }
    }

    private static bool IsSet(object? value) => value switch
    {
        bool b => b,
        SwitchParameter s => s.IsPresent,
        PSObject p => IsSet(p.BaseObject),
        _ => false,
    };

    // ---- end of confirmation ----

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
            ThrowTerminatingError(ToErrorRecord(new ShowcaseException(ShowcaseErrors.ShowcaseUnexpectedError, target, ex.Message, ex)));
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
                WriteOutput(message.Payload);
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
