using System;
using System.Collections.Generic;
using System.Linq;

namespace ShowcaseOps.Sandbox.Hosting;

/// <summary>One request a stand-in answered.</summary>
public sealed class RequestLogEntry
{
    public RequestLogEntry(long sequence, DateTime time, string service, string operation, string target, int status, string? errorCode, double durationMs, string? accessKeyId = null)
    {
        AccessKeyId = accessKeyId;
        Sequence = sequence;
        Time = time;
        Service = service;
        Operation = operation;
        Target = target;
        Status = status;
        ErrorCode = errorCode;
        DurationMs = durationMs;
    }

    public long Sequence { get; }

    public DateTime Time { get; }

    /// <summary><c>ec2</c>, <c>ssm</c>, <c>consul</c>, <c>vulcand</c>, <c>kong</c> or <c>marathon</c>.</summary>
    public string Service { get; }

    /// <summary>The AWS action (<c>RunInstances</c>) or the HTTP method and route (<c>PUT /services/{name}</c>).</summary>
    public string Operation { get; }

    /// <summary>What the request was about: a resource id, a name or the raw path.</summary>
    public string Target { get; }

    public int Status { get; }

    public string? ErrorCode { get; }

    public double DurationMs { get; }

    /// <summary>The access key id the request was signed with (SigV4 <c>Credential=</c>), null for unsigned requests.</summary>
    public string? AccessKeyId { get; }

    public bool Succeeded => Status >= 200 && Status < 300;

    public override string ToString() => $"{Service} {Operation} {Target} -> {Status}{(ErrorCode is null ? string.Empty : " " + ErrorCode)}";
}

/// <summary>Thread-safe log of every request the sandbox answered, so tests can count API calls.</summary>
public sealed class RequestLog
{
    private readonly object _gate = new();
    private readonly List<RequestLogEntry> _entries = new();
    private long _sequence;

    public IReadOnlyList<RequestLogEntry> Entries
    {
        get
        {
            lock (_gate)
            {
                return _entries.ToArray();
            }
        }
    }

    public int Count(string? service = null, string? operation = null) =>
        Entries.Count(e => (service is null || e.Service == service) && (operation is null || e.Operation == operation));

    /// <summary>Requests that would change state (every AWS call but Describe/Get/List, every HTTP call but GET).</summary>
    public IReadOnlyList<RequestLogEntry> Writes(string? service = null) =>
        Entries.Where(e => (service is null || e.Service == service) && IsWrite(e.Operation)).ToArray();

    public void Clear()
    {
        lock (_gate)
        {
            _entries.Clear();
        }
    }

    /// <summary>The access key id of a SigV4 <c>Authorization</c> header (<c>… Credential=AKID/date/region/service/aws4_request, …</c>).</summary>
    public static string? AccessKeyOf(System.Collections.Specialized.NameValueCollection? headers)
    {
        var authorization = headers?["Authorization"];
        const string Marker = "Credential=";
        var at = authorization?.IndexOf(Marker, StringComparison.Ordinal) ?? -1;
        if (at < 0)
        {
            return null;
        }

        var start = at + Marker.Length;
        var end = authorization!.IndexOf('/', start);
        return end > start ? authorization.Substring(start, end - start) : null;
    }

    internal void Add(DateTime time, string service, string operation, string target, int status, string? errorCode, double durationMs, string? accessKeyId = null)
    {
        lock (_gate)
        {
            _entries.Add(new RequestLogEntry(++_sequence, time, service, operation, target, status, errorCode, durationMs, accessKeyId));
        }
    }

    public static bool IsWrite(string operation)
    {
        if (operation.StartsWith("GET ", StringComparison.Ordinal) || operation.StartsWith("HEAD ", StringComparison.Ordinal))
        {
            return false;
        }

        return !(operation.StartsWith("Describe", StringComparison.Ordinal)
                 || operation.StartsWith("Get", StringComparison.Ordinal)
                 || operation.StartsWith("List", StringComparison.Ordinal));
    }
}
