using System;
using System.Collections.Generic;

namespace ShowcaseOps.Sandbox.StandIns.Ssm;

/// <summary>
/// What a test wants an invocation to do instead of the default (checked, then Success with exit code 0).
/// Matches by instance and/or a predicate; the first matching behaviour wins. A behaviour that sets an outcome
/// (exit code, output, status) replaces the run, even for platform operations; one that only sets
/// <see cref="Delay"/> delays the normal run.
/// </summary>
public sealed class SsmBehavior
{
    /// <summary>Only this instance (null = any).</summary>
    public string? InstanceId { get; set; }

    /// <summary>Only invocations for which this returns true (null = any).</summary>
    public Func<SsmInvocationRecord, bool>? When { get; set; }

    /// <summary>Only commands whose script (or decoded script) contains this text (null = any).</summary>
    public string? ScriptContains { get; set; }

    public int? ExitCode { get; set; }

    public string? StandardOutput { get; set; }

    public string? StandardError { get; set; }

    /// <summary>How long the invocation stays InProgress (default <see cref="SandboxOptions.CommandDuration"/>).</summary>
    public TimeSpan? Delay { get; set; }

    /// <summary><c>Failed</c> or <c>TimedOut</c> (or <c>Success</c>); default: Success for exit code 0, else Failed.</summary>
    public string? Status { get; set; }

    /// <summary>How many invocations this behaviour applies to (null = all).</summary>
    public int? Times { get; set; }

    internal int Used { get; set; }

    internal bool SetsOutcome => ExitCode is not null || StandardOutput is not null || StandardError is not null || Status is not null;

    internal bool Matches(SsmInvocationRecord invocation)
    {
        if (InstanceId is not null && !string.Equals(InstanceId, invocation.InstanceId, StringComparison.Ordinal))
        {
            return false;
        }

        if (ScriptContains is not null
            && invocation.Command.Script.IndexOf(ScriptContains, StringComparison.Ordinal) < 0
            && (invocation.Command.DecodedScript ?? string.Empty).IndexOf(ScriptContains, StringComparison.Ordinal) < 0)
        {
            return false;
        }

        return When is null || When(invocation);
    }
}

/// <summary>The behaviours of the SSM stand-in (thread-safe), plus a hook for anything the list cannot express.</summary>
public sealed class SsmBehaviorList
{
    private readonly object _gate = new();
    private readonly List<SsmBehavior> _behaviors = new();

    /// <summary>Consulted before the list; return null to fall through.</summary>
    public Func<SsmInvocationRecord, SsmBehavior?>? Hook { get; set; }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _behaviors.Count;
            }
        }
    }

    public SsmBehavior Add(SsmBehavior behavior)
    {
        if (behavior is null)
        {
            throw new ArgumentNullException(nameof(behavior));
        }

        lock (_gate)
        {
            _behaviors.Add(behavior);
        }

        return behavior;
    }

    /// <summary>Shorthand: the next commands on <paramref name="instanceId"/> fail with this exit code and stderr.</summary>
    public SsmBehavior FailOn(string instanceId, int exitCode, string standardError = "", int? times = null) =>
        Add(new SsmBehavior { InstanceId = instanceId, ExitCode = exitCode, StandardError = standardError, Times = times });

    public void Clear()
    {
        lock (_gate)
        {
            _behaviors.Clear();
            Hook = null;
        }
    }

    internal SsmBehavior? Match(SsmInvocationRecord invocation)
    {
        var hooked = Hook?.Invoke(invocation);
        if (hooked is not null)
        {
            return hooked;
        }

        lock (_gate)
        {
            foreach (var behavior in _behaviors)
            {
                if ((behavior.Times is null || behavior.Used < behavior.Times) && behavior.Matches(invocation))
                {
                    behavior.Used++;
                    return behavior;
                }
            }
        }

        return null;
    }
}
