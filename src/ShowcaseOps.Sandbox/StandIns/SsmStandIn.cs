using System.Threading;
using System.Threading.Tasks;
using ShowcaseOps.Sandbox.Hosting;

namespace ShowcaseOps.Sandbox.StandIns;

/// <summary>Stand-in for the SSM JSON API (filled in by the bootstrap issue).</summary>
public sealed class SsmStandIn : StandIn
{
    public override string Service => "ssm";

    public override RequestIdentity Identify(SandboxRequest request)
    {
        var target = request.Headers["X-Amz-Target"] ?? "AmazonSSM.Unknown";
        var dot = target.LastIndexOf('.');
        return new(dot < 0 ? target : target.Substring(dot + 1), string.Empty);
    }

    public override Task<SandboxResponse> HandleAsync(SandboxRequest request, RequestIdentity identity, CancellationToken cancellationToken) =>
        Task.FromResult(AwsErrors.Json(400, "InvalidAction", $"The action {identity.Operation} is not valid."));

    public override SandboxResponse FaultResponse(FaultSpec fault) =>
        AwsErrors.Json(AwsErrors.StatusFor(fault.ErrorCode ?? "InternalServerError", fault.HttpStatus), fault.ErrorCode ?? "InternalServerError", fault.Message ?? "injected failure");

    public override void Reset()
    {
    }
}
