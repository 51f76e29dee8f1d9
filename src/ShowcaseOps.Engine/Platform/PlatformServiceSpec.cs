using System;

namespace ShowcaseOps.Core.Platform;

/// <summary>A service as the platform exposes it: <c>&lt;Name&gt;.&lt;Domain&gt;</c> through Kong, Vulcand listening on <see cref="ServicePort"/>.</summary>
public sealed class PlatformServiceSpec
{
    public PlatformServiceSpec(string name, string domain, int servicePort)
    {
        Name = PlatformNames.Require(name, nameof(name));
        Domain = PlatformNames.RequireDomain(domain, nameof(domain));
        if (servicePort < 1 || servicePort > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(servicePort), servicePort, "A port is between 1 and 65535.");
        }

        ServicePort = servicePort;
    }

    public string Name { get; }

    public string Domain { get; }

    public int ServicePort { get; }

    /// <summary><c>&lt;Name&gt;.&lt;Domain&gt;</c>: the Vulcand host and the Kong route host.</summary>
    public string HostName => Name + "." + Domain;

    public override string ToString() => $"{HostName}:{ServicePort}";
}
