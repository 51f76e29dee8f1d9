using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using ShowcaseOps.Cmdlets;
using ShowcaseOps.Model;

namespace ShowcaseOps.Commands.Completion;

/// <summary>
/// Base of ShowcaseOps' argument completers: names this session has already read (<see cref="CompletionCache"/>),
/// that start with the word typed, case-insensitively; with -Cluster (or -Name of a cluster-scoped cmdlet) already typed,
/// only that cluster's. Nothing leaves the machine: no AWS call, no SSM command, no HTTP request.
/// </summary>
public abstract class CachedNameCompleter : IArgumentCompleter
{
    private protected abstract CompletionKind Kind { get; }

    /// <summary>The tooltip of one completion (<c>Showcase cluster demo</c>).</summary>
    private protected abstract string Describe(string name);

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var cache = CompletionCache.Current();
        if (cache is null)
        {
            return Array.Empty<CompletionResult>();
        }

        var word = (wordToComplete ?? string.Empty).Trim('\'', '"');
        return Match(cache.Names(Kind, ClusterOf(fakeBoundParameters)), word)
            .Select(n => new CompletionResult(n, n, CompletionResultType.ParameterValue, Describe(n)))
            .ToList();
    }

    /// <summary>The names offered for <paramref name="word"/>, in the form they complete to.</summary>
    private protected virtual IEnumerable<string> Match(IEnumerable<string> names, string word) =>
        names.Where(n => n.StartsWith(word, StringComparison.OrdinalIgnoreCase));

    private string? ClusterOf(IDictionary? bound)
    {
        if (Kind == CompletionKind.Cluster || bound is null)
        {
            return null;
        }

        var value = bound.Contains("Cluster") ? bound["Cluster"] : null;
        value = value is PSObject wrapped ? wrapped.BaseObject : value;
        return value switch
        {
            ShowcaseCluster cluster => cluster.Name,
            ShowcaseClusterReference reference => reference.Name,
            string name when name.Length > 0 => name,
            _ => null,
        };
    }
}
