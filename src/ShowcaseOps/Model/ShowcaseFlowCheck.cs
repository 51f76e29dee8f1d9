using System;
using System.Collections.Generic;

namespace ShowcaseOps.Model;

/// <summary>Whether a flow's traffic gets through.</summary>
public enum ShowcaseFlowVerdict
{
    /// <summary>The security groups admit the flow (every port of it, for every host pair).</summary>
    Allowed,

    /// <summary>Some port or host pair of the flow is not admitted (for an internet check: no port is).</summary>
    Denied,
}

/// <summary>One row of Test-ShowcaseCluster: a flow of the platform (or an admin port from the internet) and whether the live security groups treat it as they should.</summary>
public sealed class ShowcaseFlowCheck
{
    internal ShowcaseFlowCheck()
    {
    }

    /// <summary>The cluster's name.</summary>
    public string Cluster { get; internal set; } = string.Empty;

    /// <summary>internet, gateway, master or agent.</summary>
    public string Source { get; internal set; } = string.Empty;

    /// <summary>gateway, master or agent.</summary>
    public string Destination { get; internal set; } = string.Empty;

    /// <summary>tcp or udp.</summary>
    public string Protocol { get; internal set; } = string.Empty;

    /// <summary>A port (8301) or a range (10000-20000).</summary>
    public string Ports { get; internal set; } = string.Empty;

    public int FromPort { get; internal set; }

    public int ToPort { get; internal set; }

    /// <summary>What uses the flow (Kong to Vulcand service listeners, Consul Serf LAN, SSH, …).</summary>
    public string Purpose { get; internal set; } = string.Empty;

    /// <summary>Allowed for a flow the platform needs; Denied for an admin port from the internet.</summary>
    public ShowcaseFlowVerdict Expected { get; internal set; }

    /// <summary>What the security groups do.</summary>
    public ShowcaseFlowVerdict Actual { get; internal set; }

    /// <summary>True when Actual is Expected.</summary>
    public bool Passed { get; internal set; }

    /// <summary>Why: the host and port the flow stops at, or how many host pairs it was checked for.</summary>
    public string Reason { get; internal set; } = string.Empty;

    /// <summary>The security group rules that admit the flow.</summary>
    public IReadOnlyList<string> MatchingRules { get; internal set; } = Array.Empty<string>();

    public override string ToString() => $"{Source} -> {Destination} {Protocol}/{Ports}: {Actual} (expected {Expected})";
}
