using System;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using ShowcaseOps.Sandbox.Hosting;

namespace ShowcaseOps.Sandbox.StandIns.Http;

/// <summary>Body parsing shared by the plain-HTTP stand-ins.</summary>
internal static class JsonBody
{
    /// <summary>Parses the body as a JSON object; null (with <paramref name="error"/>) when it is not one.</summary>
    public static JObject? TryParseObject(SandboxRequest request, out string? error)
    {
        error = null;
        var text = request.BodyText;
        if (string.IsNullOrWhiteSpace(text))
        {
            return new JObject();
        }

        try
        {
            using var reader = new JsonTextReader(new System.IO.StringReader(text)) { DateParseHandling = DateParseHandling.None };
            var token = JToken.ReadFrom(reader);
            if (token is JObject obj)
            {
                return obj;
            }

            error = "expected a JSON object, got " + token.Type.ToString().ToLowerInvariant();
            return null;
        }
        catch (JsonException ex)
        {
            error = ex.Message;
            return null;
        }
    }

    /// <summary>Case-insensitive property lookup, as Go's encoding/json does when it decodes into a struct.</summary>
    public static JToken? Get(JObject obj, string name)
    {
        var token = obj.GetValue(name, StringComparison.OrdinalIgnoreCase);
        return token is null || token.Type == JTokenType.Null ? null : token;
    }

    public static string? GetString(JObject obj, string name) => Get(obj, name) is JValue { Type: JTokenType.String } value ? (string?)value.Value : null;
}
