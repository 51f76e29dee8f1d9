using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.EC2.Model;

namespace ShowcaseOps.Core.Cluster;

// The ingress of the cluster's security groups: what ClusterFlows.Required wants, and no rule of the old VPC-wide table.
internal sealed partial class ClusterBuilder
{
    /// <summary>Exists when every group exists with exactly the wanted rules; Complete when rules are missing or superseded; Create before the groups exist.</summary>
    private static StepAction IngressAction(string role, IReadOnlyList<(string Role, SecurityGroupInfo? Found)> groups, string vpcCidr)
    {
        if (groups.Any(g => g.Found is null))
        {
            return StepAction.Create;
        }

        var ids = groups.ToDictionary(g => g.Role, g => g.Found!.Id, StringComparer.Ordinal);
        var present = groups.First(g => g.Role == role).Found!.Permissions;
        var wanted = ClusterFlows.IngressFor(role, ids);
        return ClusterFlows.Missing(wanted, present).Count > 0 || ClusterFlows.Superseded(role, vpcCidr, present, wanted).Count > 0
            ? StepAction.Complete
            : StepAction.Exists;
    }

    /// <summary>Authorizes the flow table's rules the group lacks, then revokes the old VPC-CIDR rules the table supersedes.</summary>
    private async Task EnsureIngressAsync(string role, SecurityGroupInfo? found, string vpcCidr, BuildContext ctx, CancellationToken ct)
    {
        var groupId = ctx.SecurityGroupIds[role];
        var wanted = ClusterFlows.IngressFor(role, ctx.SecurityGroupIds);
        var present = found?.Permissions ?? Array.Empty<SecurityGroupRule>();
        var missing = ClusterFlows.Missing(wanted, present);
        if (missing.Count > 0)
        {
            try
            {
                await AuthorizeAsync(groupId, missing, ct).ConfigureAwait(false);
            }
            catch (ShowcaseException ex) when ((ex.InnerException as Amazon.Runtime.AmazonServiceException)?.ErrorCode == "InvalidPermission.Duplicate")
            {
                // Some exist already (a retried call whose answer was lost, an adopted group): add only what is still missing.
                present = await ReadIngressAsync(groupId, ct).ConfigureAwait(false);
                var still = ClusterFlows.Missing(wanted, present);
                if (still.Count > 0)
                {
                    await AuthorizeAsync(groupId, still, ct).ConfigureAwait(false);
                }
            }
        }

        var superseded = ClusterFlows.Superseded(role, vpcCidr, present, wanted);
        if (superseded.Count > 0)
        {
            try
            {
                await _calls.Ec2Async("RevokeSecurityGroupIngress", $"{groupId} ({superseded.Count} VPC-wide rules the flow table replaces)", c => _ec2.RevokeSecurityGroupIngressAsync(new RevokeSecurityGroupIngressRequest { GroupId = groupId, IpPermissions = ToIpPermissions(superseded) }, c), ct).ConfigureAwait(false);
            }
            catch (ShowcaseException ex) when ((ex.InnerException as Amazon.Runtime.AmazonServiceException)?.ErrorCode == "InvalidPermission.NotFound")
            {
                Reporter.Verbose($"The superseded rules of {groupId} were already revoked (a retried call).");
            }
        }
    }

    private async Task<IReadOnlyList<SecurityGroupRule>> ReadIngressAsync(string groupId, CancellationToken ct)
    {
        var found = await _calls.Ec2PagesAsync("DescribeSecurityGroups", groupId, (token, c) => _ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { GroupIds = new List<string> { groupId }, NextToken = token }, c), r => r.SecurityGroups, r => r.NextToken, ct).ConfigureAwait(false);
        var group = found.FirstOrDefault(g => g.GroupId == groupId);
        return group is null ? Array.Empty<SecurityGroupRule>() : ClusterDiscovery.ToGroup(group).Permissions;
    }

    private Task<AuthorizeSecurityGroupIngressResponse> AuthorizeAsync(string groupId, List<SecurityGroupRule> rules, CancellationToken ct) =>
        _calls.Ec2Async("AuthorizeSecurityGroupIngress", $"{groupId} ({rules.Count} rules)", c => _ec2.AuthorizeSecurityGroupIngressAsync(new AuthorizeSecurityGroupIngressRequest { GroupId = groupId, IpPermissions = ToIpPermissions(rules) }, c), ct);

    private static List<IpPermission> ToIpPermissions(IEnumerable<SecurityGroupRule> rules) =>
        rules.GroupBy(r => (r.Protocol, r.FromPort, r.ToPort)).Select(g => new IpPermission
        {
            IpProtocol = g.Key.Protocol,
            FromPort = g.Key.FromPort,
            ToPort = g.Key.ToPort,
            Ipv4Ranges = g.Where(r => r.Cidr is not null).Select(r => new IpRange { CidrIp = r.Cidr, Description = r.Description }).ToList(),
            UserIdGroupPairs = g.Where(r => r.GroupId is not null).Select(r => new UserIdGroupPair { GroupId = r.GroupId, Description = r.Description }).ToList(),
        }).ToList();
}
