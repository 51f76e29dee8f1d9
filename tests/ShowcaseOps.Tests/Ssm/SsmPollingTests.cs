using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ShowcaseOps.Core.Execution;
using ShowcaseOps.Core.Ssm;
using ShowcaseOps.Sandbox;
using Xunit;

namespace ShowcaseOps.Tests.Ssm;

/// <summary>Status polling costs one ListCommandInvocations per command per interval, not one call per host.</summary>
public sealed class SsmPollingTests : IDisposable
{
    private readonly SsmTestSandbox _sandbox = new(new SandboxOptions { CommandDuration = TimeSpan.FromMilliseconds(400), SsmOnlineDelay = TimeSpan.FromMilliseconds(10) });

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task Many_hosts_are_polled_with_one_list_call_per_command_per_interval()
    {
        const int hosts = 120;
        var targets = _sandbox.AddHosts(hosts);
        var options = SsmTestSandbox.FastOptions(o =>
        {
            o.PollInterval = TimeSpan.FromMilliseconds(40);
            o.MaxPollInterval = TimeSpan.FromMilliseconds(40);
        });

        var results = await SsmRunner.Create(_sandbox.Ssm).RunAsync(new SsmScript("true"), targets, options, NullReporter.Instance, CancellationToken.None);

        Assert.All(results, r => Assert.Equal(SsmCommandStatus.Success, r.Status));
        var commands = _sandbox.Host.Ssm.Commands;
        Assert.Equal(3, commands.Count);
        var lists = _sandbox.Host.Log.Entries.Where(e => e.Service == "ssm" && e.Operation == "ListCommandInvocations").ToList();
        var perCommand = lists.GroupBy(e => e.Target).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(commands.Select(c => c.CommandId).OrderBy(id => id), perCommand.Keys.OrderBy(id => id));

        // Intervals: the most list calls any command needed (each asks MaxResults 50, so one page per command).
        var intervals = perCommand.Values.Max();
        Assert.True(intervals >= 5, $"the commands run for about 10 intervals; only {intervals} polls");
        Assert.True(lists.Count <= (hosts + 49) / 50 * intervals, $"{lists.Count} list calls for {intervals} intervals");

        // GetCommandInvocation only fetches output: once per host, plus the one not-yet-visible answer the sandbox gives.
        var gets = _sandbox.Host.Log.Count("ssm", "GetCommandInvocation");
        Assert.InRange(gets, hosts, 2 * hosts);
        Assert.All(_sandbox.Host.Ssm.Invocations(), i => Assert.InRange(i.GetCalls, 1, 2));
    }

    [Fact]
    public async Task Output_still_comes_from_GetCommandInvocation_in_full()
    {
        var targets = _sandbox.AddHosts(2);
        _sandbox.Host.Ssm.Behaviors.Add(new ShowcaseOps.Sandbox.StandIns.Ssm.SsmBehavior { StandardOutput = new string('x', 5000), ExitCode = 0 });
        var results = await SsmRunner.Create(_sandbox.Ssm).RunAsync(new SsmScript("true"), targets, SsmTestSandbox.FastOptions(), NullReporter.Instance, CancellationToken.None);
        Assert.All(results, r => Assert.Equal(5000, r.StandardOutput.Length));
    }
}
