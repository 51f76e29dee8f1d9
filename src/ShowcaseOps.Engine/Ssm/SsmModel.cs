using System;
using System.Collections.Generic;
using ShowcaseOps.Core.Execution;

namespace ShowcaseOps.Core.Ssm;

/// <summary>
/// A shell script to run through SSM: a trusted <see cref="Body"/> and untrusted values in <see cref="Environment"/>.
/// Values are never pasted into shell text: they travel base64-encoded and are decoded into exported variables at
/// the top of the script, so any byte sequence (quotes, <c>$()</c>, backticks, newlines) arrives exactly.
/// </summary>
public sealed class SsmScript
{
    public SsmScript(string body, IReadOnlyDictionary<string, string>? environment = null)
    {
        Body = body ?? throw new ArgumentNullException(nameof(body));
        Environment = environment ?? new Dictionary<string, string>();
    }

    /// <summary>POSIX sh text, written by ShowcaseOps (never user input).</summary>
    public string Body { get; }

    /// <summary>Variable name (<c>^[A-Z_][A-Z0-9_]*$</c>) → value (any text without NUL).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; }
}

/// <summary>A host to run on.</summary>
public sealed class SsmTarget
{
    public SsmTarget(string instanceId, string? role = null, string? name = null)
    {
        InstanceId = string.IsNullOrWhiteSpace(instanceId) ? throw new ArgumentException("An instance id is required.", nameof(instanceId)) : instanceId;
        Role = role ?? string.Empty;
        Name = name ?? instanceId;
    }

    public string InstanceId { get; }

    /// <summary>The host's role in the cluster (master, agent, gateway, …), for messages and output.</summary>
    public string Role { get; }

    public string Name { get; }

    public override string ToString() => Role.Length == 0 ? $"{Name} ({InstanceId})" : $"{Name} ({Role}, {InstanceId})";
}

/// <summary>How <see cref="SsmRunner"/> runs a script.</summary>
public sealed class SsmRunOptions
{
    /// <summary>The SendCommand comment (at most 100 characters in all; longer text is shortened).</summary>
    public string Comment { get; set; } = "ShowcaseOps";

    /// <summary>
    /// Marks the command as a platform operation (comment prefix <c>showcaseops:platform</c>): it talks to the platform's
    /// admin APIs, and the sandbox runs it for real against its stand-ins.
    /// </summary>
    public bool PlatformOperation { get; set; }

    /// <summary>AWS-RunShellScript <c>executionTimeout</c> (1 s to 48 h).</summary>
    public TimeSpan ExecutionTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>SendCommand <c>TimeoutSeconds</c>: how long SSM tries to deliver the command (30 s or more).</summary>
    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>AWS-RunShellScript <c>workingDirectory</c> on the host (null = the agent's default).</summary>
    public string? WorkingDirectory { get; set; }

    /// <summary>Return the whole stdout, however long, by saving it on the host and paging it back (see docs/ssm.md).</summary>
    public bool CaptureFullOutput { get; set; }

    /// <summary>Where the host keeps captured output until it has been read back.</summary>
    public string HostOutputDirectory { get; set; } = "/var/tmp/showcaseops";

    /// <summary>First wait before polling an invocation; the wait grows ×1.5 up to <see cref="MaxPollInterval"/>.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxPollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long <c>InvocationDoesNotExist</c> right after SendCommand is tolerated.</summary>
    public TimeSpan InvocationVisibilityTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>When the runner gives up on a host (null: delivery + execution timeout + 1 minute); the host is then cancelled.</summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary>Backoff for throttling and server errors.</summary>
    public RetryPolicy RetryPolicy { get; set; } = RetryPolicy.Aws;

    /// <summary>At most this many SSM calls in flight at once (polls and sends).</summary>
    public int MaxConcurrentCalls { get; set; } = 8;

    /// <summary>Instance ids per SendCommand (AWS allows 50).</summary>
    public int BatchSize { get; set; } = SsmCommandEncoder.MaxInstanceIdsPerCommand;

    /// <summary>Characters kept in <see cref="SsmHostResult.StandardOutputTail"/> and <see cref="SsmHostResult.StandardErrorTail"/>.</summary>
    public int TailLength { get; set; } = 2000;

    public int MaxCommandLineLength { get; set; } = SsmCommandEncoder.DefaultMaxLineLength;

    public int MaxCommandsLength { get; set; } = SsmCommandEncoder.DefaultMaxTotalLength;

    /// <summary>Upper bound on follow-up page commands per host when capturing output.</summary>
    public int MaxOutputPages { get; set; } = 400;

    /// <summary>Progress activity id (so a caller can nest it).</summary>
    public int ProgressActivityId { get; set; } = 4701;

    public int ParentProgressActivityId { get; set; } = -1;
}

/// <summary>Invocation statuses as SSM names them, plus <see cref="NotSent"/> when SendCommand itself failed.</summary>
public enum SsmCommandStatus
{
    Pending,
    InProgress,
    Delayed,
    Success,
    Cancelled,
    TimedOut,
    Failed,
    Cancelling,
    NotSent,
}

/// <summary>The outcome of a script on one host.</summary>
public sealed class SsmHostResult
{
    public string InstanceId { get; init; } = string.Empty;

    public string Role { get; init; } = string.Empty;

    public string Name { get; init; } = string.Empty;

    /// <summary>The SSM command id (null when it was never sent).</summary>
    public string? CommandId { get; init; }

    public SsmCommandStatus Status { get; init; }

    public string StatusDetails { get; init; } = string.Empty;

    /// <summary>The script's exit code; -1 when it did not finish.</summary>
    public int ExitCode { get; init; } = -1;

    public TimeSpan Duration { get; init; }

    /// <summary>
    /// The stdout: whole with <see cref="SsmRunOptions.CaptureFullOutput"/>, otherwise the first 24,000 characters SSM
    /// keeps (see <see cref="StandardOutputTruncated"/>).
    /// </summary>
    public string StandardOutput { get; init; } = string.Empty;

    /// <summary>The first 8,000 characters of stderr (all SSM keeps).</summary>
    public string StandardError { get; init; } = string.Empty;

    public string StandardOutputTail { get; init; } = string.Empty;

    public string StandardErrorTail { get; init; } = string.Empty;

    /// <summary>True when stdout may be cut at SSM's 24,000-character limit or a capture could not be completed.</summary>
    public bool StandardOutputTruncated { get; init; }

    /// <summary>Why the run or the output capture failed, beyond the status (null when nothing to add).</summary>
    public string? Error { get; init; }

    public bool Succeeded => Status == SsmCommandStatus.Success;

    /// <summary>
    /// The failure as a <see cref="ShowcaseException"/> (null when it succeeded): <c>SsmCommandFailed</c>,
    /// <c>SsmCommandTimedOut</c>, <c>SsmCommandCancelled</c> or <c>SsmCommandNotSent</c>, target = the instance id.
    /// </summary>
    public ShowcaseException? ToException()
    {
        if (Succeeded)
        {
            return null;
        }

        var tail = StandardErrorTail.Trim();
        var host = Role.Length == 0 ? $"{Name} ({InstanceId})" : $"{Name} ({Role}, {InstanceId})";
        return Status switch
        {
            SsmCommandStatus.TimedOut => new ShowcaseException("SsmCommandTimedOut", ShowcaseErrorCategory.OperationTimeout, InstanceId, $"The command timed out on {host} ({StatusDetails}).{Suffix(tail)}")
            {
                RecommendedAction = "Check that the host is Online in SSM and raise the execution timeout if the work is legitimately long.",
            },
            SsmCommandStatus.Cancelled or SsmCommandStatus.Cancelling => new ShowcaseException("SsmCommandCancelled", ShowcaseErrorCategory.OperationStopped, InstanceId, $"The command was cancelled on {host}."),
            SsmCommandStatus.NotSent => new ShowcaseException("SsmCommandNotSent", ShowcaseErrorCategory.ResourceUnavailable, InstanceId, $"The command could not be sent to {host}: {Error}")
            {
                RecommendedAction = "Check that the instance exists, is running and is Online in SSM (Get-ShowcaseHost / DescribeInstanceInformation).",
            },
            _ => new ShowcaseException("SsmCommandFailed", ShowcaseErrorCategory.InvalidResult, InstanceId, $"The command failed on {host} with exit code {ExitCode}.{Suffix(tail)}"),
        };

        static string Suffix(string tail) => tail.Length == 0 ? string.Empty : " stderr: " + tail;
    }

    public override string ToString() => $"{Name} {Status} ({ExitCode})";
}
