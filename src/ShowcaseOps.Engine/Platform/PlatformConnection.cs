using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.EC2;
using Amazon.SimpleSystemsManagement;
using ShowcaseOps.Core;
using ShowcaseOps.Core.Aws;
using ShowcaseOps.Core.Cluster;
using ShowcaseOps.Core.Execution;
using ShowcaseOps.Core.Platform;
using ShowcaseOps.Core.Session;
using ShowcaseOps.Core.Ssm;

namespace ShowcaseOps.Core.Platform;

/// <summary>The resolved cluster and the channel one platform command uses.</summary>
public sealed class PlatformConnection : IDisposable
{
    private readonly IDisposable[] _owned;

    private readonly string? _name;

    private PlatformConnection(ClusterInfo? cluster, string domain, IPlatformChannel channel, params IDisposable[] owned)
        : this(null, cluster, domain, channel, owned)
    {
    }

    private PlatformConnection(string? name, ClusterInfo? cluster, string domain, IPlatformChannel channel, IDisposable[] owned)
    {
        _name = name;
        Cluster = cluster;
        MarathonDirect = null;
        Domain = domain;
        Channel = channel;
        _owned = owned;
    }

    /// <summary>Null only for the HTTP channel used without any cluster.</summary>
    public ClusterInfo? Cluster { get; }

    /// <summary>The cluster's service domain (default service.consul).</summary>
    public string Domain { get; }

    public IPlatformChannel Channel { get; }

    /// <summary>
    /// Marathon's URL as reached directly from this machine (for its event stream, which cannot travel over SSM):
    /// -PlatformEndpoint Marathon, else the session's, else the sandbox's, else the cluster layout (master:8080, inside the VPC).
    /// </summary>
    public Uri? MarathonDirect { get; private set; }

    /// <summary>The cluster's Consul token and Marathon credentials as this machine sends them (HTTP channel; None over SSM, where the gateway reads them).</summary>
    public Services.PlatformCredentials Credentials { get; private set; } = Services.PlatformCredentials.None;

    private Func<IOperationReporter, CancellationToken, Task<Services.PlatformCredentials>>? _loadCredentials;

    /// <summary>
    /// Over SSM the gateway reads the secrets itself; a caller that also talks to Marathon directly (Sync -Watch's event
    /// stream) loads them here with the SDK first. Does nothing for the HTTP channel (already loaded).
    /// </summary>
    public async Task LoadCredentialsAsync(IOperationReporter reporter, CancellationToken cancellationToken)
    {
        if (_loadCredentials is { } load)
        {
            _loadCredentials = null;
            Credentials = await load(reporter, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>What <see cref="ClusterName"/> says for the HTTP channel used without a cluster (and outputs carry).</summary>
    public const string NoClusterName = "(no cluster)";

    public string ClusterName => Cluster?.Name ?? _name ?? NoClusterName;

    /// <summary>A connection over a given channel, named but without cluster details (tests of what groups by cluster).</summary>
    internal static PlatformConnection ForChannel(string clusterName, IPlatformChannel channel, string domain = ClusterSpec.DefaultDomain, IDisposable? owned = null) =>
        new(clusterName, null, domain, channel, owned is null ? Array.Empty<IDisposable>() : new[] { owned });

    public void Dispose()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }
    }

    /// <summary>
    /// Resolves the cluster (<paramref name="known"/>, else by <paramref name="clusterName"/>, else the session's current
    /// cluster, else the only one in the region) and opens the channel to its platform APIs.
    /// </summary>
    public static async Task<PlatformConnection> OpenAsync(
        AwsConnectionSettings settings,
        ShowcaseSession session,
        string? clusterName,
        ClusterInfo? known,
        PlatformChannelKind? channelKind,
        IReadOnlyDictionary<PlatformTarget, Uri>? endpoints,
        IOperationReporter reporter,
        CancellationToken cancellationToken)
    {
        var kind = channelKind ?? session.Channel;
        if (kind == PlatformChannelKind.Http)
        {
            var cluster = known;
            if (cluster is null && (clusterName ?? session.CurrentCluster) is { } lookFor)
            {
                cluster = await TryFindAsync(settings, session, lookFor, reporter, cancellationToken).ConfigureAwait(false);
            }

            var http = HttpEndpoints(session, endpoints, cluster);
            reporter.Verbose($"Platform channel: HTTP ({http}).");
            var channel = new HttpPlatformChannel(http) { Credentials = await CredentialsAsync(settings, cluster, reporter, cancellationToken).ConfigureAwait(false) };
            return new PlatformConnection(cluster, cluster?.Domain ?? ClusterSpec.DefaultDomain, channel, channel) { MarathonDirect = http.Marathon, Credentials = channel.Credentials };
        }

        var resolved = known ?? await FindRequiredAsync(settings, session, clusterName, reporter, cancellationToken).ConfigureAwait(false);
        if (resolved.Gateway is null || resolved.Master is null || resolved.Gateway.PrivateIpAddress is null || resolved.Master.PrivateIpAddress is null)
        {
            throw new ShowcaseException(
                ShowcaseErrors.ShowcaseClusterIncomplete,
                resolved.Name,
                $"Cluster '{resolved.Name}' has no running gateway and master, so the SSM channel has nowhere to run.")
            {
                RecommendedAction = $"Complete it with New-ShowcaseCluster -Name {resolved.Name} (it adopts what exists), or use -Channel Http with -PlatformEndpoint.",
            };
        }

        var ssm = AwsClientFactory.CreateSsm(settings);
        var gateway = new SsmTarget(resolved.Gateway.InstanceId, "gateway", resolved.Gateway.Name);
        var platform = PlatformEndpoints.ForCluster(resolved.Master.PrivateIpAddress);
        reporter.Verbose($"Platform channel: SSM Run Command on {gateway} ({platform}).");
        return new PlatformConnection(resolved, resolved.Domain ?? ClusterSpec.DefaultDomain, new SsmPlatformChannel(ssm, gateway, platform, session.PlatformBodies(resolved.Name, gateway.InstanceId), resolved.Name), ssm)
        {
            MarathonDirect = DirectEndpoint(session, endpoints, resolved, PlatformTarget.Marathon),
            _loadCredentials = (r, ct) => CredentialsAsync(settings, resolved, r, ct),
        };
    }

    // The cluster's secrets from Parameter Store, for the HTTP channel. A caller that may not read them goes on without
    // (the platform refuses what needs them); a secret that is there but unusable is an error.
    private static async Task<Services.PlatformCredentials> CredentialsAsync(AwsConnectionSettings settings, ClusterInfo? cluster, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        if (cluster is null)
        {
            return Services.PlatformCredentials.None;
        }

        try
        {
            using var ssm = AwsClientFactory.CreateSsm(settings);
            var credentials = await Services.ClusterSecrets.ReadAsync(ssm, cluster.Name, reporter, cancellationToken).ConfigureAwait(false);
            reporter.Verbose($"Platform credentials of cluster '{cluster.Name}': {credentials}.");
            return credentials;
        }
        catch (ShowcaseException ex) when (ex.Error == ShowcaseErrors.SsmRequestFailed || ex.Error == ShowcaseErrors.AwsEndpointUnreachable)
        {
            reporter.Warning($"The secrets of cluster '{cluster.Name}' could not be read ({ex.Message}); Consul and Marathon requests go without a token.");
            return Services.PlatformCredentials.None;
        }
    }

    private static PlatformEndpoints HttpEndpoints(ShowcaseSession session, IReadOnlyDictionary<PlatformTarget, Uri>? given, ClusterInfo? cluster)
    {
        Uri? For(PlatformTarget target) => DirectEndpoint(session, given, cluster, target);

        var missing = new[] { PlatformTarget.Consul, PlatformTarget.Vulcand, PlatformTarget.Kong }.Where(t => For(t) is null).ToArray();
        if (missing.Length > 0)
        {
            throw new ShowcaseException(
                ShowcaseErrors.PlatformEndpointMissing,
                string.Join(", ", missing),
                $"The HTTP channel has no URL for {string.Join(", ", missing)}.")
            {
                Terminating = true,
                RecommendedAction = "Pass -PlatformEndpoint @{ Consul = 'http://…:8500'; Vulcand = 'http://…:8182'; Kong = 'http://…:8001'; Marathon = 'http://…:8080' }, or set them once with Use-ShowcaseCluster.",
            };
        }

        return new PlatformEndpoints(For(PlatformTarget.Consul)!, For(PlatformTarget.Vulcand)!, For(PlatformTarget.Kong)!, For(PlatformTarget.Marathon));
    }

    /// <summary>The URL of one admin API from this machine: given, else the session's, else the sandbox's, else the cluster layout.</summary>
    private static Uri? DirectEndpoint(ShowcaseSession session, IReadOnlyDictionary<PlatformTarget, Uri>? given, ClusterInfo? cluster, PlatformTarget target)
    {
        if (given is not null && given.TryGetValue(target, out var explicitUri))
        {
            return explicitUri;
        }

        if (session.HttpEndpoint(target) is { } sessionUri)
        {
            return sessionUri;
        }

        if (session.SandboxEndpoint(target) is { } sandboxUri)
        {
            return sandboxUri;
        }

        // Inside the VPC: the cluster's own addresses (see PlatformEndpoints.ForCluster).
        if (cluster?.Master?.PrivateIpAddress is { } master && cluster.Gateway?.PrivateIpAddress is { } gateway)
        {
            return PlatformEndpoints.ForCluster(master).For(target);
        }

        return null;
    }

    private static async Task<ClusterInfo> FindRequiredAsync(AwsConnectionSettings settings, ShowcaseSession session, string? name, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        using var ec2 = AwsClientFactory.CreateEc2(settings);
        name ??= session.CurrentCluster;
        if (name is null)
        {
            var names = await ClusterDiscovery.ListNamesAsync(ec2, null, cancellationToken).ConfigureAwait(false);
            if (names.Count != 1)
            {
                throw new ShowcaseException(
                    ShowcaseErrors.ShowcaseClusterNotSpecified,
                    null,
                    names.Count == 0
                        ? "No cluster was given and none exists in this region."
                        : $"No cluster was given and this region has {names.Count} ({string.Join(", ", names)}).")
                {
                    Terminating = true,
                    RecommendedAction = "Pass -Cluster <name>, pipe a ShowcaseCluster in, or choose one for the session with Use-ShowcaseCluster.",
                };
            }

            name = names[0];
        }

        reporter.Verbose($"Looking up cluster '{name}' by its tags.");
        return await ClusterDiscovery.FindAsync(ec2, name, cancellationToken).ConfigureAwait(false)
            ?? throw new ShowcaseException(ShowcaseErrors.ShowcaseClusterNotFound, name, $"No cluster named '{name}' was found in this region.")
            {
                Terminating = true,
                RecommendedAction = "List clusters with Get-ShowcaseCluster, or check -Region.",
            };
    }

    private static async Task<ClusterInfo?> TryFindAsync(AwsConnectionSettings settings, ShowcaseSession session, string name, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        try
        {
            return await FindRequiredAsync(settings, session, name, reporter, cancellationToken).ConfigureAwait(false);
        }
        catch (ShowcaseException ex) when (ex.Error == ShowcaseErrors.ShowcaseClusterNotFound || ex.Error == ShowcaseErrors.AwsRegionNotSet || ex.Error == ShowcaseErrors.AwsCredentialsNotFound)
        {
            reporter.Verbose($"Cluster '{name}' not found ({ex.ErrorId}); the HTTP channel goes on without it (domain {ClusterSpec.DefaultDomain}).");
            return null;
        }
    }
}
