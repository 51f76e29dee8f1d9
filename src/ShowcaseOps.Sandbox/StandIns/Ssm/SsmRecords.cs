using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;

namespace ShowcaseOps.Sandbox.StandIns.Ssm;

/// <summary>Run Command statuses, spelled as the API spells them.</summary>
public static class SsmStatus
{
    public const string Pending = "Pending";
    public const string InProgress = "InProgress";
    public const string Delayed = "Delayed";
    public const string Success = "Success";
    public const string Cancelled = "Cancelled";
    public const string TimedOut = "TimedOut";
    public const string Failed = "Failed";
    public const string Cancelling = "Cancelling";

    public static bool IsTerminal(string status) => status is Success or Cancelled or TimedOut or Failed;
}

/// <summary>One <c>SendCommand</c> as the stand-in received it (test-visible).</summary>
public sealed class SsmCommandRecord
{
    private readonly List<SsmInvocationRecord> _invocations = new();
    private int _listCalls;

    internal SsmCommandRecord(
        string commandId,
        string documentName,
        string comment,
        IReadOnlyDictionary<string, IReadOnlyList<string>> parameters,
        IReadOnlyList<string> instanceIds,
        int? timeoutSeconds,
        DateTime requestedAt)
    {
        CommandId = commandId;
        DocumentName = documentName;
        Comment = comment;
        Parameters = parameters;
        InstanceIds = instanceIds;
        TimeoutSeconds = timeoutSeconds;
        RequestedAt = requestedAt;
        Commands = parameters.TryGetValue("commands", out var commands) ? commands : Array.Empty<string>();
        Script = string.Join("\n", Commands);
        DecodedScript = SsmScriptDecoder.TryDecode(Commands);
        WorkingDirectory = parameters.TryGetValue("workingDirectory", out var wd) && wd.Count > 0 ? wd[0] : null;
        ExecutionTimeoutSeconds = parameters.TryGetValue("executionTimeout", out var et) && et.Count > 0
            && int.TryParse(et[0], System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            ? seconds
            : 3600;
    }

    public string CommandId { get; }

    /// <summary>How many ListCommandInvocations calls have named this command.</summary>
    public int ListCalls => Volatile.Read(ref _listCalls);

    internal int CountList() => Interlocked.Increment(ref _listCalls);

    public string DocumentName { get; }

    public string Comment { get; }

    /// <summary>The document parameters exactly as sent (<c>commands</c>, <c>workingDirectory</c>, <c>executionTimeout</c>).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Parameters { get; }

    /// <summary>The <c>commands</c> parameter, one entry per line as sent.</summary>
    public IReadOnlyList<string> Commands { get; }

    /// <summary>The script the agent would run: the commands joined with newlines, as received.</summary>
    public string Script { get; }

    /// <summary>
    /// When the commands carry a gzip+base64 payload in ShowcaseOps' encoding (<c>printf '%s' '…' | base64 -d | gunzip</c>),
    /// the decoded inner script; otherwise null. Lets tests assert on what a host would really run.
    /// </summary>
    public string? DecodedScript { get; }

    public string? WorkingDirectory { get; }

    public int ExecutionTimeoutSeconds { get; }

    /// <summary>The delivery timeout (<c>TimeoutSeconds</c>) of the request, if given.</summary>
    public int? TimeoutSeconds { get; }

    public IReadOnlyList<string> InstanceIds { get; }

    public DateTime RequestedAt { get; }

    /// <summary>True when the comment starts with <c>showcaseops:platform</c>: the stand-in runs the script for real.</summary>
    public bool IsPlatformOperation => Comment.StartsWith(SsmStandIn.PlatformCommentPrefix, StringComparison.Ordinal);

    public IReadOnlyList<SsmInvocationRecord> Invocations
    {
        get
        {
            lock (_invocations)
            {
                return _invocations.ToArray();
            }
        }
    }

    /// <summary>The command-level status AWS derives from the invocations.</summary>
    public string Status
    {
        get
        {
            var statuses = Invocations.Select(i => i.Status).ToList();
            if (statuses.Count == 0)
            {
                return SsmStatus.Pending;
            }

            if (statuses.Any(s => !SsmStatus.IsTerminal(s)))
            {
                return statuses.All(s => s == SsmStatus.Pending) ? SsmStatus.Pending : SsmStatus.InProgress;
            }

            if (statuses.Contains(SsmStatus.Failed))
            {
                return SsmStatus.Failed;
            }

            if (statuses.Contains(SsmStatus.TimedOut))
            {
                return SsmStatus.TimedOut;
            }

            return statuses.Contains(SsmStatus.Cancelled) ? SsmStatus.Cancelled : SsmStatus.Success;
        }
    }

    internal System.Threading.Tasks.Task<ShellResult>? SyntaxCheck { get; set; }

    internal void Add(SsmInvocationRecord invocation)
    {
        lock (_invocations)
        {
            _invocations.Add(invocation);
        }
    }
}

/// <summary>One command on one instance (test-visible).</summary>
public sealed class SsmInvocationRecord
{
    private readonly object _gate = new();

    internal SsmInvocationRecord(SsmCommandRecord command, string instanceId)
    {
        Command = command;
        InstanceId = instanceId;
    }

    public SsmCommandRecord Command { get; }

    public string CommandId => Command.CommandId;

    public string InstanceId { get; }

    public string Status { get; private set; } = SsmStatus.Pending;

    public string StatusDetails { get; private set; } = SsmStatus.Pending;

    /// <summary>The script's exit code; -1 while not finished (and for cancelled or timed-out runs unless a behaviour says otherwise).</summary>
    public int ResponseCode { get; private set; } = -1;

    public DateTime? StartedAt { get; private set; }

    public DateTime? EndedAt { get; private set; }

    /// <summary>The whole stdout (the API only shows the first 24,000 characters of it).</summary>
    public string StandardOutput { get; private set; } = string.Empty;

    /// <summary>The whole stderr (the API only shows the first 8,000 characters of it).</summary>
    public string StandardError { get; private set; } = string.Empty;

    /// <summary>True when the script really ran on this machine (a platform operation), false when it was only checked and simulated.</summary>
    public bool Executed { get; private set; }

    /// <summary>How many <c>GetCommandInvocation</c> calls have asked for this invocation.</summary>
    public int GetCalls => _getCalls;

    public bool IsTerminal => SsmStatus.IsTerminal(Status);

    internal CancellationTokenSource Cancellation { get; } = new();

    private int _getCalls;

    internal int CountGet() => Interlocked.Increment(ref _getCalls);

    internal bool TryStart()
    {
        lock (_gate)
        {
            if (Status != SsmStatus.Pending)
            {
                return false;
            }

            Status = SsmStatus.InProgress;
            StatusDetails = SsmStatus.InProgress;
            StartedAt = DateTime.UtcNow;
            return true;
        }
    }

    internal void Complete(string status, string details, int responseCode, string stdout, string stderr, bool executed)
    {
        lock (_gate)
        {
            if (IsTerminal)
            {
                return;
            }

            // Outputs first, status last: readers look at the status first.
            StandardOutput = stdout;
            StandardError = stderr;
            Executed = executed;
            ResponseCode = responseCode;
            EndedAt = DateTime.UtcNow;
            StartedAt ??= EndedAt;
            StatusDetails = details;
            Status = status;
        }
    }

    /// <summary>CancelCommand: a pending invocation is cancelled at once, a running one goes through Cancelling.</summary>
    internal void RequestCancel()
    {
        lock (_gate)
        {
            if (IsTerminal)
            {
                return;
            }

            if (Status == SsmStatus.InProgress)
            {
                Status = SsmStatus.Cancelling;
                StatusDetails = SsmStatus.Cancelling;
            }
        }

        try
        {
            Cancellation.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public override string ToString() => $"{CommandId} {InstanceId} {Status} ({ResponseCode})";
}
