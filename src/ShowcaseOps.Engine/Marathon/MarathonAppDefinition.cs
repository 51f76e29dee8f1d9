using System.Collections.Generic;
using System.Text.RegularExpressions;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace ShowcaseOps.Core.Marathon;

/// <summary>An app definition checked before any remote call: a JSON object, with its id (if it names one).</summary>
public sealed class MarathonAppDefinition
{
    private MarathonAppDefinition(JObject definition)
    {
        Id = definition["id"] is { Type: JTokenType.String } idToken ? MarathonClient.NormalizeAppId((string)idToken!) : null;
        Json = definition.ToString(Formatting.None);
    }

    /// <summary>The normalized app id (<c>/web</c>), or null when the definition names none.</summary>
    public string? Id { get; }

    /// <summary>The definition as compact JSON.</summary>
    public string Json { get; }

    /// <summary>
    /// Parses a spec file's text; a malformed file throws <see cref="MarathonErrors.AppInvalid"/> naming
    /// <paramref name="source"/> and the line and position of the problem.
    /// </summary>
    public static MarathonAppDefinition Parse(string text, string source)
    {
        try
        {
            return new MarathonAppDefinition(MarathonClient.ParseJson(text) as JObject
                ?? throw new ShowcaseException(MarathonErrors.AppInvalid, ShowcaseErrorCategory.InvalidData, source, $"The app spec file '{source}' does not hold a JSON object (an app definition starts with '{{')."));
        }
        catch (JsonReaderException ex)
        {
            var where = ex.LineNumber > 0 ? $" (line {ex.LineNumber}, position {ex.LinePosition})" : string.Empty;
            throw new ShowcaseException(MarathonErrors.AppInvalid, ShowcaseErrorCategory.InvalidData, source, $"The app spec file '{source}' is not valid JSON{where}: {StripLocation(ex.Message)}")
            {
                RecommendedAction = "Fix the JSON at that place (see examples/specs/app.json) and try again.",
            };
        }
    }

    /// <summary>From plain values (dictionaries, lists, strings, numbers, booleans), as the cmdlet layer turns a hashtable into.</summary>
    public static MarathonAppDefinition FromValues(IDictionary<string, object?> values) => new(JObject.FromObject(values));

    /// <summary>Newtonsoft ends its messages with "Path 'x', line 3, position 5."; the line and position are given separately.</summary>
    private static string StripLocation(string message)
    {
        var stripped = Regex.Replace(message, @",?\s*line \d+, position \d+\.?\s*\z", string.Empty).TrimEnd('.', ' ', ',');
        return stripped + ".";
    }
}
