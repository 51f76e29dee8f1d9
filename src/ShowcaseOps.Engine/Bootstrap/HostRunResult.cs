using System;

namespace ShowcaseOps.Core.Bootstrap;

/// <summary>What happened on one host (Invoke-ShowcaseBootstrap, Invoke-ShowcaseCommand, New-/Set-ShowcaseCluster).</summary>
public enum HostRunStatus
{
    /// <summary>The script ended with exit code 0.</summary>
    Success,

    /// <summary>The script ended with another exit code (see ExitCode, StderrTail).</summary>
    Failed,

    /// <summary>SSM stopped the script at its execution timeout.</summary>
    TimedOut,

    /// <summary>The command was cancelled (Ctrl+C).</summary>
    Cancelled,

    /// <summary>The command never reached the host (not Online in SSM, stopped, rejected by SendCommand).</summary>
    NotSent,

    /// <summary>Nothing to do: the bootstrap already succeeded on this host with the current scripts (use -Force to re-run).</summary>
    Skipped,

    /// <summary>
    /// The sandbox's SSM stand-in answered without running the script (it only checks its syntax with <c>sh -n</c>): the
    /// exit code 0 is not the script's. Invoke-ShowcaseCommand reports it so; a real SSM agent never answers this.
    /// </summary>
    Simulated,
}

/// <summary>The outcome of a script on one host of a cluster.</summary>
public sealed class HostRunResult
{
    internal HostRunResult()
    {
    }

    /// <summary>The cluster's name.</summary>
    public string Cluster { get; internal set; } = string.Empty;

    public string InstanceId { get; internal set; } = string.Empty;

    /// <summary>The host's Name tag (demo-master, demo-agent-2).</summary>
    public string Name { get; internal set; } = string.Empty;

    /// <summary>gateway, master or agent.</summary>
    public string Role { get; internal set; } = string.Empty;

    public HostRunStatus Status { get; internal set; }

    /// <summary>The script's exit code; -1 when it did not finish (or did not run).</summary>
    public int ExitCode { get; internal set; } = -1;

    public TimeSpan Duration { get; internal set; }

    /// <summary>The last 2,000 characters of stdout.</summary>
    public string StdoutTail { get; internal set; } = string.Empty;

    /// <summary>The last 2,000 characters of stderr.</summary>
    public string StderrTail { get; internal set; } = string.Empty;

    /// <summary>
    /// The stdout: complete for Invoke-ShowcaseCommand (paged back beyond SSM's 24,000 characters), the first 24,000
    /// characters for a bootstrap (whose steps print little).
    /// </summary>
    public string StandardOutput { get; internal set; } = string.Empty;

    /// <summary>The first 8,000 characters of stderr (all SSM keeps).</summary>
    public string StandardError { get; internal set; } = string.Empty;

    /// <summary>True when StandardOutput may be incomplete.</summary>
    public bool StandardOutputTruncated { get; internal set; }

    /// <summary>The SSM command id (null when nothing was sent).</summary>
    public string? CommandId { get; internal set; }

    /// <summary>Bootstrap only: the step that failed (from the SHOWCASE-BOOTSTRAP-FAILED line).</summary>
    public string? FailedStep { get; internal set; }

    /// <summary>Bootstrap only: the version (hash) of the role's scripts, as recorded in the showcase:bootstrap-version tag.</summary>
    public string? BootstrapVersion { get; internal set; }

    /// <summary>Why it failed or was skipped, in words (empty when it succeeded).</summary>
    public string Message { get; internal set; } = string.Empty;

    public bool Succeeded => Status is HostRunStatus.Success or HostRunStatus.Skipped;

    public override string ToString() => $"{Name} {Status} ({ExitCode})";
}
