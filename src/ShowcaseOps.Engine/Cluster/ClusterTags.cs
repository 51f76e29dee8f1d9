using System.Collections.Generic;
using System.Globalization;

namespace ShowcaseOps.Core.Cluster;

/// <summary>
/// The tag contract (shared with terraform/): every resource carries <c>showcase:cluster</c>, <c>showcase:role</c> and
/// <c>Name=&lt;cluster&gt;-&lt;role&gt;</c>; agents <c>Name=&lt;cluster&gt;-agent-&lt;n&gt;</c> and <c>showcase:index=n</c>; the VPC
/// also <c>showcase:domain</c>. The cluster's state lives in these tags, not in a file.
/// </summary>
public static class ClusterTags
{
    public const string Cluster = "showcase:cluster";
    public const string Role = "showcase:role";
    public const string Index = "showcase:index";
    public const string Domain = "showcase:domain";
    public const string Name = "Name";

    /// <summary>On the VPC: the generation that client tokens carry (random per cluster creation, fixed after).</summary>
    public const string Generation = "showcase:generation";

    /// <summary>A new generation: 8 hex digits.</summary>
    public static string NewGeneration() => System.Guid.NewGuid().ToString("N").Substring(0, 8);

    /// <summary>Tags of one resource of <paramref name="cluster"/> in <paramref name="role"/> (an agent passes its index).</summary>
    public static Dictionary<string, string> For(string cluster, string role, int? index = null)
    {
        var tags = new Dictionary<string, string>
        {
            [Cluster] = cluster,
            [Role] = role,
            [Name] = index is null ? cluster + "-" + role : cluster + "-" + role + "-" + index.Value.ToString(CultureInfo.InvariantCulture),
        };
        if (index is not null)
        {
            tags[Index] = index.Value.ToString(CultureInfo.InvariantCulture);
        }

        return tags;
    }
}

/// <summary>The values of <c>showcase:role</c>.</summary>
public static class ClusterRoles
{
    public const string Vpc = "vpc";
    public const string InternetGateway = "internet-gateway";
    public const string PublicSubnet = "public-subnet";
    public const string PrivateSubnet = "private-subnet";
    public const string PublicRouteTable = "public-route-table";
    public const string PrivateRouteTable = "private-route-table";
    public const string NatEip = "nat-eip";
    public const string NatGateway = "nat-gateway";
    public const string GatewayEip = "gateway-eip";
    public const string GatewaySecurityGroup = "gateway-sg";
    public const string MasterSecurityGroup = "master-sg";
    public const string AgentSecurityGroup = "agent-sg";
    public const string Gateway = "gateway";
    public const string Master = "master";
    public const string Agent = "agent";
    public const string KeyPair = "key-pair";

    public static IReadOnlyList<string> All { get; } = new[]
    {
        Vpc, InternetGateway, PublicSubnet, PrivateSubnet, PublicRouteTable, PrivateRouteTable, NatEip, NatGateway, GatewayEip,
        GatewaySecurityGroup, MasterSecurityGroup, AgentSecurityGroup, Gateway, Master, Agent, KeyPair,
    };
}
