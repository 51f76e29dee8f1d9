using System;
using System.Collections.Generic;
using ShowcaseOps.Core.Aws;
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
/// One PowerShell runspace's choices: the AWS defaults the sandbox sets (endpoints, region, dummy credentials), the
/// current cluster (New-ShowcaseCluster, Use-ShowcaseCluster, else $env:SHOWCASE_CLUSTER) and the platform channel with
/// its HTTP base URLs. The cmdlet layer keeps one instance per runspace in a session variable; nothing here is static,
/// so two runspaces (ForEach-Object -Parallel, runbook jobs) never see each other's sandbox or cluster.
/// </summary>
public sealed class ShowcaseSession
{
    private readonly object _gate = new();
    private string? _currentCluster;
    private string _currentClusterSetBy = "session";
    private PlatformChannelKind? _channel;
    private IReadOnlyDictionary<PlatformTarget, Uri> _httpEndpoints = new Dictionary<PlatformTarget, Uri>();
    private IReadOnlyDictionary<PlatformTarget, Uri> _sandboxEndpoints = new Dictionary<PlatformTarget, Uri>();
    private AwsSessionDefaults _aws = AwsSessionDefaults.Empty;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Sync.SyncReadHints> _syncHints = new(StringComparer.Ordinal);

    /// <summary>What Sync-ShowcaseService learnt about one cluster, channel and domain (which backends to read first), for the session.</summary>
    public Sync.SyncReadHints SyncHints(string cluster, string channel, string domain) =>
        _syncHints.GetOrAdd(cluster + "|" + channel + "|" + domain, _ => new Sync.SyncReadHints());

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Platform.PlatformBodyCache> _platformBodies = new(StringComparer.Ordinal);

    /// <summary>The platform read bodies this session received over SSM from one cluster's gateway (conditional reads, docs/ssm.md).</summary>
    public Platform.PlatformBodyCache PlatformBodies(string cluster, string gatewayInstanceId) =>
        _platformBodies.GetOrAdd(cluster + "|" + gatewayInstanceId, _ => new Platform.PlatformBodyCache());

    /// <summary>Endpoints, region and credentials set for this session (by Start-ShowcaseSandbox); explicit parameters win.</summary>
    public AwsSessionDefaults Aws
    {
        get
        {
            lock (_gate)
            {
                return _aws;
            }
        }
    }

    public string? CurrentCluster
    {
        get
        {
            lock (_gate)
            {
                return _currentCluster ?? NullIfEmpty(Environment.GetEnvironmentVariable("SHOWCASE_CLUSTER"));
            }
        }

        set
        {
            lock (_gate)
            {
                _currentCluster = value;
                _currentClusterSetBy = "session";
            }
        }
    }

    /// <summary>Where <see cref="CurrentCluster"/> comes from: the command that chose it, $env:SHOWCASE_CLUSTER, or none.</summary>
    public string CurrentClusterSource
    {
        get
        {
            lock (_gate)
            {
                return _currentCluster is not null ? _currentClusterSetBy
                    : NullIfEmpty(Environment.GetEnvironmentVariable("SHOWCASE_CLUSTER")) is not null ? "$env:SHOWCASE_CLUSTER"
                    : "none";
            }
        }
    }

    /// <summary>Makes <paramref name="name"/> the current cluster, remembering which command chose it (Get-ShowcaseContext shows it).</summary>
    public void UseCluster(string name, string chosenBy)
    {
        lock (_gate)
        {
            _currentCluster = name;
            _currentClusterSetBy = chosenBy;
        }
    }

    /// <summary>Where <see cref="Channel"/> comes from: Use-ShowcaseCluster -Channel, $env:SHOWCASE_CHANNEL, or the default.</summary>
    public string ChannelSource
    {
        get
        {
            lock (_gate)
            {
                if (_channel is not null)
                {
                    return "Use-ShowcaseCluster -Channel";
                }
            }

            return Enum.TryParse<PlatformChannelKind>(Environment.GetEnvironmentVariable("SHOWCASE_CHANNEL"), true, out _) ? "$env:SHOWCASE_CHANNEL" : "default";
        }
    }

    /// <summary>The channel chosen for the session; else $env:SHOWCASE_CHANNEL (ssm|http); else SSM.</summary>
    public PlatformChannelKind Channel
    {
        get
        {
            lock (_gate)
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
    public Uri? HttpEndpoint(PlatformTarget target)
    {
        lock (_gate)
        {
            if (_httpEndpoints.TryGetValue(target, out var chosen))
            {
                return chosen;
            }
        }

        var fromEnvironment = Environment.GetEnvironmentVariable("SHOWCASE_" + target.ToString().ToUpperInvariant() + "_URL");
        return Uri.TryCreate(fromEnvironment, UriKind.Absolute, out var uri) ? uri : null;
    }

    /// <summary>The sandbox's URL of one admin API, when this session runs a sandbox.</summary>
    public Uri? SandboxEndpoint(PlatformTarget target)
    {
        lock (_gate)
        {
            return _sandboxEndpoints.TryGetValue(target, out var uri) ? uri : null;
        }
    }

    public void SetChannel(PlatformChannelKind? channel, IReadOnlyDictionary<PlatformTarget, Uri>? httpEndpoints)
    {
        lock (_gate)
        {
            _channel = channel;
            if (httpEndpoints is not null)
            {
                _httpEndpoints = httpEndpoints;
            }
        }
    }

    /// <summary>Points this session at a sandbox: its AWS endpoints and dummy credentials, and its admin APIs.</summary>
    public void UseSandbox(AwsSessionDefaults aws, IReadOnlyDictionary<PlatformTarget, Uri> platformEndpoints)
    {
        lock (_gate)
        {
            _aws = aws ?? throw new ArgumentNullException(nameof(aws));
            _sandboxEndpoints = platformEndpoints ?? throw new ArgumentNullException(nameof(platformEndpoints));
        }
    }

    /// <summary>Forgets every choice (Stop-ShowcaseSandbox does this): AWS is called again.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _currentCluster = null;
            _channel = null;
            _httpEndpoints = new Dictionary<PlatformTarget, Uri>();
            _sandboxEndpoints = new Dictionary<PlatformTarget, Uri>();
            _aws = AwsSessionDefaults.Empty;
        }
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
