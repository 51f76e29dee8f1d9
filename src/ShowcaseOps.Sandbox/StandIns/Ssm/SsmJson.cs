using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using ShowcaseOps.Sandbox.Hosting;

namespace ShowcaseOps.Sandbox.StandIns.Ssm;

/// <summary>An error the stand-in answers in the AWS JSON 1.1 shape.</summary>
internal sealed class SsmApiException : Exception
{
    public SsmApiException(string code, string message, int status = 400)
        : base(message)
    {
        Code = code;
        Status = status;
    }

    public string Code { get; }

    public int Status { get; }

    /// <summary>The constraint-violation error AWS's front end gives for a modelled limit.</summary>
    public static SsmApiException Validation(string member, string value, string constraint) =>
        new("ValidationException", $"1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: {constraint}");
}

/// <summary>AWS JSON 1.1 helpers: timestamps are epoch seconds, bodies are <c>application/x-amz-json-1.1</c>.</summary>
internal static class SsmJson
{
    public const string ContentType = "application/x-amz-json-1.1";

    // Field names that clash with member names of the stand-in (keeps CA1507 quiet without nameof, which would be wrong here).
    public const string ParametersField = "Parameters";
    public const string CommandsField = "Commands";
    private static readonly DateTime Epoch = new(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public static JObject Parse(SandboxRequest request)
    {
        var text = request.BodyText;
        if (string.IsNullOrWhiteSpace(text))
        {
            return new JObject();
        }

        try
        {
            return JObject.Parse(text);
        }
        catch (JsonReaderException ex)
        {
            throw new SsmApiException("SerializationException", "The request body is not valid JSON: " + ex.Message);
        }
    }

    public static SandboxResponse Ok(JObject body) =>
        new(200, ContentType, Encoding.UTF8.GetBytes(body.ToString(Formatting.None)));

    public static double EpochSeconds(DateTime time) => Math.Round((time.ToUniversalTime() - Epoch).TotalSeconds, 3);

    /// <summary>GetCommandInvocation's string timestamps (ISO 8601, UTC).</summary>
    public static string Iso(DateTime? time) =>
        time is null ? string.Empty : time.Value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static string? String(JObject body, string name) =>
        body.TryGetValue(name, StringComparison.Ordinal, out var token) && token.Type != JTokenType.Null ? token.ToString() : null;

    public static bool Bool(JObject body, string name) =>
        body.TryGetValue(name, StringComparison.Ordinal, out var token) && token.Type == JTokenType.Boolean && token.Value<bool>();

    public static int? Int(JObject body, string name) =>
        body.TryGetValue(name, StringComparison.Ordinal, out var token) && token.Type == JTokenType.Integer ? token.Value<int>() : null;

    public static List<string> Strings(JObject body, string name) =>
        body.TryGetValue(name, StringComparison.Ordinal, out var token) && token is JArray array
            ? array.Select(t => t.ToString()).ToList()
            : new List<string>();

    public static string Truncate(string text, int max) => text.Length <= max ? text : text.Substring(0, max);

    /// <summary>Cuts a list into a page; the token is opaque to clients (base64 of the offset).</summary>
    public static (List<T> Page, string? NextToken) Page<T>(IReadOnlyList<T> items, JObject body, int defaultSize, int min, int max, Hosting.PageSizer? sizer = null)
    {
        var size = Int(body, "MaxResults") ?? defaultSize;
        if (size < min)
        {
            throw SsmApiException.Validation("maxResults", size.ToString(CultureInfo.InvariantCulture), "Member must have value greater than or equal to " + min.ToString(CultureInfo.InvariantCulture));
        }

        if (size > max)
        {
            throw SsmApiException.Validation("maxResults", size.ToString(CultureInfo.InvariantCulture), "Member must have value less than or equal to " + max.ToString(CultureInfo.InvariantCulture));
        }

        // The sandbox's page sizes (small and varying) unless paging is off; MaxResults stays the upper bound.
        var pageSize = sizer is { Enabled: true } ? sizer.Next(size) : size;
        var offset = 0;
        var token = String(body, "NextToken");
        if (!string.IsNullOrEmpty(token))
        {
            try
            {
                var text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
                var number = text.StartsWith("offset:", StringComparison.Ordinal) ? text.Substring(7).Split(':')[0] : string.Empty;
                if (!int.TryParse(number, NumberStyles.Integer, CultureInfo.InvariantCulture, out offset) || offset < 0)
                {
                    throw new FormatException();
                }
            }
            catch (FormatException)
            {
                throw new SsmApiException("InvalidNextToken", "The specified token is not valid.");
            }
        }

        var page = items.Skip(offset).Take(pageSize).ToList();

        // A nonce keeps every token unique, even after an empty page.
        var next = offset + pageSize < items.Count
            ? Convert.ToBase64String(Encoding.UTF8.GetBytes("offset:" + (offset + pageSize).ToString(CultureInfo.InvariantCulture) + ":" + Guid.NewGuid().ToString("N").Substring(0, 8)))
            : null;
        return (page, next);
    }
}
