using System;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.Text;

namespace ShowcaseOps.Sandbox.Hosting;

/// <summary>One HTTP request as a stand-in sees it: fully read, so handlers never touch the listener.</summary>
public sealed class SandboxRequest
{
    public SandboxRequest(string method, string path, NameValueCollection query, NameValueCollection headers, byte[] body)
    {
        Method = method;
        Path = path;
        Query = query;
        Headers = headers;
        Body = body;
    }

    private static readonly char[] PathSeparator = { '/' };

    public string Method { get; }

    /// <summary>The unescaped path, without the query string.</summary>
    public string Path { get; }

    public NameValueCollection Query { get; }

    public NameValueCollection Headers { get; }

    public byte[] Body { get; }

    public string BodyText => Encoding.UTF8.GetString(Body);

    /// <summary>Path segments, unescaped (<c>/v2/apps/web</c> → <c>v2</c>, <c>apps</c>, <c>web</c>).</summary>
    public IReadOnlyList<string> Segments
    {
        get
        {
            var parts = Path.Split(PathSeparator, StringSplitOptions.RemoveEmptyEntries);
            for (var i = 0; i < parts.Length; i++)
            {
                parts[i] = Uri.UnescapeDataString(parts[i]);
            }

            return parts;
        }
    }

    /// <summary>The form fields of an <c>application/x-www-form-urlencoded</c> body (the AWS Query protocol).</summary>
    public NameValueCollection Form => FormEncoding.Parse(BodyText);
}

internal static class FormEncoding
{
    public static NameValueCollection Parse(string text)
    {
        var result = new NameValueCollection(StringComparer.Ordinal);
        if (string.IsNullOrEmpty(text))
        {
            return result;
        }

        foreach (var pair in text.Split('&'))
        {
            if (pair.Length == 0)
            {
                continue;
            }

            var eq = pair.IndexOf('=');
            var key = eq < 0 ? pair : pair.Substring(0, eq);
            var value = eq < 0 ? string.Empty : pair.Substring(eq + 1);
            result.Add(Decode(key), Decode(value));
        }

        return result;
    }

    private static string Decode(string s) => Uri.UnescapeDataString(s.Replace('+', ' '));
}
