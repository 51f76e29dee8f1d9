using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using ShowcaseOps.Sandbox.Hosting;

namespace ShowcaseOps.Sandbox.StandIns;

/// <summary>Stand-in for the EC2 Query API (filled in by the cluster issue).</summary>
public sealed class Ec2StandIn : StandIn
{
    public override string Service => "ec2";

    public override RequestIdentity Identify(SandboxRequest request)
    {
        var action = request.Form["Action"] ?? request.Query["Action"] ?? "Unknown";
        return new(action, string.Empty);
    }

    public override Task<SandboxResponse> HandleAsync(SandboxRequest request, RequestIdentity identity, CancellationToken cancellationToken) =>
        Task.FromResult(AwsErrors.Query(400, "InvalidAction", $"The action {identity.Operation} is not valid for this web service."));

    public override SandboxResponse FaultResponse(FaultSpec fault) =>
        AwsErrors.Query(AwsErrors.StatusFor(fault.ErrorCode ?? "InternalError", fault.HttpStatus), fault.ErrorCode ?? "InternalError", fault.Message ?? "injected failure");

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, SandboxInstanceInfo> _instances = new();

    /// <summary>The instances that exist (any state), for the SSM and Marathon stand-ins.</summary>
    public IReadOnlyList<SandboxInstanceInfo> GetInstances() => new List<SandboxInstanceInfo>(_instances.Values);

    /// <summary>Test seam: makes an instance exist without RunInstances (for tests of other stand-ins).</summary>
    public void AddInstance(SandboxInstanceInfo instance) => _instances[instance.InstanceId] = instance;

    public override void Reset() => _instances.Clear();
}

/// <summary>What other stand-ins may know of an EC2 instance.</summary>
public sealed class SandboxInstanceInfo
{
    public SandboxInstanceInfo(string instanceId, string privateIpAddress, string state, System.DateTime launchTime, System.DateTime? runningSince, IReadOnlyDictionary<string, string> tags)
    {
        InstanceId = instanceId;
        PrivateIpAddress = privateIpAddress;
        State = state;
        LaunchTime = launchTime;
        RunningSince = runningSince;
        Tags = tags;
    }

    public string InstanceId { get; }

    public string PrivateIpAddress { get; }

    /// <summary>pending, running, shutting-down, terminated, stopping, stopped.</summary>
    public string State { get; }

    public System.DateTime LaunchTime { get; }

    /// <summary>When the instance became running (null while pending).</summary>
    public System.DateTime? RunningSince { get; }

    public IReadOnlyDictionary<string, string> Tags { get; }
}
