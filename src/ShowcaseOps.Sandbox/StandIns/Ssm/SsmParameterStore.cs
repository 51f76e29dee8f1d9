using System;
using System.Collections.Generic;
using System.Linq;

namespace ShowcaseOps.Sandbox.StandIns.Ssm;

/// <summary>One Parameter Store entry (test-visible).</summary>
public sealed class SsmParameter
{
    public SsmParameter(string name, string type, string value, long version, DateTime lastModified, string tier = "Standard")
    {
        Tier = tier;
        Name = name;
        Type = type;
        Value = value;
        Version = version;
        LastModified = lastModified;
    }

    public string Name { get; }

    /// <summary><c>String</c>, <c>StringList</c> or <c>SecureString</c>.</summary>
    public string Type { get; }

    /// <summary>The plain value (the API shows SecureString values only WithDecryption).</summary>
    public string Value { get; }

    public long Version { get; }

    public DateTime LastModified { get; }

    /// <summary><c>Standard</c> (values up to 4,096 characters) or <c>Advanced</c> (8,192).</summary>
    public string Tier { get; }
}

/// <summary>The Parameter Store, with the public AMI parameters seeded.</summary>
public sealed class SsmParameterStore
{
    public const string Ubuntu2404AmiParameter = "/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id";
    public const string AmazonLinux2023AmiParameter = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64";
    public const string Ubuntu2404AmiId = "ami-0b2404a5ee1c0ffee";
    public const string AmazonLinux2023AmiId = "ami-0a12023c0ffee1234";

    private readonly object _gate = new();
    private readonly Dictionary<string, SsmParameter> _parameters = new(StringComparer.Ordinal);

    public SsmParameterStore() => Seed();

    public IReadOnlyList<SsmParameter> All
    {
        get
        {
            lock (_gate)
            {
                return _parameters.Values.OrderBy(p => p.Name, StringComparer.Ordinal).ToArray();
            }
        }
    }

    public SsmParameter? Get(string name)
    {
        lock (_gate)
        {
            return _parameters.TryGetValue(Normalize(name), out var p) ? p : null;
        }
    }

    /// <summary>Test seam and PutParameter: returns the new entry, or null when it exists and <paramref name="overwrite"/> is false.</summary>
    public SsmParameter? Put(string name, string type, string value, bool overwrite, string tier = "Standard")
    {
        name = Normalize(name);
        lock (_gate)
        {
            _parameters.TryGetValue(name, out var existing);
            if (existing is not null && !overwrite)
            {
                return null;
            }

            var parameter = new SsmParameter(name, type, value, (existing?.Version ?? 0) + 1, DateTime.UtcNow, tier);
            _parameters[name] = parameter;
            return parameter;
        }
    }

    public bool Delete(string name)
    {
        lock (_gate)
        {
            return _parameters.Remove(Normalize(name));
        }
    }

    internal void Reset()
    {
        lock (_gate)
        {
            _parameters.Clear();
        }

        Seed();
    }

    /// <summary>Names are given with or without the leading slash for hierarchies; an ARN resolves to its name.</summary>
    internal static string Normalize(string name)
    {
        const string marker = ":parameter";
        if (name.StartsWith("arn:", StringComparison.Ordinal))
        {
            var at = name.IndexOf(marker, StringComparison.Ordinal);
            if (at >= 0)
            {
                name = name.Substring(at + marker.Length);
            }
        }

        return name;
    }

    private void Seed()
    {
        var when = new DateTime(2026, 1, 15, 0, 0, 0, DateTimeKind.Utc);
        lock (_gate)
        {
            _parameters[Ubuntu2404AmiParameter] = new SsmParameter(Ubuntu2404AmiParameter, "String", Ubuntu2404AmiId, 42, when);
            _parameters[AmazonLinux2023AmiParameter] = new SsmParameter(AmazonLinux2023AmiParameter, "String", AmazonLinux2023AmiId, 97, when);
        }
    }
}
