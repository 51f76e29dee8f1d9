using System;
using System.Collections.Generic;
using ShowcaseOps.Core.Platform;

namespace ShowcaseOps.Core.Session;

/// <summary>How platform requests reach Consul, Vulcand, Kong and Marathon.</summary>
public enum PlatformChannelKind
{
    /// <summary>One script per batch, run by SSM Run Command on the cluster's gateway (the default; no open admin port needed).</summary>
    Ssm,

    /// <summary>Direct HTTP to given base URLs (operators inside the VPC, tests, the sandbox).</summary>
    Http,
}

/// <summary>
/// The session's choices for cmdlets that take -Cluster and -Channel: the current cluster (set by New-ShowcaseCluster
/// and Use-ShowcaseCluster, else $env:SHOWCASE_CLUSTER) and the channel with its HTTP base URLs.
/// </summary>
public static class ShowcaseContext
{
    private static readonly object Gate = new();
    private static string? _currentCluster;
    private static PlatformChannelKind? _channel;
    private static IReadOnlyDictionary<PlatformTarget, Uri> _httpEndpoints = new Dictionary<PlatformTarget, Uri>();

    public static string? CurrentCluster
    {
        get
        {
            lock (Gate)
            {
                return _currentCluster ?? NullIfEmpty(Environment.GetEnvironmentVariable("SHOWCASE_CLUSTER"));
            }
        }

        set
        {
            lock (Gate)
            {
                _currentCluster = value;
            }
        }
    }

    /// <summary>The channel chosen for the session; else $env:SHOWCASE_CHANNEL (ssm|http); else SSM.</summary>
    public static PlatformChannelKind Channel
    {
        get
        {
            lock (Gate)
            {
                if (_channel is { } chosen)
                {
                    return chosen;
                }
            }

            return Enum.TryParse<PlatformChannelKind>(Environment.GetEnvironmentVariable("SHOWCASE_CHANNEL"), true, out var fromEnvironment)
                ? fromEnvironment
                : PlatformChannelKind.Ssm;
        }
    }

    /// <summary>Base URLs for the HTTP channel: those set with Use-ShowcaseCluster, else $env:SHOWCASE_&lt;TARGET&gt;_URL.</summary>
    public static Uri? HttpEndpoint(PlatformTarget target)
    {
        lock (Gate)
        {
            if (_httpEndpoints.TryGetValue(target, out var chosen))
            {
                return chosen;
            }
        }

        var fromEnvironment = Environment.GetEnvironmentVariable("SHOWCASE_" + target.ToString().ToUpperInvariant() + "_URL");
        return Uri.TryCreate(fromEnvironment, UriKind.Absolute, out var uri) ? uri : null;
    }

    public static void SetChannel(PlatformChannelKind? channel, IReadOnlyDictionary<PlatformTarget, Uri>? httpEndpoints)
    {
        lock (Gate)
        {
            _channel = channel;
            if (httpEndpoints is not null)
            {
                _httpEndpoints = httpEndpoints;
            }
        }
    }

    /// <summary>Forgets the session's choices (Stop-ShowcaseSandbox does this).</summary>
    public static void Reset()
    {
        lock (Gate)
        {
            _currentCluster = null;
            _channel = null;
            _httpEndpoints = new Dictionary<PlatformTarget, Uri>();
        }
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
