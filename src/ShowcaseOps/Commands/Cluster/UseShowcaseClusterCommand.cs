using System;
using System.Collections.Generic;
using System.Management.Automation;
using ShowcaseOps.Cmdlets;
using ShowcaseOps.Core.Cluster;
using ShowcaseOps.Core.Platform;
using ShowcaseOps.Core.Session;
using ShowcaseOps.Model;

namespace ShowcaseOps.Commands.Cluster;

/// <summary>Chooses the session's current cluster (used when -Cluster is left out) and, optionally, the platform channel.</summary>
[Cmdlet(VerbsOther.Use, "ShowcaseCluster", SupportsShouldProcess = true, DefaultParameterSetName = ByName)]
[OutputType(typeof(ShowcaseCluster))]
public sealed class UseShowcaseClusterCommand : AwsCmdlet
{
    // Boxed: a value-type field of an engine type would make PowerShell's scan of this assembly's public types load
    // the engine before the module's load-context hook is in place.
    private object? _channel;
    private const string ByName = "ByName";
    private const string ByObject = "ByObject";

    /// <summary>The cluster to make current; may be left out when -Channel or -PlatformEndpoint is given (then only the channel changes).</summary>
    [Parameter(Position = 0, ParameterSetName = ByName)]
    [ArgumentCompleter(typeof(ClusterNameCompleter))]
    [ValidateClusterName]
    public string Name { get; set; } = string.Empty;

    /// <summary>A cluster from Get-ShowcaseCluster or New-ShowcaseCluster.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ByObject)]
    public ShowcaseCluster? InputObject { get; set; }

    /// <summary>The session's platform channel: Ssm (default) or Http. Without -Name, only the channel changes (no cluster needed).</summary>
    [Parameter]
    public PlatformChannelKind? Channel { get => (PlatformChannelKind?)_channel; set => _channel = value; }

    /// <summary>Base URLs for the HTTP channel, e.g. @{ Consul = 'http://10.0.5.10:8500'; Vulcand = 'http://10.0.12.10:8182'; Kong = 'http://10.0.5.10:8001'; Marathon = 'http://10.0.12.10:8080' }.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public System.Collections.Hashtable? PlatformEndpoint { get; set; }

    /// <summary>Outputs the cluster (looked up by its tags when given by name).</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecordCore()
    {
        if (InputObject is null && string.IsNullOrEmpty(Name))
        {
            if (Channel is null && PlatformEndpoint is null)
            {
                throw new Core.ShowcaseException(Core.ShowcaseErrors.ShowcaseClusterNotSpecified, null, "Give -Name (or a cluster from the pipeline) to choose a cluster, or -Channel / -PlatformEndpoint to choose only the channel.") { Terminating = true };
            }

            if (ShouldChange("platform channel " + Channel, "Make it the session's platform channel"))
            {
                SetChannel();
                WriteVerbose($"Platform channel: {Session.Channel}; current cluster: {Session.CurrentCluster ?? "(none)"}.");
            }

            return;
        }

        var name = InputObject?.Name ?? Name;
        if (!ShouldChange(name, "Make it the session's current ShowcaseOps cluster"))
        {
            return;
        }

        Session.CurrentCluster = name;
        SetChannel();
        WriteVerbose($"Current cluster: {name}; platform channel: {Session.Channel}.");
        if (PassThru)
        {
            var cluster = InputObject ?? Run((reporter, ct) => FindAsync(name, reporter, ct));
            WriteOutput(cluster);
        }
    }

    private void SetChannel()
    {
        if (Channel is not null || PlatformEndpoint is not null)
        {
            var endpoints = new Dictionary<PlatformTarget, Uri>();
            foreach (System.Collections.DictionaryEntry entry in PlatformEndpoint ?? new System.Collections.Hashtable())
            {
                var value = entry.Value is PSObject wrapped ? wrapped.BaseObject : entry.Value;
                if (!Enum.TryParse<PlatformTarget>(entry.Key?.ToString(), true, out var target)
                    || !Core.Net.HttpUrl.TryParseEndpoint(value?.ToString(), out var uri))
                {
                    throw new Core.ShowcaseException(Core.ShowcaseErrors.PlatformEndpointInvalid, entry.Key, $"'{entry.Key} = {value}' is not a platform API (Consul, Vulcand, Kong, Marathon) with an http(s) URL.") { Terminating = true };
                }

                endpoints[target] = uri;
            }

            Session.SetChannel(Channel, PlatformEndpoint is null ? null : endpoints);
        }
    }

    private async System.Threading.Tasks.Task<ShowcaseCluster> FindAsync(string name, Core.Execution.IOperationReporter reporter, System.Threading.CancellationToken ct)
    {
        using var session = new ClusterSession(ConnectionSettings);
        var info = await session.FindAsync(name, reporter, ct).ConfigureAwait(false) ?? throw ClusterScaler.NotFound(name);
        return new ShowcaseCluster(info);
    }
}
