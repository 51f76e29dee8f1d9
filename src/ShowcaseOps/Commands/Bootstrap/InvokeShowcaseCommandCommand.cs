using ShowcaseOps.Cmdlets;
using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using ShowcaseOps.Commands.Cluster;
using ShowcaseOps.Core;
using ShowcaseOps.Core.Bootstrap;
using ShowcaseOps.Core.Cluster;
using ShowcaseOps.Core.Execution;
using ShowcaseOps.Core.Ssm;
using ShowcaseOps.Model;

namespace ShowcaseOps.Commands.Bootstrap;

/// <summary>Runs a shell script on hosts of a cluster through SSM Run Command (the replacement for ssh host 'cmd').</summary>
[Cmdlet(VerbsLifecycle.Invoke, "ShowcaseCommand", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ByRole)]
[OutputType(typeof(ShowcaseHostResult))]
public sealed class InvokeShowcaseCommandCommand : ClusterHostCmdlet
{
    private const string ByRole = "Role";
    private const string ById = "InstanceId";
    private SsmScript? _script;

    /// <summary>Run on every host of these roles: gateway, master, agent.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByRole)]
    [ValidateSet("gateway", "master", "agent")]
    [ValidateNoControlCharacter]
    public string[]? Role { get; set; }

    /// <summary>Run on these instances (also bound from the pipeline's InstanceId property).</summary>
    [Parameter(Mandatory = true, ParameterSetName = ById, ValueFromPipelineByPropertyName = true)]
    [ValidateEc2InstanceId]
    [ArgumentCompleter(typeof(AgentInstanceIdCompleter))]
    public string[]? InstanceId { get; set; }

    /// <summary>The POSIX sh script to run (as root, by AWS-RunShellScript).</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Script { get; set; } = string.Empty;

    /// <summary>Variables for the script (names ^[A-Z_][A-Z0-9_]*$); values travel encoded and arrive byte for byte.</summary>
    [Parameter]
    [ValidateNotNull]
    public Hashtable? Environment { get; set; }

    /// <summary>The script's execution timeout on the host (default 600 seconds, at most 172800).</summary>
    [Parameter]
    [ValidateRange(1, 172800)]
    public int TimeoutSeconds { get; set; } = 600;

    private protected override IReadOnlyCollection<string>? RecordInstanceIds => InstanceId;

    protected override void BeginProcessingCore()
    {
        // Bad input fails here, before any AWS call: variable names, values, and the script's encoded size.
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment ?? new Hashtable())
        {
            var name = entry.Key?.ToString() ?? string.Empty;
            SsmCommandEncoder.ValidateName(name);
            var value = entry.Value is PSObject wrapped ? wrapped.BaseObject : entry.Value;
            environment[name] = value is null ? string.Empty : LanguagePrimitives.ConvertTo<string>(value);
            SsmCommandEncoder.EnvironmentLine(name, environment[name]);
        }

        _script = new SsmScript(Script.Replace("\r\n", "\n"), environment);
        SsmCommandEncoder.Encode(SsmCommandEncoder.BuildScript(_script, new SsmOutputCapture(new SsmRunOptions().HostOutputDirectory)));
    }

    private protected override void RunCluster(ClusterSession session, string clusterName, IReadOnlyCollection<string>? instanceIds)
    {
        var roles = instanceIds is null ? Role : null;
        ClusterHostSelection.Validate(roles, instanceIds);
        var cluster = Discover(session, clusterName);
        var hosts = Run((reporter, ct) => System.Threading.Tasks.Task.FromResult(ClusterHostSelection.Select(cluster, roles, instanceIds, reporter)))
            .Where(h => ShouldChange(Describe(h), $"Run a script ({Script.Length} characters)"))
            .ToList();
        if (hosts.Count == 0)
        {
            return;
        }

        var options = new SsmRunOptions
        {
            Comment = $"showcaseops:command {clusterName}",
            CaptureFullOutput = true,
            ExecutionTimeout = TimeSpan.FromSeconds(TimeoutSeconds),
            PollInterval = Core.TestHooks.EffectiveBootstrapOptions.PollInterval,
            MaxPollInterval = Core.TestHooks.EffectiveBootstrapOptions.MaxPollInterval,
            RetryPolicy = Core.TestHooks.EffectiveBootstrapOptions.RetryPolicy,
        };
        var runner = session.CreateClusterCommand();
        runner.OnlinePollInterval = Core.TestHooks.EffectiveBootstrapOptions.OnlinePollInterval;
        var results = Run((reporter, ct) => runner.RunAsync(cluster.Name, hosts, _script!, options, reporter, ct));
        var simulated = results.Count(r => r.Status == Core.Bootstrap.HostRunStatus.Simulated);
        if (simulated > 0)
        {
            WriteWarning($"The sandbox did not run the script on {simulated} host(s): it checked its syntax (sh -n) and answered exit code 0, so their Status is Simulated. Script answers with (Get-ShowcaseSandbox).Host.Ssm.Behaviors; a real cluster runs it.");
        }

        WriteOutput(results);
    }
}
