using System;
using System.Security.Cryptography;
using ShowcaseOps.Core.Platform;

namespace ShowcaseOps.Core.Services;

/// <summary>One UI the gateway exposes: its name (<c>mesos</c>), the host it is reached by and its upstream.</summary>
public sealed record GatewayUi(string Name, int MasterPort)
{
    /// <summary>The Kong service and route name: <c>gateway-&lt;name&gt;</c> (never a service name a user registers by mistake).</summary>
    public string KongName => "gateway-" + Name;
}
