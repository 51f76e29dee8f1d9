using System;
using System.Collections.Generic;
using System.Linq;
using ShowcaseOps.Sandbox;

namespace ShowcaseOps.Model;

/// <summary>The running sandbox, as Get-ShowcaseSandbox shows it.</summary>
public sealed class ShowcaseSandbox
{
    internal ShowcaseSandbox(SandboxHost host)
    {
        Host = host;
        Region = host.Options.Region;
        StartedAt = host.StartedAt;
        Endpoints = SandboxHost.Services
            .Select(s => new ShowcaseSandboxEndpoint(s, host.Endpoints[s].ToString(), SandboxHost.RealPorts.TryGetValue(s, out var p) ? p : (int?)null))
            .ToArray();
    }

    public bool IsRunning => Host.IsRunning;

    public string Region { get; }

    public DateTime StartedAt { get; }

    public IReadOnlyList<ShowcaseSandboxEndpoint> Endpoints { get; }

    public int RequestCount => Host.Log.Entries.Count;

    /// <summary>The in-process host: its request log, fault and latency plans and every stand-in's state (the test seam).</summary>
    public SandboxHost Host { get; }
}

/// <summary>One stand-in's loopback endpoint.</summary>
public sealed class ShowcaseSandboxEndpoint
{
    public ShowcaseSandboxEndpoint(string service, string url, int? realPort)
    {
        Service = service;
        Url = url;
        RealPort = realPort;
    }

    public string Service { get; }

    public string Url { get; }

    /// <summary>The port the real service listens on in a cluster (the SSM stand-in maps it to <see cref="Url"/> for scripts).</summary>
    public int? RealPort { get; }
}
