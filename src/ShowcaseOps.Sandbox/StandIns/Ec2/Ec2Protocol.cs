using System;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.Globalization;
using System.Linq;
using System.Security;
using System.Text;
using System.Text.RegularExpressions;
using ShowcaseOps.Sandbox.Hosting;

namespace ShowcaseOps.Sandbox.StandIns.Ec2;

/// <summary>Reads EC2 Query-protocol parameters (<c>InstanceId.1</c>, <c>Filter.1.Name</c>, <c>TagSpecification.1.Tag.1.Key</c>).</summary>
internal sealed class Ec2Params
{
    private readonly NameValueCollection _form;

    public Ec2Params(NameValueCollection form) => _form = form;

    public string? this[string name] => string.IsNullOrEmpty(_form[name]) ? null : _form[name];

    /// <summary>Every parameter name of the request.</summary>
    public IEnumerable<string> Keys => _form.AllKeys.Where(k => k is not null).Select(k => k!);

    public string Required(string name) =>
        this[name] ?? throw new Ec2Fault("MissingParameter", $"The request must contain the parameter {name}.");

    public int? Int(string name)
    {
        var text = this[name];
        if (text is null)
        {
            return null;
        }

        return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new Ec2Fault("InvalidParameterValue", $"Invalid value '{text}' for {name}.");
    }

    public bool? Bool(string name)
    {
        var text = this[name];
        return text is null ? null : string.Equals(text, "true", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Values of <c>prefix.1</c>, <c>prefix.2</c>, … in order.</summary>
    public List<string> List(string prefix)
    {
        var result = new List<string>();
        for (var i = 1; ; i++)
        {
            var value = _form[prefix + "." + i.ToString(CultureInfo.InvariantCulture)];
            if (value is null)
            {
                return result;
            }

            result.Add(value);
        }
    }

    /// <summary>Indexes N for which some <c>prefix.N.*</c> key exists, in order.</summary>
    public List<string> Members(string prefix)
    {
        var indexes = new SortedSet<int>();
        var start = prefix + ".";
        foreach (string? key in _form.Keys)
        {
            if (key is null || !key.StartsWith(start, StringComparison.Ordinal))
            {
                continue;
            }

            var rest = key.Substring(start.Length);
            var dot = rest.IndexOf('.');
            var number = dot < 0 ? rest : rest.Substring(0, dot);
            if (int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                indexes.Add(n);
            }
        }

        return indexes.Select(n => start + n.ToString(CultureInfo.InvariantCulture)).ToList();
    }

    public List<Ec2Filter> Filters()
    {
        var filters = new List<Ec2Filter>();
        foreach (var member in Members("Filter"))
        {
            var name = this[member + ".Name"] ?? throw new Ec2Fault("InvalidParameterValue", "A filter needs a Name.");
            filters.Add(new Ec2Filter(name, List(member + ".Value")));
        }

        return filters;
    }

    /// <summary>The tags that TagSpecifications give to a resource of <paramref name="resourceType"/>; rejects types the action cannot tag.</summary>
    public Dictionary<string, string> TagsFor(string resourceType, params string[] allowedTypes)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var member in Members("TagSpecification"))
        {
            var type = this[member + ".ResourceType"] ?? throw new Ec2Fault("InvalidParameterValue", "A tag specification needs a ResourceType.");
            if (Array.IndexOf(allowedTypes, type) < 0)
            {
                throw new Ec2Fault("InvalidParameterValue", $"'{type}' is not a valid taggable resource type for this operation.");
            }

            if (type != resourceType)
            {
                continue;
            }

            foreach (var tag in Members(member + ".Tag"))
            {
                var key = this[tag + ".Key"] ?? throw new Ec2Fault("InvalidParameterValue", "A tag needs a Key.");
                if (key.StartsWith("aws:", StringComparison.OrdinalIgnoreCase))
                {
                    throw new Ec2Fault("InvalidParameterValue", "Tag keys starting with 'aws:' are reserved for internal use");
                }

                tags[key] = _form[tag + ".Value"] ?? string.Empty;
            }
        }

        if (tags.Count > 50)
        {
            throw new Ec2Fault("TagLimitExceeded", "The maximum number of tags for a resource is 50.");
        }

        return tags;
    }
}

/// <summary>One <c>Filter.N</c>: a name and values that may hold the wildcards <c>*</c> and <c>?</c>.</summary>
internal sealed class Ec2Filter
{
    private readonly Regex[] _patterns;

    public Ec2Filter(string name, IReadOnlyList<string> values)
    {
        Name = name;
        Values = values;
        // Anchored with \A..\z: "$" would also accept a value followed by a newline. Matching is case-sensitive, as EC2's is.
        _patterns = values.Select(v => new Regex("\\A" + Regex.Escape(v).Replace("\\*", ".*").Replace("\\?", ".") + "\\z", RegexOptions.Singleline | RegexOptions.CultureInvariant)).ToArray();
    }

    public string Name { get; }

    public IReadOnlyList<string> Values { get; }

    public bool Matches(IEnumerable<string?> actual) => actual.Any(a => a is not null && _patterns.Any(p => p.IsMatch(a)));
}

/// <summary>Builds EC2 responses: <c>&lt;ActionResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"&gt;</c>.</summary>
internal sealed class Ec2Xml
{
    public const string Namespace = "http://ec2.amazonaws.com/doc/2016-11-15/";

    private readonly StringBuilder _sb = new();
    private readonly string _action;

    public Ec2Xml(string action)
    {
        _action = action;
        _sb.Append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<").Append(action).Append("Response xmlns=\"").Append(Namespace).Append("\">");
        Element("requestId", Guid.NewGuid().ToString());
    }

    public Ec2Xml Element(string name, string? value)
    {
        if (value is null)
        {
            return this;
        }

        _sb.Append('<').Append(name).Append('>').Append(SecurityElement.Escape(value)).Append("</").Append(name).Append('>');
        return this;
    }

    public Ec2Xml Element(string name, bool value) => Element(name, value ? "true" : "false");

    public Ec2Xml Element(string name, int? value) => value is null ? this : Element(name, value.Value.ToString(CultureInfo.InvariantCulture));

    public Ec2Xml Element(string name, DateTime value) => Element(name, Time(value));

    public Ec2Xml Open(string name)
    {
        _sb.Append('<').Append(name).Append('>');
        return this;
    }

    public Ec2Xml Close(string name)
    {
        _sb.Append("</").Append(name).Append('>');
        return this;
    }

    /// <summary><c>&lt;name&gt;&lt;item&gt;…&lt;/item&gt;…&lt;/name&gt;</c>.</summary>
    public Ec2Xml Set<T>(string name, IEnumerable<T> items, Action<Ec2Xml, T> write)
    {
        Open(name);
        foreach (var item in items)
        {
            Open("item");
            write(this, item);
            Close("item");
        }

        return Close(name);
    }

    public Ec2Xml TagSet(IReadOnlyDictionary<string, string> tags) =>
        Set("tagSet", tags, (x, t) => x.Element("key", t.Key).Element("value", t.Value));

    public SandboxResponse Build()
    {
        _sb.Append("</").Append(_action).Append("Response>");
        return new SandboxResponse(200, "text/xml;charset=UTF-8", Encoding.UTF8.GetBytes(_sb.ToString()));
    }

    public static string Time(DateTime value) => value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
