using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ShowcaseOps.Core.Execution;
using ShowcaseOps.Core.Platform;
using ShowcaseOps.Core.Sync;
using ShowcaseOps.Tests.Ssm;
using Xunit;

namespace ShowcaseOps.Tests.Sync;

public sealed class SyncSsmTests : IDisposable
{
    private readonly SsmTestSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task Over_SSM_a_sync_is_one_read_command_and_one_write_command_and_then_one_read_only()
    {
        var channel = _sandbox.AddGatewayChannel();
        var engine = new SyncEngine(channel, "service.consul");
        _sandbox.Host.Marathon.SeedApps(4, 3);

        // First sync ever: the hints are empty and no backend exists yet, so the read is one command too.
        var snapshot = await engine.ReadAsync(NullReporter.Instance, CancellationToken.None);
        var plan = engine.Plan(snapshot);
        var results = await engine.ApplyAsync(plan.Changes, NullReporter.Instance, CancellationToken.None);
        Assert.All(results, r => Assert.True(r.Succeeded, r.Error));
        Assert.Equal(1, snapshot.ReadBatches);
        Assert.Equal(2, _sandbox.Host.Log.Count("ssm", "SendCommand"));
        Assert.Equal(4 * 3 + 4 * 3 + 4 * 3, plan.Changes.Count); // per service: Consul, Vulcand, Kong; per instance: Consul, Vulcand

        var mark = new SandboxLogMark(_sandbox.Host);
        var again = engine.Plan(await engine.ReadAsync(NullReporter.Instance, CancellationToken.None));

        Assert.Empty(again.Changes);
        Assert.Equal(1, mark.Count("ssm", "SendCommand"));
        Assert.Empty(mark.Writes());
        Assert.DoesNotContain(_sandbox.Host.Log.Entries, e => e.Time >= DateTime.UtcNow.AddMinutes(-1) && e.Service == "marathon" && global::ShowcaseOps.Sandbox.Hosting.RequestLog.IsWrite(e.Operation));
    }
}

public sealed class SyncWatchTests : IDisposable
{
    private readonly SyncTestWorld _world = new();

    public void Dispose() => _world.Dispose();

    [Theory]
    [InlineData(true, 0.5, 0.0, 11)]
    [InlineData(true, 0.0, 0.6, 12)]
    [InlineData(true, 0.4, 0.4, 13)]
    public async Task Shuffled_duplicated_or_dropped_events_do_not_change_the_end_state(bool shuffle, double duplicate, double drop, int seed)
    {
        var chaos = _world.Host.Marathon.EventChaos;
        chaos.Shuffle = shuffle;
        chaos.DuplicateRate = duplicate;
        chaos.DropRate = drop;
        chaos.Seed = seed;
        _world.Host.Marathon.SeedApp(SyncTestWorld.App("/web", 2));
        using var trigger = new SyncTrigger(_world.Endpoints.Marathon!, new SyncTriggerOptions { InitialBackoff = TimeSpan.FromMilliseconds(20) });
        trigger.Start();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var cycles = 0;
        var loop = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await _world.SyncAsync();
                cycles++;
                // A short timer: the end state must come from snapshots, whatever the events did.
                await trigger.WaitAsync(TimeSpan.FromMilliseconds(500), null, stop.Token);
            }
        });

        await WaitUntilAsync(() => _world.Host.Marathon.EventStreamCount > 0);
        await _world.ScaleAsync("/web", 6);
        _world.Host.Marathon.KillTask(_world.Host.Marathon.TaskIds("/web")[0]);
        _world.Host.Marathon.KillEventStreams();
        await _world.ScaleAsync("/web", 3);
        await _world.Marathon.CreateAppAsync(SyncTestWorld.App("/api", 2), NullReporter.Instance, CancellationToken.None);
        await _world.WaitSettledAsync("/api");
        await _world.WaitSettledAsync("/web");

        await WaitUntilAsync(() => _world.ConvergedAsync().GetAwaiter().GetResult(), TimeSpan.FromSeconds(10));
        stop.Cancel();
        try
        {
            await loop;
        }
        catch (OperationCanceledException)
        {
            // The wait was cancelled: the loop is over.
        }

        Assert.True(await _world.ConvergedAsync());
        Assert.True(trigger.Connections >= 2, "the stream was killed once: the trigger reconnects");
        Assert.True(cycles >= 2);
    }

    [Fact]
    public async Task A_burst_of_events_is_coalesced_into_one_trigger()
    {
        using var trigger = new SyncTrigger(_world.Endpoints.Marathon!);
        trigger.Start();
        await WaitUntilAsync(() => _world.Host.Marathon.EventStreamCount > 0);
        _world.Host.Marathon.SeedApp(SyncTestWorld.App("/web", 1, healthChecks: true));
        var task = _world.Host.Marathon.TaskIds("/web")[0];
        var started = DateTime.UtcNow;
        for (var i = 0; i < 10; i++)
        {
            _world.Host.Marathon.SetTaskHealth(task, i % 2 == 0);
        }

        var info = await trigger.WaitAsync(TimeSpan.FromSeconds(10), null, CancellationToken.None);

        Assert.Equal(SyncTriggerReason.Event, info!.Reason);
        Assert.True(info.Events >= 10, $"{info.Events} events");
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task Without_events_the_timer_triggers_and_a_deadline_ends_the_wait()
    {
        using var trigger = new SyncTrigger(_world.Endpoints.Marathon!);
        trigger.Start();

        var timer = await trigger.WaitAsync(TimeSpan.FromMilliseconds(100), null, CancellationToken.None);
        var none = await trigger.WaitAsync(TimeSpan.FromSeconds(30), DateTime.UtcNow.AddMilliseconds(100), CancellationToken.None);

        Assert.Equal(SyncTriggerReason.Timer, timer!.Reason);
        Assert.Null(none);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(5));
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, "timed out waiting");
            await Task.Delay(20);
        }
    }
}
