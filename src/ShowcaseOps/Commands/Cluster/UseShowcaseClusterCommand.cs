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

    /// <summary>
    /// The cluster to make current (it must exist: its tags are read). Left out with -Channel or -PlatformEndpoint: the
    /// current cluster, or, when the session has none, only the channel changes (no cluster, no AWS call).
    /// </summary>
    [Parameter(Position = 0, ParameterSetName = ByName)]
    [Alias("Cluster", "ClusterName")]
    [ArgumentCompleter(typeof(ClusterNameCompleter))]
    [ValidateClusterName]
    public string? Name { get; set; }

    /// <summary>A cluster from Get-ShowcaseCluster or New-ShowcaseCluster.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ByObject)]
    public ShowcaseCluster? InputObject { get; set; }

    /// <summary>The session's platform channel: Ssm (default) or Http.</summary>
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
        if (InputObject is null && Name is null && Session.CurrentCluster is null && (Channel is not null || PlatformEndpoint is not null))
        {
            if (ShouldChange("platform channel " + (Channel?.ToString() ?? "Http"), "Make it the session's platform channel"))
            {
                SetChannel();
                WriteVerbose($"Platform channel: {Session.Channel}; no current cluster.");
            }

            return;
        }

        var name = InputObject?.Name ?? Name
            ?? (Channel is not null || PlatformEndpoint is not null ? Session.CurrentCluster : null)
            ?? throw new Core.ShowcaseException(Core.ShowcaseErrors.ShowcaseClusterNotSpecified, null, "Use-ShowcaseCluster needs the cluster to make current, and none was given.")
            {
                Terminating = true,
                RecommendedAction = "Run Use-ShowcaseCluster -Name <cluster> (Get-ShowcaseCluster lists them; Get-ShowcaseContext shows the current one).",
            };

        // A cluster given by name must exist (its tags are read), so a typo does not become the session's cluster.
        var cluster = InputObject ?? Run((reporter, ct) => FindAsync(name, reporter, ct));
        if (!ShouldChange(name, "Make it the session's current ShowcaseOps cluster"))
        {
            return;
        }

        Session.UseCluster(name, "Use-ShowcaseCluster");
        SetChannel();
        WriteVerbose($"Current cluster: {name}; platform channel: {Session.Channel}.");
        if (PassThru)
        {
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
