using System;

namespace ShowcaseOps.Sandbox;

/// <summary>
/// Timings of the simulated world. Defaults are short so the demo and tests run fast; the real magnitudes
/// (instances running after ~30 s, SSM online after 30–120 s, commands taking seconds) are in docs/sandbox.md.
/// </summary>
public sealed class SandboxOptions
{
    /// <summary>How long a new instance stays <c>pending</c> before it is <c>running</c>.</summary>
    public TimeSpan InstancePendingTime { get; set; } = TimeSpan.FromMilliseconds(150);

    /// <summary>How long a terminated instance stays <c>shutting-down</c>.</summary>
    public TimeSpan InstanceShutdownTime { get; set; } = TimeSpan.FromMilliseconds(150);

    /// <summary>How long after <c>running</c> the SSM agent reports <c>Online</c>.</summary>
    public TimeSpan SsmOnlineDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How long a Run Command invocation stays <c>InProgress</c> (platform scripts take as long as they run).</summary>
    public TimeSpan CommandDuration { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// When above zero, a resource created less than this long ago is not yet visible to other calls
    /// (EC2 answers <c>Invalid*.NotFound</c>), as AWS's eventual consistency does.
    /// </summary>
    public TimeSpan EventualConsistencyWindow { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// When true (the default), traffic between cluster hosts that the sandbox carries (platform scripts' curl calls,
    /// Kong to Vulcand to the tasks) must be admitted by the EC2 stand-in's security groups, as on AWS; a refused flow
    /// fails like a closed port. Can be changed while the sandbox runs.
    /// </summary>
    public bool EnforceSecurityGroups { get; set; } = true;

    /// <summary>Region the sandbox pretends to be.</summary>
    public string Region { get; set; } = "eu-west-1";
}
