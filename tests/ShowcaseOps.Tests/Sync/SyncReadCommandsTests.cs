using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ShowcaseOps.Core.Execution;
using ShowcaseOps.Core.Platform;
using ShowcaseOps.Core.Sync;
using ShowcaseOps.Tests.Ssm;
using Xunit;

namespace ShowcaseOps.Tests.Sync;

/// <summary>The SSM commands a sync read of 1,000 registrations costs (issue 14: at most 2), counted in the sandbox log.</summary>
public sealed class SyncReadCommandsTests : IDisposable
{
    private readonly SsmTestSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task A_sync_read_of_1000_registrations_is_at_most_2_SSM_commands_and_still_sees_every_change()
    {
        var bodies = new PlatformBodyCache();
        var channel = _sandbox.AddGatewayChannel(bodies);
        var engine = new SyncEngine(channel, "service.consul");
        _sandbox.Host.Marathon.SeedApps(100, 10);
        var initial = engine.Plan(await engine.ReadAsync(NullReporter.Instance, CancellationToken.None));
        Assert.All(await engine.ApplyAsync(initial.Changes, NullReporter.Instance, CancellationToken.None), r => Assert.True(r.Succeeded, r.Error));
        Assert.Equal(1000, initial.DesiredInstances);

        // The read after the writes brings the changed bodies; from then on the host sends only what changed.
        var first = new SandboxLogMark(_sandbox.Host);
        Assert.Empty(engine.Plan(await engine.ReadAsync(NullReporter.Instance, CancellationToken.None)).Changes);
        var full = first.Count("ssm", "SendCommand");
        var mark = new SandboxLogMark(_sandbox.Host);
        var quiet = engine.Plan(await engine.ReadAsync(NullReporter.Instance, CancellationToken.None));
        Assert.Empty(quiet.Changes);
        Assert.True(mark.Count("ssm", "SendCommand") <= 2, $"{mark.Count("ssm", "SendCommand")} SSM commands for a read of 1,000 registrations (the first read after the writes: {full})");

        // A body the host reports as unchanged must really be unchanged: a deleted Consul entry is seen at once.
        var victim = _sandbox.Host.Consul.Services.Values.First(s => s.Meta.TryGetValue("showcase-role", out var role) && role == "instance");
        using (var direct = new HttpPlatformChannel(PlatformEndpoints.FromServiceMap(_sandbox.Host.Endpoints)))
        {
            var gone = await direct.SendAsync(new[] { new PlatformRequest(PlatformTarget.Consul, "PUT", "/v1/agent/service/deregister/" + PlatformPath.Segment(victim.Id)) }, NullReporter.Instance, CancellationToken.None);
            Assert.Equal(200, gone[0].Status);
        }

        var drifted = engine.Plan(await engine.ReadAsync(NullReporter.Instance, CancellationToken.None));
        Assert.Contains(drifted.Changes, c => c.Target == PlatformTarget.Consul && c.InstanceId == victim.Meta["showcase-instance"]);
    }
}
