using System;

namespace ShowcaseOps.Core.Platform;

public static class PlatformTargets
{
    /// <summary>The port each admin API listens on in a cluster (Consul agent 8500, Vulcand API 8182, Kong Admin 8001, Marathon 8080).</summary>
    public static int DefaultPort(PlatformTarget target) => target switch
    {
        PlatformTarget.Consul => 8500,
        PlatformTarget.Vulcand => 8182,
        PlatformTarget.Kong => 8001,
        PlatformTarget.Marathon => 8080,
        _ => throw new ArgumentOutOfRangeException(nameof(target)),
    };
}
