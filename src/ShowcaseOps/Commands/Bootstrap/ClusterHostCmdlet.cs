using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using ShowcaseOps.Cmdlets;
using ShowcaseOps.Commands.Cluster;
using ShowcaseOps.Core;
using ShowcaseOps.Core.Aws;
using ShowcaseOps.Core.Cluster;
using ShowcaseOps.Core.Session;
using ShowcaseOps.Model;

namespace ShowcaseOps.Commands.Bootstrap;

/// <summary>
/// Base of the cmdlets that run scripts on a cluster's hosts: -Cluster (alias -Name; a cluster name or a ShowcaseCluster from the
/// pipeline; default the current cluster). Pipeline input is collected and run once per cluster in EndProcessing, so
/// piping 60 hosts still sends 2 commands, not 60.
/// </summary>
public abstract class ClusterHostCmdlet : AwsCmdlet
{
    private readonly Dictionary<string, ClusterWork> _work = new(StringComparer.Ordinal);

    /// <summary>The cluster: a name or a ShowcaseCluster (also from the pipeline; also -Name). Default: the session's current cluster.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true)]
    [Alias("Name", "ClusterName")]
    [ValidateNotNull]
    [ValidateClusterName]
    [ArgumentCompleter(typeof(ClusterNameCompleter))]
    public ShowcaseClusterReference? Cluster { get; set; }

    /// <summary>Instance ids bound from this record (pipeline or parameter); null when the cmdlet selects by role only.</summary>
    private protected abstract IReadOnlyCollection<string>? RecordInstanceIds { get; }

    /// <summary>Runs the work of one cluster (called in EndProcessing, once per cluster).</summary>
    private protected abstract void RunCluster(ClusterSession session, string clusterName, IReadOnlyCollection<string>? instanceIds);

    protected override void ProcessRecordCore()
    {
        var name = Cluster?.Name ?? Session.CurrentCluster ?? throw new ShowcaseException(
            ShowcaseErrors.ShowcaseClusterNotSpecified,
            null,
            "No cluster was given and the session has no current cluster.")
        {
            Terminating = true,
            RecommendedAction = "Pass -Cluster <name>, pipe a ShowcaseCluster in, or choose one for the session with Use-ShowcaseCluster.",
        };

        if (!_work.TryGetValue(name, out var work))
        {
            work = new ClusterWork(Cluster?.Cluster);
            _work[name] = work;
        }

        var ids = RecordInstanceIds;
        if (ids is { Count: > 0 })
        {
            work.InstanceIds ??= new List<string>();
            work.InstanceIds.AddRange(ids.Where(id => !work.InstanceIds.Contains(id, StringComparer.Ordinal)));
        }
        else
        {
            work.AllOfRoles = true;
        }
    }

    protected override void EndProcessingCore()
    {
        foreach (var entry in _work)
        {
            var settings = ConnectionSettings;
            if (entry.Value.Cluster is { } given && settings.Region is null)
            {
                settings.Region = given.Region;
            }

            try
            {
                using var session = new ClusterSession(settings);
                RunCluster(session, entry.Key, entry.Value.AllOfRoles ? null : entry.Value.InstanceIds);
            }
            catch (ShowcaseException ex) when (!ex.Terminating && _work.Count > 1)
            {
                // One cluster's failure does not stop the others.
                WriteShowcaseError(ex);
            }
        }
    }

    /// <summary>The cluster as its tags say now (ShowcaseClusterNotFound when nothing is tagged with the name).</summary>
    private protected ClusterInfo Discover(ClusterSession session, string name) =>
        Run((reporter, ct) => session.FindAsync(name, reporter, ct)) ?? throw ClusterScaler.NotFound(name);

    private protected static string Describe(ClusterHostInfo host) => $"{host.Name} ({host.Role}, {host.InstanceId})";

    private sealed class ClusterWork
    {
        public ClusterWork(ShowcaseCluster? cluster) => Cluster = cluster;

        public ShowcaseCluster? Cluster { get; }

        public List<string>? InstanceIds { get; set; }

        public bool AllOfRoles { get; set; }
    }
}
