using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using ShowcaseOps.Core;
using Xunit;

namespace ShowcaseOps.Tests.Core;

/// <summary>The error catalog (ShowcaseErrors) is the one place that defines every id; docs/errors.md is generated from it.</summary>
public class ErrorCatalogTests
{
    private const string Intro = @"# Error ids

Every error ShowcaseOps writes has a stable `ErrorId` of the form `<Noun><Reason>`, a PowerShell `ErrorCategory`, the
input it concerns as `TargetObject`, and a recommended action. The fully qualified id adds the cmdlet:
`ShowcaseClusterNotFound,ShowcaseOps.Commands.Cluster.GetShowcaseClusterCommand`. Catch on the id, never on the message
text. Per-item failures are non-terminating (use `-ErrorAction Stop` to stop on them); failures that concern every input
(no region, no credentials, bad endpoints) stop the command.

This page is generated from the catalog, `src/ShowcaseOps.Engine/Errors/ShowcaseErrors.cs`, the one place an id is
defined: `tests/ShowcaseOps.Tests/Core/ErrorCatalogTests.cs` fails when the two differ, and rewrites this page when run
with `SHOWCASE_WRITE_DOCS=1`. A throw site may give a more specific recommended action than the one listed here. Where
the category follows the cause (an AWS error code, an HTTP status), the rule is given.

| id | category | meaning | what to do |
| --- | --- | --- | --- |
";

    [Fact]
    public void Every_entry_has_a_well_formed_unique_id_a_meaning_and_an_action()
    {
        var all = ShowcaseErrors.All;
        Assert.True(all.Count > 60);
        Assert.Equal(all.Count, all.Select(e => e.Id).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        foreach (var error in all)
        {
            Assert.Matches(new Regex(@"\A(Showcase|Marathon|Ssm|Platform|Aws|Ec2)[A-Z][A-Za-z0-9]*\z"), error.Id);
            Assert.False(string.IsNullOrWhiteSpace(error.Meaning), error.Id);
            Assert.False(string.IsNullOrWhiteSpace(error.RecommendedAction), error.Id);
            Assert.Same(error, ShowcaseErrors.Find(error.Id));
        }
    }

    [Fact]
    public void A_fixed_category_cannot_be_changed_at_the_throw_site()
    {
        Assert.Throws<ArgumentException>(() => new ShowcaseException(ShowcaseErrors.ShowcaseClusterNotFound, ShowcaseErrorCategory.InvalidResult, null, "x"));
        var varying = new ShowcaseException(ShowcaseErrors.PlatformRequestFailed, ShowcaseErrorCategory.ObjectNotFound, null, "x");
        Assert.Equal(ShowcaseErrorCategory.ObjectNotFound, varying.Category);
        Assert.Equal(ShowcaseErrors.PlatformRequestFailed.RecommendedAction, varying.RecommendedAction);
        Assert.Equal("specific", new ShowcaseException(ShowcaseErrors.PlatformRequestFailed, null, "x") { RecommendedAction = "specific" }.RecommendedAction);
    }

    [Fact]
    public void Docs_errors_md_is_the_catalog()
    {
        var path = Path.Combine(RepoRoot(), "docs", "errors.md");
        var expected = Render();
        if (Environment.GetEnvironmentVariable("SHOWCASE_WRITE_DOCS") == "1")
        {
            File.WriteAllText(path, expected);
        }

        Assert.Equal(expected, File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    [Fact]
    public void No_code_spells_an_error_id_outside_the_catalog()
    {
        var root = RepoRoot();
        var catalog = Path.Combine(root, "src", "ShowcaseOps.Engine", "Errors", "ShowcaseErrors.cs");
        var ids = ShowcaseErrors.All.Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
        var literal = new Regex("\"([A-Z][A-Za-z0-9]+)\"");
        var offenders = Directory.EnumerateFiles(Path.Combine(root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains(Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal) && f != catalog
                        && !f.Contains(Path.Combine("src", "ShowcaseOps.Sandbox"), StringComparison.Ordinal))
            .SelectMany(f => literal.Matches(File.ReadAllText(f)).Select(m => (File: Path.GetRelativePath(root, f), Id: m.Groups[1].Value)))
            .Where(x => ids.Contains(x.Id))
            .Select(x => x.File + ": " + x.Id)
            .ToArray();
        Assert.True(offenders.Length == 0, "Use ShowcaseErrors.<Id> instead of a string: " + string.Join("; ", offenders));
    }

    private static string Render()
    {
        var text = new StringBuilder(Intro);
        foreach (var error in ShowcaseErrors.All)
        {
            var category = error.CategoryRule is null ? error.Category.ToString() : error.CategoryRule;
            text.Append("| `").Append(error.Id).Append("` | ").Append(Cell(category)).Append(" | ").Append(Cell(error.Meaning)).Append(" | ").Append(Cell(error.RecommendedAction)).Append(" |\n");
        }

        return text.ToString();
    }

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ShowcaseOps.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("ShowcaseOps.sln not found above " + AppContext.BaseDirectory);
    }
}
