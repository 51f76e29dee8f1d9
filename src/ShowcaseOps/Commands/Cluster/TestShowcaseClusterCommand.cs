using System.Linq;
using System.Management.Automation;
using ShowcaseOps.Cmdlets;
using ShowcaseOps.Core;
using ShowcaseOps.Core.Cluster;
using ShowcaseOps.Core.Session;
using ShowcaseOps.Model;

namespace ShowcaseOps.Commands.Cluster;

/// <summary>
/// Checks a cluster's live security groups against the platform's flow table: every flow the platform needs must be
/// admitted, every admin port must be closed to the internet. One object per flow; nothing is changed.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "ShowcaseCluster")]
[OutputType(typeof(ShowcaseFlowCheck))]
public sealed class TestShowcaseClusterCommand : AwsCmdlet
{
    /// <summary>
    /// The cluster's name, also as -Name. From the pipeline a ShowcaseClusterHost binds its Cluster property (before its
    /// Name, which is the host's) and a ShowcaseCluster its Name. Default: the session's current cluster.
    /// </summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Name", "ClusterName")]
    [ValidatePattern(ClusterSpec.NamePattern)]
    [ArgumentCompleter(typeof(ClusterNameCompleter))]
    public string? Cluster { get; set; }

    /// <summary>Outputs only the checks that did not pass.</summary>
    [Parameter]
    public SwitchParameter Failed { get; set; }

    protected override void ProcessRecordCore()
    {
        var name = Cluster ?? Session.CurrentCluster ?? throw new ShowcaseException("ShowcaseClusterNotSpecified", ShowcaseErrorCategory.InvalidArgument, null, "No cluster was given and the session has no current cluster.")
        {
            Terminating = true,
            RecommendedAction = "Pass -Name <cluster>, pipe a ShowcaseCluster in, or choose one for the session with Use-ShowcaseCluster.",
        };
        using var session = new ClusterSession(ConnectionSettings);
        var checks = Run(async (reporter, ct) =>
        {
            var info = await session.FindAsync(name, reporter, ct).ConfigureAwait(false) ?? throw ClusterScaler.NotFound(name);
            return ReachabilityEvaluator.Evaluate(info);
        });
        var failures = checks.Count(c => !c.Passed);
        WriteVerbose($"Cluster '{name}': {checks.Count - failures} of {checks.Count} flow checks passed.");
        if (failures > 0)
        {
            WriteWarning($"Cluster '{name}': {failures} of {checks.Count} flow checks failed (Passed = False). New-ShowcaseCluster -Name {name} adds the missing rules.");
        }

        foreach (var check in checks.Where(c => !Failed || !c.Passed))
        {
            WriteObject(new ShowcaseFlowCheck
            {
                Cluster = name,
                Source = check.Flow.Source,
                Destination = check.Flow.Destination,
                Protocol = check.Flow.Protocol,
                Ports = check.Flow.Ports,
                FromPort = check.Flow.FromPort,
                ToPort = check.Flow.ToPort,
                Purpose = check.Flow.Purpose,
                Expected = check.ExpectedAllowed ? ShowcaseFlowVerdict.Allowed : ShowcaseFlowVerdict.Denied,
                Actual = check.ActualAllowed ? ShowcaseFlowVerdict.Allowed : ShowcaseFlowVerdict.Denied,
                Passed = check.Passed,
                Reason = check.Reason,
                MatchingRules = check.MatchingRules.ToArray(),
            });
        }
    }
}
