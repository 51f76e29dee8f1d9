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

    /// <summary>
    /// When true (the default), the Consul stand-in enforces ACLs (default deny) and the Marathon stand-in HTTP basic
    /// credentials once a cluster's secrets exist in the SSM stand-in's Parameter Store (<c>/showcaseops/&lt;cluster&gt;/consul-management-token</c>,
    /// <c>…/marathon-credentials</c>, created by the bootstrap), as the hosts that read them at bootstrap would. Without
    /// those parameters nothing is enforced, so tests of the stand-ins that do not care about auth need no token.
    /// </summary>
    public bool EnforcePlatformCredentials { get; set; } = true;

    // ---- Paging and EC2 lifecycle fidelity (issue 11) ----

    /// <summary>
    /// Smallest page a paginated answer (EC2 Describe*, SSM List*/Describe*) is cut into. Pages vary between this and
    /// <see cref="PageSizeMax"/>; 0 allows empty pages that still carry a NextToken, as EC2 sends when it filters after paging.
    /// </summary>
    public int PageSizeMin { get; set; } = 1;

    /// <summary>Largest page (a smaller MaxResults wins). 0 turns paging off: every answer in one page, as before.</summary>
    public int PageSizeMax { get; set; } = 4;

    /// <summary>Seed of the page-size draws (null: a new seed per sandbox), so a failing run can be replayed.</summary>
    public int? PagingSeed { get; set; }

    /// <summary>
    /// How long after a create the resource's tags are not yet matched by tag filters (<c>tag:K</c>, <c>tag-key</c>,
    /// DescribeTags): Describe by tag is eventually consistent on AWS, Describe by id is what a caller can rely on.
    /// </summary>
    public TimeSpan TagFilterDelay { get; set; } = TimeSpan.Zero;

    /// <summary>Region the sandbox pretends to be.</summary>
    public string Region { get; set; } = "eu-west-1";
}
