using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Management.Automation;
using ShowcaseOps.Cmdlets;
using ShowcaseOps.Core.Cluster;
using ShowcaseOps.Model;

namespace ShowcaseOps.Commands.Cluster;

/// <summary>
/// Deletes every EC2 resource tagged with a cluster, in the order AWS requires. -WhatIf lists each resource with its id;
/// a run outputs what it deleted. An unknown name is an error (ShowcaseClusterNotFound) unless -IgnoreMissing.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "ShowcaseCluster", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = ByName)]
[OutputType(typeof(ShowcaseClusterRemoval))]
public sealed class RemoveShowcaseClusterCommand : AwsCmdlet
{
    private const string ByName = "Name";
    private const string ByObject = "InputObject";

    /// <summary>The cluster's name (case-sensitive, like the showcase:cluster tag it matches; also -Cluster).</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByName, ValueFromPipelineByPropertyName = true)]
    [Alias("Cluster", "ClusterName")]
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

    /// <summary>A cluster with no resource left is not an error (for clean-up scripts that may run twice).</summary>
    [Parameter]
    public SwitchParameter IgnoreMissing { get; set; }

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
        var secrets = ListSecrets(session, name);
        if (!info.Exists)
        {
            // The hosts may be gone while their parameters remain (a removal stopped half-way): those are the cluster now.
            if (secrets.Count > 0)
            {
                if (ShouldChange(DescribeSecrets(name, secrets), "Delete from Parameter Store", Force))
                {
                    DeleteSecrets(session, name);
                }

                return;
            }

            if (IgnoreMissing)
            {
                WriteVerbose($"Cluster '{name}' has no resources left: nothing to remove (-IgnoreMissing).");
                return;
            }

            throw ClusterScaler.NotFound(name);
        }

        // One confirmation for the resources and the parameters: -WhatIf lists both.
        var target = ClusterPlanText.DescribeRemoval(info) + (secrets.Count > 0 ? "\n" + DescribeSecrets(name, secrets) : string.Empty);
        if (!ShouldChange(target, $"Remove every resource tagged with cluster '{name}'", Force))
        {
            return;
        }

        StopHint = $"Cluster '{name}' may be removed in part (what is left stays tagged and may cost money): run Remove-ShowcaseCluster -Name {name} again to finish.";
        var watch = Stopwatch.StartNew();
        var result = Run((reporter, ct) => session.RemoveAsync(info, reporter, ct));
        ForgetForCompletion(CompletionKind.Cluster, name);
        if (Session.CurrentCluster == name)
        {
            Session.CurrentCluster = null;
        }

        // After the hosts are gone (they read these at bootstrap).
        var parameters = secrets.Count > 0 ? DeleteSecrets(session, name) : Array.Empty<string>();
        WriteOutput(new ShowcaseClusterRemoval(info.Region, result, watch.Elapsed) { Parameters = parameters });
    }

    // Everything under the cluster's prefix, unless -KeepSecrets (then nothing).
    private IReadOnlyList<string> ListSecrets(ClusterSession session, string name)
    {
        if (KeepSecrets)
        {
            WriteVerbose($"-KeepSecrets: the parameters of cluster '{name}' stay in Parameter Store.");
            return Array.Empty<string>();
        }

        var names = Run((reporter, ct) => Core.Services.ClusterSecretsCleanup.ListAsync(session, name, reporter, ct));
        WriteVerbose($"Parameters of cluster '{name}' in Parameter Store: {(names.Count == 0 ? "none" : string.Join(", ", names))}.");
        return names;
    }

    private static string DescribeSecrets(string name, IReadOnlyList<string> names) =>
        $"{names.Count} parameter(s) of cluster '{name}' in Parameter Store (-KeepSecrets keeps them): {string.Join(", ", names)}";

    private IReadOnlyList<string> DeleteSecrets(ClusterSession session, string name)
    {
        var deleted = Run((reporter, ct) => Core.Services.ClusterSecretsCleanup.DeleteAllAsync(session, name, reporter, ct));
        WriteVerbose($"Deleted {deleted.Count} parameter(s) of cluster '{name}' from Parameter Store.");
        return deleted;
    }

    private static async System.Threading.Tasks.Task<ClusterInfo> ClusterDiscoveryRun(ClusterSession session, string name, Core.Execution.IOperationReporter reporter, System.Threading.CancellationToken ct) =>
        await session.FindAsync(name, reporter, ct).ConfigureAwait(false) ?? new ClusterInfo(name, string.Empty);
}
