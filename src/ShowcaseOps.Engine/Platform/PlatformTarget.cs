using System;

namespace ShowcaseOps.Core.Platform;

/// <summary>The admin APIs of the platform. Each has a well-known port in a cluster (see <see cref="PlatformTargets"/>).</summary>
public enum PlatformTarget
{
    Consul,
    Vulcand,
    Kong,
    Marathon,
}
