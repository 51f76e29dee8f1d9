using System;
using ShowcaseOps.Core.Execution;
using ShowcaseOps.Core.Platform;

namespace ShowcaseOps.Core.Services;

/// <summary>An instance to unregister: its service and id (address and port do not matter for removal).</summary>
public sealed record InstanceKey(string Service, string InstanceId)
{
    public override string ToString() => Service + "/" + InstanceId;
}
