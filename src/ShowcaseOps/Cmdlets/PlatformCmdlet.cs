using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using ShowcaseOps.Commands.Cluster;
using ShowcaseOps.Core.Platform;
using ShowcaseOps.Core.Session;
using ShowcaseOps.Model;

namespace ShowcaseOps.Cmdlets;

/// <summary>
/// Base of cmdlets that talk to Consul, Vulcand, Kong or Marathon: the cluster of each record (a ShowcaseCluster piped
/// in as -InputObject, else -Cluster, else the session's current cluster) and -Channel (SSM through the gateway by
/// default, or direct HTTP). The engine's <see cref="PlatformConnectionPool"/> keeps one connection per cluster.
/// </summary>
public abstract class PlatformCmdlet : AwsCmdlet
{
    private PlatformConnectionPool? _pool;
    // Boxed: a value-type field of an engine type would make PowerShell's scan of this assembly's public types load
    // the engine before the module's load-context hook is in place.
    private object? _channel;
    private HashSet<string>? _fromCommandLine;
    private Dictionary<PropertyInfo, object?>? _commandLineValues;

    /// <summary>
    /// The cluster, by name or as a ShowcaseCluster. From the pipeline only by property name: the Cluster that
    /// ShowcaseService, ShowcaseInstance, MarathonTask… carry, so each record goes back to the cluster it came from.
    /// Default: the current cluster.
    /// </summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ClusterNameCompleter))]
    [ValidateClusterReference]
    public ShowcaseClusterReference? Cluster { get; set; }

    /// <summary>
    /// A ShowcaseCluster from the pipeline (<c>Get-ShowcaseCluster | …</c>): the cluster this record goes to. Only
    /// ShowcaseCluster objects bind here; a string piped in is a name, never a cluster.
    /// </summary>
    [Parameter(ValueFromPipeline = true)]
    [ValidateNotNull]
    public ShowcaseCluster? InputObject { get; set; }

    /// <summary>Ssm (default: one Run Command on the gateway per batch) or Http (direct calls to -PlatformEndpoint URLs).</summary>
    [Parameter]
    public PlatformChannelKind? Channel { get => (PlatformChannelKind?)_channel; set => _channel = value; }

    /// <summary>Base URLs for the HTTP channel, e.g. @{ Consul = 'http://10.0.5.10:8500'; Kong = 'http://10.0.5.10:8001' }.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public Hashtable? PlatformEndpoint { get; set; }

    /// <summary>The cluster the current record goes to (read on the pipeline thread, before the work starts).</summary>
    internal PlatformClusterChoice ClusterChoice =>
        InputObject is { } piped ? PlatformClusterChoice.Of(piped.Info)
        : Cluster?.Cluster is { } given ? PlatformClusterChoice.Of(given.Info)
        : Cluster is { } named && named.Name != PlatformConnection.NoClusterName ? PlatformClusterChoice.Named(named.Name)
        : PlatformClusterChoice.Default;

    /// <summary>How the current record's cluster reads in -WhatIf and -Confirm.</summary>
    internal string ClusterDescription => ClusterChoice.Name ?? Session.CurrentCluster ?? "current cluster";

    /// <summary>This command's connections, one per cluster, opened on first use and disposed with the command.</summary>
    internal PlatformConnectionPool Connections =>
        _pool ??= PlatformConnectionPool.Create(ConnectionSettings, Session, Channel, ParseEndpoints(PlatformEndpoint));

    /// <summary>The connection to the current record's cluster (the pool opens each cluster once per command).</summary>
    internal Task<PlatformConnection> ConnectAsync(Core.Execution.IOperationReporter reporter, CancellationToken cancellationToken) =>
        ConnectAsync(ClusterChoice, reporter, cancellationToken);

    internal async Task<PlatformConnection> ConnectAsync(PlatformClusterChoice choice, Core.Execution.IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var connection = await Connections.ForAsync(choice, reporter, cancellationToken).ConfigureAwait(false);
        OutputCluster = connection.ClusterName;
        return connection;
    }

    private protected override void BeforeBeginProcessing()
    {
        base.BeforeBeginProcessing();
        _fromCommandLine = new HashSet<string>(MyInvocation.BoundParameters.Keys, StringComparer.OrdinalIgnoreCase);
        _commandLineValues = ParameterProperties().ToDictionary(p => p, p => p.GetValue(this));
    }

    /// <summary>
    /// A piped ShowcaseCluster only chooses the cluster: PowerShell also binds its Name (and, to string parameters, the
    /// object itself) to name parameters that take pipeline input, which would make <c>Get-ShowcaseCluster |
    /// Get-ShowcaseService</c> look for a service named after the cluster. Those values are put back to what the
    /// command line gave; a mandatory one the command line did not give is an error for the record.
    /// </summary>
    private protected override bool BeforeProcessRecord()
    {
        if (InputObject is null || _fromCommandLine is null || _commandLineValues is null || _fromCommandLine.Contains(nameof(InputObject)))
        {
            return base.BeforeProcessRecord();
        }

        if (_fromCommandLine.Contains(nameof(Cluster)))
        {
            WriteShowcaseError(new Core.ShowcaseException(Core.ShowcaseErrors.ShowcaseClusterInputConflict, InputObject,
                $"Cluster '{InputObject.Name}' came from the pipeline while -Cluster names '{Cluster}'; a record goes to one cluster.")
            {
                RecommendedAction = "Either pipe the clusters in or pass -Cluster, not both.",
            });
            return false;
        }

        var missing = new List<string>();
        foreach (var (property, value) in _commandLineValues)
        {
            if (property.Name == nameof(InputObject) || _fromCommandLine.Contains(property.Name) || !MyInvocation.BoundParameters.ContainsKey(property.Name))
            {
                continue;
            }

            property.SetValue(this, value);
            if (property.GetCustomAttributes<ParameterAttribute>().Any(a => a.Mandatory))
            {
                missing.Add("-" + property.Name);
            }
        }

        if (missing.Count > 0)
        {
            WriteShowcaseError(new Core.ShowcaseException(Core.ShowcaseErrors.ShowcaseClusterInputParameterMissing, InputObject,
                $"A ShowcaseCluster from the pipeline only chooses the cluster ('{InputObject.Name}'); {string.Join(", ", missing)} must be given on the command line.")
            {
                RecommendedAction = $"Get-ShowcaseCluster | {MyInvocation.MyCommand.Name} {string.Join(" ", missing.Select(m => m + " <value>"))}",
            });
            return false;
        }

        return base.BeforeProcessRecord();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _pool?.Dispose();
        }

        base.Dispose(disposing);
    }

    private IEnumerable<PropertyInfo> ParameterProperties() =>
        GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanRead && p.CanWrite && p.IsDefined(typeof(ParameterAttribute), true));

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
                throw new Core.ShowcaseException(Core.ShowcaseErrors.PlatformEndpointInvalid, entry.Key, $"'{entry.Key}' is not a platform API; use Consul, Vulcand, Kong or Marathon.") { Terminating = true };
            }

            var value = entry.Value is PSObject wrapped ? wrapped.BaseObject : entry.Value;
            if (!Core.Net.HttpUrl.TryParseEndpoint(value?.ToString(), out var uri))
            {
                throw new Core.ShowcaseException(Core.ShowcaseErrors.PlatformEndpointInvalid, value, $"The {target} endpoint '{value}' is not an http(s) URL.") { Terminating = true };
            }

            result[target] = uri;
        }

        return result;
    }
}
