using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Text;

namespace ShowcaseOps.Core.Platform;

/// <summary>
/// The bodies of the platform reads (GETs) a session has already received over SSM, by URL, with their sha256. A batch
/// sends the digests it knows; the host answers "same" instead of a body whose digest matches, so a read of an unchanged
/// platform costs one command however large it is (see docs/ssm.md, "Conditional reads"). Thread-safe; bounded: when
/// <see cref="MaxBytes"/> is exceeded the cache starts again empty.
/// </summary>
public sealed class PlatformBodyCache
{
    /// <summary>Upper bound of the cached characters (about 16 MB of bodies).</summary>
    public const long MaxBytes = 16L * 1024 * 1024;

    private readonly object _gate = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private long _size;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>The sha256 (lower-case hex) of the body cached for <paramref name="key"/>; null when none.</summary>
    public string? DigestOf(string key)
    {
        lock (_gate)
        {
            return _entries.TryGetValue(key, out var entry) ? entry.Digest : null;
        }
    }

    /// <summary>The cached body whose digest is <paramref name="digest"/>; null when it is gone or different.</summary>
    public string? BodyOf(string key, string digest)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(key, out var entry) && entry.Digest == digest)
            {
                return entry.Body;
            }

            return null;
        }
    }

    public void Store(string key, string body) => Store(key, body, Digest(body));

    /// <summary>Keeps <paramref name="body"/> under the digest the host computed (a compact read's: of the body it read, not of this text).</summary>
    public void Store(string key, string body, string digest)
    {
        var entry = new Entry(digest ?? throw new ArgumentNullException(nameof(digest)), body ?? throw new ArgumentNullException(nameof(body)));
        lock (_gate)
        {
            if (_entries.TryGetValue(key, out var old))
            {
                _size -= old.Body.Length;
            }

            if (_size + body.Length > MaxBytes)
            {
                _entries.Clear();
                _size = 0;
            }

            _entries[key] = entry;
            _size += body.Length;
        }
    }

    /// <summary>The keys that start with <paramref name="prefix"/> (a snapshot).</summary>
    public IReadOnlyList<string> Keys(string prefix)
    {
        lock (_gate)
        {
            return _entries.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).ToArray();
        }
    }

    public void Remove(string key)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(key, out var old))
            {
                _size -= old.Body.Length;
                _entries.Remove(key);
            }
        }
    }

    /// <summary>The sha256 of the body's UTF-8 bytes, as <c>sha256sum</c> prints it.</summary>
    public static string Digest(string body)
    {
        using var sha = SHA256.Create();
        var hash = sha.ComputeHash(new UTF8Encoding(false).GetBytes(body ?? string.Empty));
        var text = new StringBuilder(64);
        foreach (var b in hash)
        {
            text.Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }

    private sealed record Entry(string Digest, string Body);
}
