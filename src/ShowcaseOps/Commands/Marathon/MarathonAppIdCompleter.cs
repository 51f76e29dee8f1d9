using System;
using System.Collections.Generic;
using System.Linq;
using ShowcaseOps.Cmdlets;
using ShowcaseOps.Commands.Completion;

namespace ShowcaseOps.Commands.Marathon;

/// <summary>Completes Marathon app ids this session has read, written with or without the leading '/' as the user started.</summary>
public sealed class MarathonAppIdCompleter : CachedNameCompleter
{
    private protected override CompletionKind Kind => CompletionKind.MarathonApp;

    private protected override string Describe(string name) => "Marathon app " + name;

    private protected override IEnumerable<string> Match(IEnumerable<string> names, string word)
    {
        var slash = word.StartsWith("/", StringComparison.Ordinal);
        var prefix = slash ? word : "/" + word;
        return names
            .Where(id => id.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .Select(id => slash ? id : id.Substring(1));
    }
}
