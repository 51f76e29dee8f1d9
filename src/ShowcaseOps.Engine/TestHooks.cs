using System;
using ShowcaseOps.Core.Bootstrap;
using ShowcaseOps.Core.Cluster;

namespace ShowcaseOps.Core;

/// <summary>
/// The module's only test and benchmark seam (like PSResourceGet's InternalHooks): Pester tests and bench/ scripts
/// shorten timings, run the cluster plan one step at a time and read the timings of the last build. Nothing here holds
/// session state (that lives in each runspace's session state); a convention test keeps every other static immutable.
/// Reached from PowerShell as <c>([ShowcaseOps.InternalHooks]::EngineType('ShowcaseOps.Core.TestHooks'))</c>. Not for
/// production use.
/// </summary>
public static class TestHooks
{
    /// <summary>Cluster engine options the cmdlets use instead of <see cref="ClusterEngineOptions.Default"/>.</summary>
    public static ClusterEngineOptions? ClusterOptions { get; set; }

    /// <summary>When set, overrides <see cref="ClusterEngineOptions.MaxConcurrency"/> (1 runs the plan one call at a time).</summary>
    public static int? ClusterMaxConcurrency { get; set; }

    /// <summary>The step timings of the last New-/Set-ShowcaseCluster run in this process.</summary>
    public static PlanRunReport? LastClusterRun { get; set; }

    /// <summary>Bootstrap and Invoke-ShowcaseCommand timings the cmdlets use instead of <see cref="BootstrapOptions.Default"/>.</summary>
    public static BootstrapOptions? BootstrapOptions { get; set; }

    /// <summary>How often the Marathon cmdlets' waits poll <c>/v2/deployments</c> (default 500 ms).</summary>
    public static TimeSpan? MarathonPollInterval { get; set; }

    /// <summary>How often an idle Sync-ShowcaseService -Watch says so under -Verbose (default 60 s).</summary>
    public static TimeSpan? SyncHeartbeat { get; set; }

    internal static ClusterEngineOptions EffectiveClusterOptions
    {
        get
        {
            var options = ClusterOptions ?? ClusterEngineOptions.Default;
            return ClusterMaxConcurrency is { } concurrency ? options with { MaxConcurrency = concurrency } : options;
        }
    }

    internal static BootstrapOptions EffectiveBootstrapOptions => BootstrapOptions ?? Bootstrap.BootstrapOptions.Default;

    internal static TimeSpan EffectiveSyncHeartbeat => SyncHeartbeat is { } beat && beat > TimeSpan.Zero ? beat : TimeSpan.FromSeconds(60);

    internal static TimeSpan EffectiveMarathonPollInterval => MarathonPollInterval ?? TimeSpan.FromMilliseconds(500);
}
