using System;
using ShowcaseOps.Core.Execution;

namespace ShowcaseOps.Core.Cluster;

/// <summary>Timings and limits of the cluster engine. <see cref="Default"/> suits real AWS; tests pass shorter ones.</summary>
public sealed record ClusterEngineOptions
{
    public static ClusterEngineOptions Default { get; } = new();

    /// <summary>Eventual consistency (<c>Invalid*.NotFound</c> right after a create), throttling and server errors.</summary>
    public RetryPolicy Retry { get; init; } = RetryPolicy.Aws;

    /// <summary><c>DependencyViolation</c> during teardown (a just-terminated instance's interface can linger for minutes).</summary>
    public RetryPolicy DependencyRetry { get; init; } = new(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(20), TimeSpan.FromMinutes(10));

    /// <summary>How long RunInstances' "Invalid IAM Instance Profile name" is retried (a new profile takes seconds to propagate).</summary>
    public TimeSpan InstanceProfileRetryBudget { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>First delay between polls of a state (instance running, NAT gateway available, …); it grows to <see cref="PollMax"/>.</summary>
    public TimeSpan PollInitial { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan PollMax { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long to wait for an instance to run or terminate, or a NAT gateway to become available or deleted.</summary>
    public TimeSpan WaitTimeout { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>How many resource steps of the plan run at once (1 = one call at a time, for comparison).</summary>
    public int MaxConcurrency { get; init; } = 16;

    /// <summary>How long a New-/Set-/Remove- waits for another run on the same cluster to finish (then ShowcaseClusterLocked).</summary>
    public TimeSpan LockWait { get; init; } = TimeSpan.FromMinutes(20);

    /// <summary>How long a cluster lock lasts without renewal (the holder renews it every third of this while it works).</summary>
    public TimeSpan LockLease { get; init; } = TimeSpan.FromMinutes(10);
}
