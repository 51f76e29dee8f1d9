using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using ShowcaseOps.Commands.Cluster;
using ShowcaseOps.Core.Platform;
using ShowcaseOps.Core.Session;
using ShowcaseOps.Model;

namespace ShowcaseOps.Cmdlets;

/// <summary>
/// Base of cmdlets that talk to Consul, Vulcand, Kong or Marathon: -Cluster (a name or a ShowcaseCluster, else the
/// session's current cluster) and -Channel (SSM through the gateway by default, or direct HTTP).
/// </summary>
public abstract class PlatformCmdlet : AwsCmdlet
{
    private PlatformConnection? _connection;
    // Boxed: a value-type field of an engine type would make PowerShell's scan of this assembly's public types load
    // the engine before the module's load-context hook is in place.
    private object? _channel;

    /// <summary>The cluster: a name or a ShowcaseCluster (also from the pipeline). Default: the current cluster.</summary>
    [Parameter(ValueFromPipeline = true)]
    [ArgumentCompleter(typeof(ClusterNameCompleter))]
    [ValidateNotNull]
    public ShowcaseClusterReference? Cluster { get; set; }

    /// <summary>Ssm (default: one Run Command on the gateway per batch) or Http (direct calls to -PlatformEndpoint URLs).</summary>
    [Parameter]
    public PlatformChannelKind? Channel { get => (PlatformChannelKind?)_channel; set => _channel = value; }

    /// <summary>Base URLs for the HTTP channel, e.g. @{ Consul = 'http://10.0.5.10:8500'; Kong = 'http://10.0.5.10:8001' }.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public Hashtable? PlatformEndpoint { get; set; }

    /// <summary>
    /// Resolves the cluster and the channel once per command (the first call does the AWS lookups; later ones reuse them).
    /// </summary>
    internal async Task<PlatformConnection> ConnectAsync(Core.Execution.IOperationReporter reporter, CancellationToken cancellationToken)
    {
        if (_connection is not null)
        {
            return _connection;
        }

        var endpoints = ParseEndpoints(PlatformEndpoint);
        _connection = await PlatformConnection.OpenAsync(ConnectionSettings, Session, Cluster?.Name, Cluster?.Cluster?.Info, Channel, endpoints, reporter, cancellationToken).ConfigureAwait(false);
        OutputCluster ??= _connection.Cluster?.Name;
        return _connection;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _connection?.Dispose();
        }

        base.Dispose(disposing);
    }

    private static Dictionary<PlatformTarget, Uri>? ParseEndpoints(Hashtable? table)
    {
        if (table is null)
        {
            return null;
        }

        var result = new Dictionary<PlatformTarget, Uri>();
        foreach (DictionaryEntry entry in table)
        {
            if (!Enum.TryParse<PlatformTarget>(entry.Key?.ToString(), true, out var target))
            {
                throw new Core.ShowcaseException("PlatformEndpointInvalid", Core.ShowcaseErrorCategory.InvalidArgument, entry.Key, $"'{entry.Key}' is not a platform API; use Consul, Vulcand, Kong or Marathon.") { Terminating = true };
            }

            var value = entry.Value is PSObject wrapped ? wrapped.BaseObject : entry.Value;
            if (!Uri.TryCreate(value?.ToString(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                throw new Core.ShowcaseException("PlatformEndpointInvalid", Core.ShowcaseErrorCategory.InvalidArgument, value, $"The {target} endpoint '{value}' is not an http(s) URL.") { Terminating = true };
            }

            result[target] = uri;
        }

        return result;
    }
}
