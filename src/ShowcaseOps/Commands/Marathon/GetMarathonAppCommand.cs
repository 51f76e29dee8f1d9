using ShowcaseOps.Cmdlets;
using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using ShowcaseOps.Core;
using ShowcaseOps.Core.Marathon;
using ShowcaseOps.Model;

namespace ShowcaseOps.Commands.Marathon;

/// <summary>Lists Marathon apps (with their tasks), or gets some by id.</summary>
[Cmdlet(VerbsCommon.Get, "MarathonApp")]
[OutputType(typeof(MarathonApp))]
public sealed class GetMarathonAppCommand : MarathonCmdlet
{
    /// <summary>App ids, with or without the leading '/' (wildcards allowed). Default: every app.</summary>
    [Parameter(Position = 0)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ValidateMarathonAppIdPattern]
    [ArgumentCompleter(typeof(MarathonAppIdCompleter))]
    public string[]? Id { get; set; }

    protected override void ProcessRecordCore()
    {
        var ids = Id ?? Array.Empty<string>();
        var exact = ids.Where(i => !WildcardPattern.ContainsWildcardCharacters(i)).Select(MarathonClient.NormalizeAppId).Distinct(StringComparer.Ordinal).ToArray();
        var patterns = ids.Where(WildcardPattern.ContainsWildcardCharacters).Select(AppIdPattern.Create).ToArray();
        var listAll = ids.Length == 0 || patterns.Length > 0;

        Run(async (reporter, ct) =>
        {
            var client = await ConnectMarathonAsync(reporter, ct).ConfigureAwait(false);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            if (listAll)
            {
                // One call returns every app with its tasks; exact ids are picked from it too.
                var apps = await client.ListAppsAsync(true, reporter, ct).ConfigureAwait(false);
                foreach (var app in apps.Where(a => ids.Length == 0 || exact.Contains(a.Id, StringComparer.Ordinal) || patterns.Any(p => p.IsMatch(a.Id))).OrderBy(a => a.Id, StringComparer.Ordinal))
                {
                    seen.Add(app.Id);
                    reporter.Output(app);
                }

                foreach (var missing in exact.Where(e => !seen.Contains(e)))
                {
                    reporter.Failure(new ShowcaseException(ShowcaseErrors.MarathonAppNotFound, missing, $"Marathon has no app '{missing}'.")
                    {
                        RecommendedAction = "List the apps with Get-MarathonApp; app ids are lower-case and start with '/'.",
                    });
                }

                return;
            }

            foreach (var id in exact)
            {
                try
                {
                    reporter.Output(await client.GetAppAsync(id, reporter, ct).ConfigureAwait(false));
                }
                catch (ShowcaseException ex) when (ex.ErrorId == ShowcaseErrors.MarathonAppNotFound.Id)
                {
                    reporter.Failure(ex);
                }
            }
        });
    }
}

/// <summary>Matches app ids written with or without the leading '/' (<c>web*</c> and <c>/web*</c> both match <c>/web</c>).</summary>
internal static class AppIdPattern
{
    public static WildcardPattern Create(string pattern)
    {
        var trimmed = pattern.Trim();
        return new WildcardPattern(trimmed.StartsWith("/", StringComparison.Ordinal) || trimmed.StartsWith("*", StringComparison.Ordinal) ? trimmed : "/" + trimmed, WildcardOptions.None);
    }
}
