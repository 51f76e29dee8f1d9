using System;
using System.Threading;
using System.Threading.Tasks;

namespace ShowcaseOps.Core.Execution;

/// <summary>Bounded exponential backoff with full jitter.</summary>
public sealed class RetryPolicy
{
    public RetryPolicy(TimeSpan initialDelay, TimeSpan maxDelay, TimeSpan budget)
    {
        InitialDelay = initialDelay;
        MaxDelay = maxDelay;
        Budget = budget;
    }

    /// <summary>For EC2 eventual consistency and throttling: up to about two minutes in all.</summary>
    public static RetryPolicy Aws { get; } = new(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(2));

    public TimeSpan InitialDelay { get; }

    public TimeSpan MaxDelay { get; }

    /// <summary>Total time after which the last failure is let through.</summary>
    public TimeSpan Budget { get; }

    /// <summary>At most this many attempts in all (null: as many as <see cref="Budget"/> allows).</summary>
    public int? MaxAttempts { get; init; }

    internal TimeSpan DelayFor(int attempt, Random random)
    {
        var cap = Math.Min(MaxDelay.TotalMilliseconds, InitialDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 20)));
        return TimeSpan.FromMilliseconds((cap / 2) + (random.NextDouble() * cap / 2));
    }
}

public static class Retry
{
    [ThreadStatic]
    private static Random? _random;

    /// <summary>Runs <paramref name="action"/> until it succeeds, fails with a non-transient error, or the budget is spent.</summary>
    public static async Task<T> RunAsync<T>(
        Func<CancellationToken, Task<T>> action,
        Func<Exception, string?> transientReason,
        RetryPolicy policy,
        IOperationReporter reporter,
        string what,
        CancellationToken cancellationToken)
    {
        var started = DateTime.UtcNow;
        for (var attempt = 0; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                return await action(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && transientReason(ex) is { } reason)
            {
                var delay = policy.DelayFor(attempt, _random ??= new Random());
                if (DateTime.UtcNow - started + delay > policy.Budget || attempt + 1 >= policy.MaxAttempts)
                {
                    throw;
                }

                reporter.Verbose($"{what}: {reason}; retrying in {delay.TotalMilliseconds:0} ms (attempt {attempt + 2}).");
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public static async Task RunAsync(
        Func<CancellationToken, Task> action,
        Func<Exception, string?> transientReason,
        RetryPolicy policy,
        IOperationReporter reporter,
        string what,
        CancellationToken cancellationToken) =>
        await RunAsync(
            async ct =>
            {
                await action(ct).ConfigureAwait(false);
                return true;
            },
            transientReason,
            policy,
            reporter,
            what,
            cancellationToken).ConfigureAwait(false);
}
