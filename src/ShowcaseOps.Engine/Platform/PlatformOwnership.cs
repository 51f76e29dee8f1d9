using System;
using System.Collections.Generic;
using System.Linq;

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

    /// <summary>Consul Meta key of an instance entry: its check (<see cref="PlatformInstanceSpec.CheckMark"/>).</summary>
    public const string CheckKey = "showcase-check";

    public const string InstanceRole = "instance";

    /// <summary>
    /// Consul Meta key naming which path made an entry (<see cref="SyncOwner"/>, <see cref="CmdletOwner"/>,
    /// <see cref="GatewayOwner"/>); Kong entities carry the matching tag (<see cref="OwnerTag"/>). Sync updates and
    /// removes only what Sync made (docs/sync.md).
    /// </summary>
    public const string OwnerKey = "showcase-owner";

    /// <summary>Made by Sync-ShowcaseService.</summary>
    public const string SyncOwner = "sync";

    /// <summary>Made by Register-ShowcaseService / Register-ShowcaseInstance (the pipeline).</summary>
    public const string CmdletOwner = "cmdlet";

    /// <summary>Made by Register-ShowcaseGateway (the Mesos and Marathon UI routes).</summary>
    public const string GatewayOwner = "gateway";

    /// <summary>Marked <c>showcaseops</c> but by a version that did not say which path (before owners were marked).</summary>
    public const string LegacyOwner = "legacy";

    /// <summary>The gateway's tag of earlier versions (still read as <see cref="GatewayOwner"/>).</summary>
    public const string OldGatewayTag = "showcase-gateway";

    /// <summary>The Kong tag of an owner: <c>showcaseops-sync</c>, <c>showcaseops-cmdlet</c>, <c>showcaseops-gateway</c>.</summary>
    public static string OwnerTag(string owner) => Tag + "-" + owner;

    /// <summary>The tags ShowcaseOps writes on what <paramref name="owner"/> makes: <c>showcaseops</c> and the owner's tag.</summary>
    public static string[] Tags(string owner) => new[] { Tag, OwnerTag(owner) };

    /// <summary>
    /// Which path owns an entry from its marks: the Meta <see cref="OwnerKey"/>, else an owner tag, else
    /// <see cref="LegacyOwner"/> when it carries only the <c>showcaseops</c> mark; null when ShowcaseOps did not make it.
    /// </summary>
    public static string? OwnerOf(IReadOnlyList<string> tags, IReadOnlyDictionary<string, string>? meta)
    {
        if (meta is not null && meta.TryGetValue(OwnerKey, out var owner) && owner is SyncOwner or CmdletOwner or GatewayOwner)
        {
            return owner;
        }

        foreach (var candidate in new[] { SyncOwner, CmdletOwner, GatewayOwner })
        {
            if (tags.Contains(OwnerTag(candidate)))
            {
                return candidate;
            }
        }

        if (tags.Contains(OldGatewayTag))
        {
            return GatewayOwner;
        }

        var marked = tags.Contains(Tag) || (meta is not null && meta.TryGetValue(MetaKey, out var by) && by == MetaValue);
        return marked ? LegacyOwner : null;
    }
}
