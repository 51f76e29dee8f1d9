using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;

namespace ShowcaseOps.Core;

/// <summary>One entry of the error catalog (<see cref="ShowcaseErrors"/>): a stable id, its category, what it means and what to do.</summary>
public sealed class ShowcaseError
{
    internal ShowcaseError(string id, ShowcaseErrorCategory category, string meaning, string recommendedAction, string? categoryRule = null)
    {
        Id = id;
        Category = category;
        Meaning = meaning;
        RecommendedAction = recommendedAction;
        CategoryRule = categoryRule;
    }

    /// <summary>The stable ErrorId (<c>&lt;Noun&gt;&lt;Reason&gt;</c>).</summary>
    public string Id { get; }

    /// <summary>The category; for entries with a <see cref="CategoryRule"/>, the default.</summary>
    public ShowcaseErrorCategory Category { get; }

    /// <summary>What the error means, for docs/errors.md.</summary>
    public string Meaning { get; }

    /// <summary>What the user should do; a throw site may give a more specific one.</summary>
    public string RecommendedAction { get; }

    /// <summary>
    /// Set when the category follows the cause (an AWS error code, an HTTP status): the rule in words. Only such
    /// entries take a category at the throw site.
    /// </summary>
    public string? CategoryRule { get; }

    public override string ToString() => Id;
}

/// <summary>The catalog's lookup side; the entries are in ShowcaseErrors.cs.</summary>
public static partial class ShowcaseErrors
{
    private static readonly Lazy<IReadOnlyDictionary<string, ShowcaseError>> ById = new(() =>
        typeof(ShowcaseErrors).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(ShowcaseError))
            .Select(f => (ShowcaseError)f.GetValue(null)!)
            .ToDictionary(e => e.Id, StringComparer.Ordinal));

    /// <summary>Every entry, by id.</summary>
    public static IReadOnlyCollection<ShowcaseError> All => ById.Value.Values.OrderBy(e => e.Id, StringComparer.Ordinal).ToArray();

    /// <summary>The entry for an id, or null.</summary>
    public static ShowcaseError? Find(string id) => ById.Value.TryGetValue(id, out var error) ? error : null;
}
