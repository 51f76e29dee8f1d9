using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Threading;
using System.Threading.Tasks;
using ShowcaseOps.Cmdlets;
using ShowcaseOps.Core.Aws;
using ShowcaseOps.Core.Execution;
using ShowcaseOps.Core.Marathon;
using ShowcaseOps.Core.Session;
using ShowcaseOps.Core.Platform;
using ShowcaseOps.Model;

namespace ShowcaseOps.Commands.Marathon;

/// <summary>
/// Completes -Id / -AppId with the app ids Marathon knows, read through the command's cluster and channel
/// (-Cluster, -Channel, -Region, -ProfileName as typed so far). Gives up quietly (no completions) after a few seconds or on any failure.
/// </summary>
public sealed class MarathonAppIdCompleter : IArgumentCompleter
{
    /// <summary>How long completion may take before it gives up.</summary>
    internal static TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        try
        {
            var word = (wordToComplete ?? string.Empty).Trim('\'', '"');
            using var timeout = new CancellationTokenSource(Timeout);
            var work = Task.Run(() => ListIdsAsync(fakeBoundParameters, timeout.Token), timeout.Token);
            if (!work.Wait(Timeout))
            {
                timeout.Cancel();
                return Array.Empty<CompletionResult>();
            }

            return Match(work.Result, word);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return Array.Empty<CompletionResult>();
        }
    }

    /// <summary>The ids that start with <paramref name="word"/> (with or without the leading '/'), written the way the user started.</summary>
    internal static List<CompletionResult> Match(IEnumerable<string> ids, string word)
    {
        var slash = word.StartsWith("/", StringComparison.Ordinal);
        var pattern = new WildcardPattern((slash ? word : "/" + word) + "*", WildcardOptions.IgnoreCase);
        return ids
            .Where(id => pattern.IsMatch(id))
            .OrderBy(id => id, StringComparer.Ordinal)
            .Select(id =>
            {
                var text = slash ? id : id.TrimStart('/');
                return new CompletionResult(text, text, CompletionResultType.ParameterValue, "Marathon app " + id);
            })
            .ToList();
    }

    private static async Task<IReadOnlyList<string>> ListIdsAsync(IDictionary? bound, CancellationToken cancellationToken)
    {
        var state = Cmdlets.ShowcaseRunspaceState.Current();
        var settings = new AwsConnectionSettings
        {
            Region = Text(bound?["Region"]),
            ProfileName = Text(bound?["ProfileName"]),
            EndpointUrl = Text(bound?["EndpointUrl"]),
            Defaults = state?.Session.Aws ?? AwsSessionDefaults.Empty,
        };
        var cluster = Unwrap(bound?["Cluster"]) switch
        {
            ShowcaseClusterReference reference => reference,
            ShowcaseCluster c => new ShowcaseClusterReference(c),
            string name when name.Length > 0 => new ShowcaseClusterReference(name),
            _ => null,
        };
        PlatformChannelKind? channel = Enum.TryParse<PlatformChannelKind>(Text(bound?["Channel"]), true, out var kind) ? kind : null;
        using var connection = await PlatformConnection.OpenAsync(settings, state?.Session ?? new ShowcaseSession(), cluster?.Name, cluster?.Cluster?.Info, channel, null, NullReporter.Instance, cancellationToken).ConfigureAwait(false);
        var apps = await new MarathonClient(connection.Channel).ListAppsAsync(false, NullReporter.Instance, cancellationToken).ConfigureAwait(false);
        return apps.Select(a => a.Id).ToArray();
    }

    private static object? Unwrap(object? value) => value is PSObject p ? p.BaseObject : value;

    private static string? Text(object? value) => Unwrap(value)?.ToString();
}
