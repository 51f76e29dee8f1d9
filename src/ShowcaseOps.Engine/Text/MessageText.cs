namespace ShowcaseOps.Core.Text;

/// <summary>Remote text (response bodies, command output) cut to a length that fits in an error message.</summary>
public static class MessageText
{
    /// <summary><paramref name="text"/> as it is when at most <paramref name="maxLength"/> characters, else its start followed by <c>…</c>.</summary>
    public static string Shorten(string? text, int maxLength)
    {
        text ??= string.Empty;
        return text.Length > maxLength ? text.Substring(0, maxLength) + "…" : text;
    }

    /// <summary>A response body trimmed of surrounding white space, then shortened (300 characters unless told).</summary>
    public static string ShortenBody(string? body, int maxLength = 300) => Shorten((body ?? string.Empty).Trim(), maxLength);
}
