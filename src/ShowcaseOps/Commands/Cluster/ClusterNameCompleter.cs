using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Threading;
using ShowcaseOps.Core.Session;
using ShowcaseOps.Core.Platform;
using ShowcaseOps.Core.Aws;
using ShowcaseOps.Core.Cluster;

namespace ShowcaseOps.Commands.Cluster;

/// <summary>Completes -Name with the clusters tagged in the region (DescribeTags; gives up quietly after a few seconds).</summary>
public sealed class ClusterNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        try
        {
            var settings = new AwsConnectionSettings
            {
                Region = fakeBoundParameters?["Region"] as string,
                ProfileName = fakeBoundParameters?["ProfileName"] as string,
                EndpointUrl = fakeBoundParameters?["EndpointUrl"] as string,
                Defaults = Cmdlets.ShowcaseRunspaceState.Current()?.Session.Aws ?? AwsSessionDefaults.Empty,
            };
            return Complete(settings, (wordToComplete ?? string.Empty).Trim('\'', '"'));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return Array.Empty<CompletionResult>();
        }
    }

    private static List<CompletionResult> Complete(AwsConnectionSettings settings, string word)
    {
        using var session = new ClusterSession(settings);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var names = session.ListNamesAsync(word + "*", timeout.Token).GetAwaiter().GetResult();
        return names.Select(n => new CompletionResult(n, n, CompletionResultType.ParameterValue, "Showcase cluster " + n)).ToList();
    }
}
