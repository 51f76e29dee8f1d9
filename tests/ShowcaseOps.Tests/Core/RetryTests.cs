using System;
using System.Threading;
using System.Threading.Tasks;
using ShowcaseOps.Core.Execution;
using Xunit;

namespace ShowcaseOps.Tests.Core;

public sealed class RetryTests
{
    private static readonly RetryPolicy Fast = new(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(5));

    [Fact]
    public async Task Transient_failures_are_retried_until_success()
    {
        var calls = 0;
        var result = await Retry.RunAsync(
            _ => ++calls < 3 ? throw new InvalidOperationException("not yet") : Task.FromResult(42),
            ex => ex is InvalidOperationException ? "transient" : null,
            Fast,
            NullReporter.Instance,
            "test",
            CancellationToken.None);
        Assert.Equal(42, result);
        Assert.Equal(3, calls);
    }

    [Fact]
    public async Task Final_failures_are_not_retried()
    {
        var calls = 0;
        await Assert.ThrowsAsync<ArgumentException>(() => Retry.RunAsync<int>(
            _ =>
            {
                calls++;
                throw new ArgumentException("final");
            },
            ex => ex is InvalidOperationException ? "transient" : null,
            Fast,
            NullReporter.Instance,
            "test",
            CancellationToken.None));
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task The_budget_bounds_the_retries()
    {
        var policy = new RetryPolicy(TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(100));
        var calls = 0;
        await Assert.ThrowsAsync<InvalidOperationException>(() => Retry.RunAsync<int>(
            _ =>
            {
                calls++;
                throw new InvalidOperationException("always");
            },
            _ => "transient",
            policy,
            NullReporter.Instance,
            "test",
            CancellationToken.None));
        Assert.InRange(calls, 2, 12);
    }
}
