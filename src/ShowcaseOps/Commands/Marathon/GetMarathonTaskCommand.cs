using ShowcaseOps.Cmdlets;
using System;
using System.Linq;
using System.Management.Automation;
using ShowcaseOps.Core;
using ShowcaseOps.Core.Marathon;
using ShowcaseOps.Model;

namespace ShowcaseOps.Commands.Marathon;

/// <summary>Lists Marathon tasks, of one app or of all apps, optionally of one state.</summary>
[Cmdlet(VerbsCommon.Get, "MarathonTask")]
[OutputType(typeof(MarathonTask))]
public sealed class GetMarathonTaskCommand : MarathonCmdlet
{
    /// <summary>The app (<c>web</c> or <c>/web</c>; wildcards allowed); binds from a MarathonApp's Id. Default: every app.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Id")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ValidateMarathonAppIdPattern]
    [ArgumentCompleter(typeof(MarathonAppIdCompleter))]
    public string? AppId { get; set; }

    /// <summary>Only tasks in this Mesos state: Running, Staging, Starting, Killing, … (with or without the TASK_ prefix).</summary>
    [Parameter]
    [ValidateTaskState]
    [ArgumentCompleter(typeof(MarathonTaskStateCompleter))]
    public string? State { get; set; }

    /// <summary>
    /// Which of the app's ports HostPort is, by index from 0 (like Traefik's portIndex). Default: the app's label
    /// showcaseops.port, else 0.
    /// </summary>
    [Parameter]
    [ValidateRange(0, 99)]
    public int? PortIndex { get; set; }

    /// <summary>Which of the app's ports HostPort is, by its name (portDefinitions or container.portMappings).</summary>
    [Parameter]
    [ValidatePattern("\\A[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\z")]
    public string? PortName { get; set; }

    protected override void ProcessRecordCore()
    {
        if (PortIndex is not null && PortName is not null)
        {
            ThrowShowcaseError(new ShowcaseException(ShowcaseErrors.MarathonPortNotFound, ShowcaseErrorCategory.InvalidArgument, PortName, "Pass -PortIndex or -PortName, not both."));
        }

        var wildcard = AppId is not null && WildcardPattern.ContainsWildcardCharacters(AppId);
        var pattern = wildcard ? AppIdPattern.Create(AppId!) : null;
        var listing = Run(async (reporter, ct) =>
        {
            var client = await ConnectMarathonAsync(reporter, ct).ConfigureAwait(false);
            return await client.ListTasksWithAppsAsync(wildcard ? null : AppId, State, PortIndex, PortName, reporter, ct).ConfigureAwait(false);
        });
        foreach (var problem in listing.Problems.Where(p => pattern is null || pattern.IsMatch(p.Target as string ?? string.Empty)))
        {
            WriteShowcaseError(problem);
        }

        var tasks = listing.Tasks
            .Where(t => pattern is null || pattern.IsMatch(t.AppId))
            .OrderBy(t => t.AppId, StringComparer.Ordinal)
            .ThenBy(t => t.StagedAt ?? DateTime.MaxValue)
            .ThenBy(t => t.Id, StringComparer.Ordinal)
            .ToList();
        WriteOutput(tasks, enumerateCollection: true);
    }
}

/// <summary>Completes -State with the Mesos task states.</summary>
public sealed class MarathonTaskStateCompleter : IArgumentCompleter
{
    private static readonly string[] States = { "Running", "Staging", "Starting", "Killing", "Killed", "Failed", "Finished", "Lost", "Unreachable", "Gone", "Dropped", "Unknown" };

    public System.Collections.Generic.IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, System.Management.Automation.Language.CommandAst commandAst, System.Collections.IDictionary fakeBoundParameters)
    {
        var word = (wordToComplete ?? string.Empty).Trim('\'', '"');
        if (word.StartsWith("TASK_", StringComparison.OrdinalIgnoreCase))
        {
            word = word.Substring(5);
        }

        return States
            .Where(s => s.StartsWith(word, StringComparison.OrdinalIgnoreCase))
            .Select(s => new CompletionResult(s, s, CompletionResultType.ParameterValue, "TASK_" + s.ToUpperInvariant()))
            .ToList();
    }
}
