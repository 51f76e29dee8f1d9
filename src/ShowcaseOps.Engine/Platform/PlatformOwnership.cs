namespace ShowcaseOps.Core.Platform;

/// <summary>How ShowcaseOps marks what it registered, so reads and the sync touch only what they own.</summary>
public static class PlatformOwnership
{
    /// <summary>Tag on Consul services and Kong services/routes.</summary>
    public const string Tag = "showcaseops";

    /// <summary>Consul service Meta key and value marking ownership.</summary>
    public const string MetaKey = "managed-by";

    public const string MetaValue = "showcaseops";

    /// <summary>Consul Meta key: <c>service</c> (the service's own entry) or <c>instance</c>.</summary>
    public const string RoleKey = "showcase-role";

    /// <summary>Consul Meta key of an instance entry: the instance id.</summary>
    public const string InstanceKey = "showcase-instance";

    /// <summary>Consul Meta key of a service entry: the DNS domain of its Vulcand host.</summary>
    public const string DomainKey = "showcase-domain";

    public const string ServiceRole = "service";

    public const string InstanceRole = "instance";
}
