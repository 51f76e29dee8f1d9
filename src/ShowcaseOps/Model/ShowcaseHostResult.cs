using System;
using ShowcaseOps.Core.Bootstrap;

namespace ShowcaseOps.Model;

/// <summary>What happened on one host (Invoke-ShowcaseBootstrap, Invoke-ShowcaseCommand, New-/Set-ShowcaseCluster).</summary>
public enum ShowcaseHostStatus
{
    /// <summary>The script ended with exit code 0.</summary>
    Success = (int)HostRunStatus.Success,

    /// <summary>The script ended with another exit code (see ExitCode, StderrTail).</summary>
    Failed = (int)HostRunStatus.Failed,

    /// <summary>SSM stopped the script at its execution timeout.</summary>
    TimedOut = (int)HostRunStatus.TimedOut,

    /// <summary>The command was cancelled (Ctrl+C).</summary>
    Cancelled = (int)HostRunStatus.Cancelled,

    /// <summary>The command never reached the host (not Online in SSM, stopped, rejected by SendCommand).</summary>
    NotSent = (int)HostRunStatus.NotSent,

    /// <summary>Nothing to do: the bootstrap already succeeded on this host with the current scripts (use -Force to re-run).</summary>
    Skipped = (int)HostRunStatus.Skipped,

    /// <summary>The sandbox checked the script's syntax but did not run it: ExitCode 0 is not the script's.</summary>
    Simulated = (int)HostRunStatus.Simulated,
}

/// <summary>The outcome of a script on one host of a cluster.</summary>
public sealed class ShowcaseHostResult
{
    internal ShowcaseHostResult(HostRunResult result)
    {
        Cluster = result.Cluster;
        InstanceId = result.InstanceId;
        Name = result.Name;
        Role = result.Role;
        Status = (ShowcaseHostStatus)(int)result.Status;
        ExitCode = result.ExitCode;
        Duration = result.Duration;
        StdoutTail = result.StdoutTail;
        StderrTail = result.StderrTail;
        StandardOutput = result.StandardOutput;
        StandardError = result.StandardError;
        StandardOutputTruncated = result.StandardOutputTruncated;
        CommandId = result.CommandId;
        FailedStep = result.FailedStep;
        BootstrapVersion = result.BootstrapVersion;
        Message = result.Message;
    }

    /// <summary>The cluster's name.</summary>
    public string Cluster { get; }

    public string InstanceId { get; }

    /// <summary>The host's Name tag (demo-master, demo-agent-2).</summary>
    public string Name { get; }

    /// <summary>gateway, master or agent.</summary>
    public string Role { get; }

    public ShowcaseHostStatus Status { get; }

    /// <summary>The script's exit code; -1 when it did not finish (or did not run).</summary>
    public int ExitCode { get; }

    public TimeSpan Duration { get; }

    /// <summary>The last 2,000 characters of stdout.</summary>
    public string StdoutTail { get; }

    /// <summary>The last 2,000 characters of stderr.</summary>
    public string StderrTail { get; }

    /// <summary>
    /// The stdout: complete for Invoke-ShowcaseCommand (paged back beyond SSM's 24,000 characters), the first 24,000
    /// characters for a bootstrap (whose steps print little).
    /// </summary>
    public string StandardOutput { get; }

    /// <summary>The first 8,000 characters of stderr (all SSM keeps).</summary>
    public string StandardError { get; }

    /// <summary>True when StandardOutput may be incomplete.</summary>
    public bool StandardOutputTruncated { get; }

    /// <summary>The SSM command id (null when nothing was sent).</summary>
    public string? CommandId { get; }

    /// <summary>Bootstrap only: the step that failed (from the SHOWCASE-BOOTSTRAP-FAILED line).</summary>
    public string? FailedStep { get; }

    /// <summary>Bootstrap only: the version (hash) of the role's scripts, as recorded in the showcase:bootstrap-version tag.</summary>
    public string? BootstrapVersion { get; }

    /// <summary>Why it failed or was skipped, in words (empty when it succeeded).</summary>
    public string Message { get; }

    public bool Succeeded => Status is ShowcaseHostStatus.Success or ShowcaseHostStatus.Skipped;

    public override string ToString() => $"{Name} {Status} ({ExitCode})";
}
