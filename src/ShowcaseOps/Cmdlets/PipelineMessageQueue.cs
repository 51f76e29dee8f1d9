using System.Collections.Concurrent;
using ShowcaseOps.Core;
using ShowcaseOps.Core.Execution;

namespace ShowcaseOps.Cmdlets;

/// <summary>Worker threads enqueue; the pipeline thread drains (see <see cref="ShowcaseCmdlet.Run{T}"/>).</summary>
internal sealed class PipelineMessageQueue : IOperationReporter
{
    public BlockingCollection<PipelineMessage> Messages { get; } = new();

    public void Verbose(string message) => TryAdd(new PipelineMessage(PipelineMessageKind.Verbose, message));

    public void Warning(string message) => TryAdd(new PipelineMessage(PipelineMessageKind.Warning, message));

    public void Progress(ProgressUpdate update) => TryAdd(new PipelineMessage(PipelineMessageKind.Progress, update));

    public void Output(object value) => TryAdd(new PipelineMessage(PipelineMessageKind.Output, value));

    public void Failure(ShowcaseException failure) => TryAdd(new PipelineMessage(PipelineMessageKind.Error, failure));

    private void TryAdd(PipelineMessage message)
    {
        try
        {
            Messages.Add(message);
        }
        catch (System.InvalidOperationException)
        {
            // The pipeline stopped draining (Ctrl+C or a downstream Select -First): nobody is listening any more.
        }
    }
}

internal enum PipelineMessageKind
{
    Verbose,
    Warning,
    Progress,
    Output,
    Error,
}

internal readonly struct PipelineMessage
{
    public PipelineMessage(PipelineMessageKind kind, object payload)
    {
        Kind = kind;
        Payload = payload;
    }

    public PipelineMessageKind Kind { get; }

    public object Payload { get; }
}
