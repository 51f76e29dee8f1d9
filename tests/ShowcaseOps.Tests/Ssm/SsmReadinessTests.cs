using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ShowcaseOps.Core;
using ShowcaseOps.Core.Execution;
using ShowcaseOps.Core.Ssm;
using Xunit;

namespace ShowcaseOps.Tests.Ssm;

public sealed class SsmReadinessTests : IDisposable
{
    private readonly SsmTestSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task Waits_until_new_instances_come_online()
    {
        var ids = _sandbox.AddHosts(3, online: false).Select(t => t.InstanceId).ToList();

        await SsmReadiness.WaitOnlineAsync(_sandbox.Ssm, ids, TimeSpan.FromSeconds(10), NullReporter.Instance, CancellationToken.None, TimeSpan.FromMilliseconds(50));

        Assert.True(_sandbox.Host.Log.Count("ssm", "DescribeInstanceInformation") >= 2, "the first poll came before the agents registered");
    }

    [Fact]
    public async Task An_agent_that_never_registers_gives_SsmInstanceNotOnline_with_the_likely_causes()
    {
        var ids = _sandbox.AddHosts(2).Select(t => t.InstanceId).ToList();
        _sandbox.Host.Ssm.SetAgentOffline(ids[1]);

        var error = await Assert.ThrowsAsync<ShowcaseException>(() =>
            SsmReadiness.WaitOnlineAsync(_sandbox.Ssm, ids, TimeSpan.FromMilliseconds(300), NullReporter.Instance, CancellationToken.None, TimeSpan.FromMilliseconds(50)));

        Assert.Equal("SsmInstanceNotOnline", error.ErrorId);
        Assert.Equal(ShowcaseErrorCategory.OperationTimeout, error.Category);
        Assert.Equal(new[] { ids[1] }, Assert.IsType<string[]>(error.Target));
        Assert.Contains("AmazonSSMManagedInstanceCore", error.Message, StringComparison.Ordinal);
        Assert.Contains("ssmmessages", error.Message, StringComparison.Ordinal);
        Assert.Contains("agent", error.Message, StringComparison.Ordinal);
    }
}
