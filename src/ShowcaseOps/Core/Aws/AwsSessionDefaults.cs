using System;
using System.Collections.Generic;

namespace ShowcaseOps.Core.Aws;

/// <summary>
/// Defaults for every ShowcaseOps call in this process: set by <c>Start-ShowcaseSandbox</c> (endpoints, region, dummy
/// credentials) and cleared by <c>Stop-ShowcaseSandbox</c>. Explicit cmdlet parameters always win.
/// </summary>
public static class AwsSessionDefaults
{
    private static readonly object Gate = new();
    private static Snapshot _current = Snapshot.Empty;

    public static Snapshot Current
    {
        get
        {
            lock (Gate)
            {
                return _current;
            }
        }
    }

    public static void Set(Snapshot snapshot)
    {
        lock (Gate)
        {
            _current = snapshot ?? throw new ArgumentNullException(nameof(snapshot));
        }
    }

    public static void Clear() => Set(Snapshot.Empty);

    /// <summary>An immutable set of defaults.</summary>
    public sealed class Snapshot
    {
        public static readonly Snapshot Empty = new(null, null, null, new Dictionary<string, string>());

        public Snapshot(string? region, string? accessKey, string? secretKey, IReadOnlyDictionary<string, string> serviceEndpoints)
        {
            Region = region;
            AccessKey = accessKey;
            SecretKey = secretKey;
            ServiceEndpoints = serviceEndpoints;
        }

        public string? Region { get; }

        public string? AccessKey { get; }

        public string? SecretKey { get; }

        /// <summary>Service (<c>ec2</c>, <c>ssm</c>) → endpoint URL.</summary>
        public IReadOnlyDictionary<string, string> ServiceEndpoints { get; }
    }
}
