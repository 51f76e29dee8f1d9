using System.Threading;
using System.Threading.Tasks;
using ShowcaseOps.Sandbox.Hosting;

namespace ShowcaseOps.Sandbox.StandIns;

/// <summary>Stand-in for the Vulcand admin API (filled in by its issue).</summary>
public sealed class VulcandStandIn : StandIn
{
    public override string Service => "vulcand";

    public override RequestIdentity Identify(SandboxRequest request) => new(request.Method + " " + request.Path, request.Path);

    public override Task<SandboxResponse> HandleAsync(SandboxRequest request, RequestIdentity identity, CancellationToken cancellationToken) =>
        Task.FromResult(SandboxResponse.Json(404, new { message = "Not found" }));

    public override void Reset()
    {
    }
}
