using System.Threading;
using System.Threading.Tasks;
using ShowcaseOps.Sandbox.Hosting;

namespace ShowcaseOps.Sandbox.StandIns;

/// <summary>Stand-in for the Kong admin API (filled in by its issue).</summary>
public sealed class KongStandIn : StandIn
{
    public override string Service => "kong";

    public override RequestIdentity Identify(SandboxRequest request) => new(request.Method + " " + request.Path, request.Path);

    public override Task<SandboxResponse> HandleAsync(SandboxRequest request, RequestIdentity identity, CancellationToken cancellationToken) =>
        Task.FromResult(SandboxResponse.Json(404, new { message = "Not found" }));

    public override void Reset()
    {
    }
}
