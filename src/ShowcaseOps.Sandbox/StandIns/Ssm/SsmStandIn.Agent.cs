using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ShowcaseOps.Sandbox.StandIns.Ssm;

namespace ShowcaseOps.Sandbox.StandIns;

/// <summary>The simulated SSM agent: one command at a time per instance.</summary>
public sealed partial class SsmStandIn
{
    private void Track(Task task)
    {
        _running[task] = 0;
        _ = task.ContinueWith(t => _running.TryRemove(t, out _), TaskScheduler.Default);
    }

    private async Task RunInvocationAsync(SsmInvocationRecord invocation)
    {
        var command = invocation.Command;
        var token = invocation.Cancellation.Token;
        var gate = _agents.GetOrAdd(invocation.InstanceId, _ => new SemaphoreSlim(1, 1));
        var entered = false;
        try
        {
            await gate.WaitAsync(token).ConfigureAwait(false);
            entered = true;
            if (!await WaitForDeliveryAsync(invocation, token).ConfigureAwait(false) || !invocation.TryStart())
            {
                return;
            }

            var executionTimeout = TimeSpan.FromSeconds(command.ExecutionTimeoutSeconds);
            var behavior = Behaviors.Match(invocation);
            if (behavior is { SetsOutcome: true })
            {
                await SimulateAsync(invocation, behavior, executionTimeout, token).ConfigureAwait(false);
                return;
            }

            if (behavior?.Delay is { } extra)
            {
                await Task.Delay(extra, token).ConfigureAwait(false);
            }

            if (command.IsPlatformOperation)
            {
                var timeout = executionTimeout < PlatformScriptTimeout ? executionTimeout : PlatformScriptTimeout;
                ShellResult result;
                using (var groups = SsmSecurityGroupView.Create(Host, invocation.InstanceId))
                {
                    var environment = PlatformEnvironment().Concat(groups.Environment).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
                    environment["SHOWCASEOPS_INSTANCE_ID"] = invocation.InstanceId;
                    result = await ShellRunner.RunAsync(command.Script, environment, timeout, token).ConfigureAwait(false);
                    foreach (var denied in groups.DeniedRequests())
                    {
                        Host.Ec2.NoteDeniedConnection($"{invocation.InstanceId} (platform script of command {command.CommandId}): security groups refuse {denied.Trim()}");
                    }
                }

                if (result.Cancelled)
                {
                    invocation.Complete(SsmStatus.Cancelled, SsmStatus.Cancelled, -1, result.StandardOutput, result.StandardError, true);
                }
                else if (result.TimedOut)
                {
                    invocation.Complete(SsmStatus.TimedOut, "ExecutionTimedOut", -1, result.StandardOutput, result.StandardError, true);
                }
                else
                {
                    var ok = result.ExitCode == 0;
                    invocation.Complete(ok ? SsmStatus.Success : SsmStatus.Failed, ok ? SsmStatus.Success : SsmStatus.Failed, result.ExitCode, result.StandardOutput, result.StandardError, true);
                }

                return;
            }

            var check = await SyntaxCheckAsync(command).ConfigureAwait(false);
            var duration = Host.Options.CommandDuration;
            if (duration > executionTimeout)
            {
                await Task.Delay(executionTimeout, token).ConfigureAwait(false);
                invocation.Complete(SsmStatus.TimedOut, "ExecutionTimedOut", -1, string.Empty, string.Empty, false);
                return;
            }

            await Task.Delay(duration, token).ConfigureAwait(false);
            if (check.ExitCode != 0)
            {
                invocation.Complete(SsmStatus.Failed, SsmStatus.Failed, check.ExitCode, string.Empty, check.StandardError, false);
            }
            else
            {
                // Not run (the sandbox runs only platform scripts for real): StatusDetails says so, and
                // Invoke-ShowcaseCommand reports the host as Simulated rather than a Success the script never earned.
                invocation.Complete(SsmStatus.Success, "Simulated", 0, string.Empty, string.Empty, false);
            }
        }
        catch (OperationCanceledException)
        {
            invocation.Complete(SsmStatus.Cancelled, SsmStatus.Cancelled, -1, string.Empty, string.Empty, false);
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or System.IO.IOException or InvalidOperationException)
        {
            invocation.Complete(SsmStatus.Failed, SsmStatus.Failed, 1, string.Empty, "sandbox agent failed: " + ex.Message, false);
        }
        finally
        {
            if (entered)
            {
                gate.Release();
            }
        }
    }

    /// <summary>Waits while the agent is not online (ConnectionLost); gives up after the delivery timeout.</summary>
    private async Task<bool> WaitForDeliveryAsync(SsmInvocationRecord invocation, CancellationToken token)
    {
        var deadline = invocation.Command.RequestedAt.AddSeconds(invocation.Command.TimeoutSeconds ?? 3600);
        while (!ManagedInstances(DateTime.UtcNow).Any(m => m.Instance.InstanceId == invocation.InstanceId && m.PingStatus == "Online"))
        {
            if (DateTime.UtcNow >= deadline)
            {
                invocation.Complete(SsmStatus.TimedOut, "DeliveryTimedOut", -1, string.Empty, string.Empty, false);
                return false;
            }

            await Task.Delay(50, token).ConfigureAwait(false);
        }

        return true;
    }

    private async Task SimulateAsync(SsmInvocationRecord invocation, SsmBehavior behavior, TimeSpan executionTimeout, CancellationToken token)
    {
        var delay = behavior.Delay ?? Host.Options.CommandDuration;
        if (delay > executionTimeout)
        {
            await Task.Delay(executionTimeout, token).ConfigureAwait(false);
            invocation.Complete(SsmStatus.TimedOut, "ExecutionTimedOut", -1, behavior.StandardOutput ?? string.Empty, behavior.StandardError ?? string.Empty, false);
            return;
        }

        await Task.Delay(delay, token).ConfigureAwait(false);
        var status = behavior.Status ?? (behavior.ExitCode is null or 0 ? SsmStatus.Success : SsmStatus.Failed);
        var exitCode = behavior.ExitCode ?? status switch
        {
            SsmStatus.Success => 0,
            SsmStatus.Failed => 1,
            _ => -1,
        };
        var details = status == SsmStatus.TimedOut ? "ExecutionTimedOut" : status;
        invocation.Complete(status, details, exitCode, behavior.StandardOutput ?? string.Empty, behavior.StandardError ?? string.Empty, false);
    }

    /// <summary><c>sh -n</c> on the script as received and, when recognised, on the decoded inner script; once per command.</summary>
    private static Task<ShellResult> SyntaxCheckAsync(SsmCommandRecord command)
    {
        lock (command)
        {
            return command.SyntaxCheck ??= Task.Run(async () =>
            {
                var outer = await ShellRunner.CheckSyntaxAsync(command.Script, CancellationToken.None).ConfigureAwait(false);
                if (outer.ExitCode != 0 || command.DecodedScript is null)
                {
                    return outer;
                }

                return await ShellRunner.CheckSyntaxAsync(command.DecodedScript, CancellationToken.None).ConfigureAwait(false);
            });
        }
    }

    /// <summary>The instances SSM knows: running ones are Online once <see cref="SandboxOptions.SsmOnlineDelay"/> has passed.</summary>
    internal IEnumerable<(SandboxInstanceInfo Instance, string PingStatus, DateTime LastPing)> ManagedInstances(DateTime now)
    {
        foreach (var instance in Host.Ec2.GetInstances().OrderBy(i => i.InstanceId, StringComparer.Ordinal))
        {
            if (_offline.ContainsKey(instance.InstanceId) || instance.RunningSince is not { } running)
            {
                continue;
            }

            var onlineAt = running + Host.Options.SsmOnlineDelay;
            if (instance.State == "running" && now >= onlineAt)
            {
                yield return (instance, "Online", now);
            }
            else if (instance.State is "stopping" or "stopped" && now >= onlineAt)
            {
                yield return (instance, "ConnectionLost", onlineAt);
            }
        }
    }
}
