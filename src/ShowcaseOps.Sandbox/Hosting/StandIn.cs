using System.Threading;
using System.Threading.Tasks;

namespace ShowcaseOps.Sandbox.Hosting;

/// <summary>
/// A faithful stand-in for one remote API. The host reads the request, asks the stand-in to name the operation,
/// applies injected latency and faults, then lets the stand-in answer, and logs the outcome.
/// </summary>
public abstract class StandIn
{
    private SandboxHost? _host;

    /// <summary>Short lower-case name used in endpoints, the request log and fault plans (<c>ec2</c>, <c>kong</c>, …).</summary>
    public abstract string Service { get; }

    /// <summary>The sandbox this stand-in belongs to (set when the host starts), for stand-ins that consult each other.</summary>
    public SandboxHost Host
    {
        get => _host ?? throw new System.InvalidOperationException("The stand-in is not attached to a sandbox host.");
        internal set => _host = value;
    }

    /// <summary>Names the operation (for logs and faults) and the target of a request.</summary>
    public abstract RequestIdentity Identify(SandboxRequest request);

    public abstract Task<SandboxResponse> HandleAsync(SandboxRequest request, RequestIdentity identity, CancellationToken cancellationToken);

    /// <summary>The answer the real API gives for an injected failure. Plain HTTP APIs answer <c>{"message": …}</c>.</summary>
    public virtual SandboxResponse FaultResponse(FaultSpec fault)
    {
        var response = SandboxResponse.Json(fault.HttpStatus, new { message = fault.Message ?? "injected failure" });
        response.ErrorCode = fault.ErrorCode ?? "Injected" + fault.HttpStatus;
        return response;
    }

    /// <summary>Forgets all state (used by <see cref="SandboxHost.Reset"/>).</summary>
    public abstract void Reset();
}

/// <summary>The operation and target of a request, as the request log records them.</summary>
public readonly struct RequestIdentity
{
    public RequestIdentity(string operation, string target)
    {
        Operation = operation;
        Target = target;
    }

    public string Operation { get; }

    public string Target { get; }
}
