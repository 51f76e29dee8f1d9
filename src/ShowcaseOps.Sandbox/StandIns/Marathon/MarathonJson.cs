using System;
using System.Globalization;
using System.IO;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace ShowcaseOps.Sandbox.StandIns.Marathon;

/// <summary>JSON helpers shared by the Marathon stand-in (Marathon writes ISO-8601 UTC timestamps with milliseconds).</summary>
internal static class MarathonJson
{
    public static string Timestamp(DateTime utc) =>
        utc.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Parses without turning date-like strings into dates (they must come back exactly as sent).</summary>
    public static JToken Parse(string text)
    {
        using var reader = new JsonTextReader(new StringReader(text)) { DateParseHandling = DateParseHandling.None };
        var token = JToken.ReadFrom(reader);
        if (reader.Read())
        {
            throw new JsonReaderException("Unexpected content after the end of the JSON value (line " + reader.LineNumber.ToString(CultureInfo.InvariantCulture) + ").");
        }

        return token;
    }

    public static string Compact(JToken token) => token.ToString(Formatting.None);
}
