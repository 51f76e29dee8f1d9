using System;
using System.Collections.Generic;

namespace ShowcaseOps.Sandbox.Hosting;

/// <summary>A planned failure: the Nth call (counted from when it was added) of an operation fails.</summary>
public sealed class FaultSpec
{
    public FaultSpec(string service, string operation, int nthCall, int httpStatus, string? errorCode, string? message, int times)
    {
        Service = service;
        Operation = operation;
        NthCall = nthCall;
        HttpStatus = httpStatus;
        ErrorCode = errorCode;
        Message = message;
        Times = times;
    }

    public string Service { get; }

    /// <summary>The operation as the request log names it, or <c>*</c> for any operation of the service.</summary>
    public string Operation { get; }

    public int NthCall { get; }

    public int HttpStatus { get; }

    /// <summary>An AWS error code (<c>RequestLimitExceeded</c>, <c>InvalidVpcID.NotFound</c>, <c>ThrottlingException</c>); null for plain HTTP APIs.</summary>
    public string? ErrorCode { get; }

    public string? Message { get; }

    /// <summary>How many consecutive calls fail, starting with the Nth.</summary>
    public int Times { get; }

    /// <summary>
    /// A lost answer: the stand-in acts on the request, then the connection is closed before any answer is written, as
    /// when a reset hits after the server acted. The SDK sees a network error and retries the same request.
    /// </summary>
    public bool LosesAnswer { get; init; }

    internal int Seen { get; set; }

    internal int Fired { get; set; }
}

/// <summary>Failures planned by tests; consulted by the host before a stand-in sees the request.</summary>
public sealed class FaultInjector
{
    private readonly object _gate = new();
    private readonly List<FaultSpec> _faults = new();

    /// <summary>Fails the <paramref name="nthCall"/>-th next call of <paramref name="operation"/> (1 = the next one).</summary>
    public FaultSpec Add(string service, string operation, int nthCall = 1, int httpStatus = 500, string? errorCode = null, string? message = null, int times = 1)
    {
        if (nthCall < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(nthCall), "The first call is 1.");
        }

        var spec = new FaultSpec(service, operation, nthCall, httpStatus, errorCode, message, Math.Max(1, times));
        lock (_gate)
        {
            _faults.Add(spec);
        }

        return spec;
    }

    /// <summary>The <paramref name="nthCall"/>-th next call of <paramref name="operation"/> is carried out, and its answer is lost.</summary>
    public FaultSpec AddLostAnswer(string service, string operation, int nthCall = 1, int times = 1)
    {
        if (nthCall < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(nthCall), "The first call is 1.");
        }

        var spec = new FaultSpec(service, operation, nthCall, 0, null, "answer lost", Math.Max(1, times)) { LosesAnswer = true };
        lock (_gate)
        {
            _faults.Add(spec);
        }

        return spec;
    }

    public void Clear()
    {
        lock (_gate)
        {
            _faults.Clear();
        }
    }

    /// <summary>Faults that have not fired completely yet.</summary>
    public int Pending
    {
        get
        {
            lock (_gate)
            {
                return _faults.FindAll(f => f.Fired < f.Times).Count;
            }
        }
    }

    internal FaultSpec? Match(string service, string operation)
    {
        lock (_gate)
        {
            foreach (var fault in _faults)
            {
                if (fault.Service != service || (fault.Operation != "*" && fault.Operation != operation) || fault.Fired >= fault.Times)
                {
                    continue;
                }

                fault.Seen++;
                if (fault.Seen >= fault.NthCall)
                {
                    fault.Fired++;
                    return fault;
                }
            }
        }

        return null;
    }
}
