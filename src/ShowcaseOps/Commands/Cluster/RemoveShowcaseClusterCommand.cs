using System.Management.Automation;
using ShowcaseOps.Cmdlets;
using ShowcaseOps.Core.Cluster;
using ShowcaseOps.Model;

namespace ShowcaseOps.Commands.Cluster;

/// <summary>Deletes every EC2 resource tagged with a cluster, in the order AWS requires.</summary>
[Cmdlet(VerbsCommon.Remove, "ShowcaseCluster", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = ByName)]
[OutputType(typeof(void))]
public sealed class RemoveShowcaseClusterCommand : AwsCmdlet
{
    private const string ByName = "Name";
    private const string ByObject = "InputObject";

    /// <summary>The cluster's name.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByName, ValueFromPipelineByPropertyName = true)]
    [ValidateClusterName]
    [ArgumentCompleter(typeof(ClusterNameCompleter))]
    public string Name { get; set; } = string.Empty;

    /// <summary>A cluster from Get-ShowcaseCluster (its region is used unless -Region is given).</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByObject, ValueFromPipeline = true)]
    public ShowcaseCluster? InputObject { get; set; }

    /// <summary>Keeps the cluster's parameters in Parameter Store (/showcaseops/&lt;name&gt;/*: API key, certificate, Consul tokens, Marathon credentials).</summary>
    [Parameter]
    public SwitchParameter KeepSecrets { get; set; }

    /// <summary>Skips the confirmation prompt; -WhatIf, given or inherited, still only shows what would be removed.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecordCore()
    {
        var name = InputObject?.Name ?? Name;
        var settings = ConnectionSettings;
        if (InputObject is not null && settings.Region is null)
        {
            settings.Region = InputObject.Region;
        }

        using var session = new ClusterSession(settings);
        var info = Run((reporter, ct) => ClusterDiscoveryRun(session, name, reporter, ct));
        if (info.Exists)
        {
            var target = $"cluster '{name}' in {info.Region} ({info.Resources.Count} tagged resources, {info.Instances.Count} instances)";
            // The parameters are a target of their own (asked below, and shown by -WhatIf), whatever is answered here.
            if (ShouldChange(target, "Remove every resource tagged with the cluster", Force))
            {
                var result = Run((reporter, ct) => session.RemoveAsync(info, reporter, ct));
                ForgetForCompletion(CompletionKind.Cluster, name);
                WriteVerbose($"Removed cluster '{name}': {result.Deleted.Count} resources deleted.");
            }
        }
        else
        {
            WriteVerbose($"Cluster '{name}' has no resources left.");
        }

        RemoveSecrets(session, name);
    }

    // Everything under the cluster's prefix, after the hosts (which read them at bootstrap), unless -KeepSecrets.
    private void RemoveSecrets(ClusterSession session, string name)
    {
        if (KeepSecrets)
        {
            WriteVerbose($"-KeepSecrets: the parameters of cluster '{name}' stay in Parameter Store.");
            return;
        }

        var names = Run((reporter, ct) => Core.Services.ClusterSecretsCleanup.ListAsync(session, name, reporter, ct));
        WriteVerbose($"Parameters of cluster '{name}' in Parameter Store: {(names.Count == 0 ? "none" : string.Join(", ", names))}.");
        if (names.Count == 0 || !ShouldChange($"{names.Count} parameter(s) of cluster '{name}': {string.Join(", ", names)}", "Delete from Parameter Store", Force))
        {
            return;
        }

        var deleted = Run((reporter, ct) => Core.Services.ClusterSecretsCleanup.DeleteAllAsync(session, name, reporter, ct));
        WriteVerbose($"Deleted {deleted.Count} parameter(s) of cluster '{name}' from Parameter Store.");
    }

    private static async System.Threading.Tasks.Task<ClusterInfo> ClusterDiscoveryRun(ClusterSession session, string name, Core.Execution.IOperationReporter reporter, System.Threading.CancellationToken ct) =>
        await session.FindAsync(name, reporter, ct).ConfigureAwait(false) ?? new ClusterInfo(name, string.Empty);
}
