using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.EC2.Model;
using ShowcaseOps.Core.Cluster;
using Xunit;

namespace ShowcaseOps.Tests.Cluster;

public sealed class ReachabilityTests : IDisposable
{
    private readonly ClusterSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public void The_flow_table_has_no_ssh_and_only_the_proxy_from_the_internet()
    {
        Assert.DoesNotContain(ClusterFlows.Required, f => f.FromPort <= 22 && 22 <= f.ToPort);
        var fromInternet = ClusterFlows.Required.Where(f => f.Source == FlowEndpoints.Internet).ToList();
        Assert.All(fromInternet, f => Assert.Equal(FlowEndpoints.Gateway, f.Destination));
        Assert.Equal(new[] { 80, 443 }, fromInternet.Select(f => f.FromPort).OrderBy(p => p));
        Assert.Contains(ClusterFlows.Required, f => f.Source == FlowEndpoints.Gateway && f.Destination == FlowEndpoints.Master && f.FromPort == ClusterFlows.ServicePortMin && f.ToPort == ClusterFlows.ServicePortMax);
        Assert.Contains(ClusterFlows.InternetDenied, f => f.Destination == FlowEndpoints.Master && f.FromPort == 22);

        // No admin port the internet must not reach is one the platform opens to it.
        foreach (var denied in ClusterFlows.InternetDenied)
        {
            Assert.DoesNotContain(fromInternet, f => f.Destination == denied.Destination && f.Protocol == denied.Protocol && f.FromPort <= denied.ToPort && denied.FromPort <= f.ToPort);
        }
    }

    [Fact]
    public void Rules_name_the_cluster_groups_never_the_vpc_and_stay_far_below_the_rule_quota()
    {
        var ids = new Dictionary<string, string>
        {
            [ClusterRoles.GatewaySecurityGroup] = "sg-0000000000000000a",
            [ClusterRoles.MasterSecurityGroup] = "sg-0000000000000000b",
            [ClusterRoles.AgentSecurityGroup] = "sg-0000000000000000c",
        };
        foreach (var role in ids.Keys)
        {
            var rules = ClusterFlows.IngressFor(role, ids);
            Assert.InRange(rules.Count, 1, 60);
            Assert.All(rules.Where(r => r.Cidr is not null), r => Assert.Equal("0.0.0.0/0", r.Cidr));
            Assert.All(rules.Where(r => r.GroupId is not null), r => Assert.Contains(r.GroupId, ids.Values));
            Assert.All(rules, r => Assert.Matches("\\A[a-zA-Z0-9. _\\-:/()#,@\\[\\]+=&;{}!$*]{1,255}\\z", r.Description));
            Assert.Equal(rules.Count, rules.Select(r => (r.Protocol, r.FromPort, r.ToPort, r.Source)).Distinct().Count());
        }

        Assert.Throws<InvalidOperationException>(() => ClusterFlows.IngressFor(ClusterRoles.MasterSecurityGroup, new Dictionary<string, string>()));
    }

    [Fact]
    public async Task A_new_cluster_passes_every_check()
    {
        var result = await _sandbox.BuildAsync(ClusterSandbox.Spec());
        var checks = ReachabilityEvaluator.Evaluate(result.Cluster);
        Assert.Equal(ClusterFlows.Required.Count + ClusterFlows.InternetDenied.Count, checks.Count);
        Assert.All(checks, c => Assert.True(c.Passed, c.ToString()));
        var service = checks.Single(c => c.ExpectedAllowed && c.Flow.Source == FlowEndpoints.Gateway && c.Flow.FromPort == ClusterFlows.ServicePortMin);
        Assert.Contains(service.MatchingRules, r => r.Contains("demo-master-sg", StringComparison.Ordinal) && r.Contains("demo-gateway-sg", StringComparison.Ordinal));
        Assert.Contains("3 source/destination", checks.Single(c => c.ExpectedAllowed && c.Flow.Source == FlowEndpoints.Master && c.Flow.Destination == FlowEndpoints.Agent && c.Flow.FromPort == 5051).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_revoked_rule_fails_its_flow_and_a_rerun_puts_it_back()
    {
        var cluster = (await _sandbox.BuildAsync(ClusterSandbox.Spec())).Cluster;
        await RevokeAsync(cluster.MasterSecurityGroup!.Id, "tcp", ClusterFlows.ServicePortMin, ClusterFlows.ServicePortMax, cluster.GatewaySecurityGroup!.Id);

        var found = await ClusterDiscovery.FindAsync(_sandbox.Ec2, "demo", CancellationToken.None);
        var failed = Assert.Single(ReachabilityEvaluator.Evaluate(found!), c => !c.Passed);
        Assert.Equal(FlowEndpoints.Gateway, failed.Flow.Source);
        Assert.Equal(FlowEndpoints.Master, failed.Flow.Destination);
        Assert.False(failed.ActualAllowed);
        Assert.Contains("demo-master", failed.Reason, StringComparison.Ordinal);
        Assert.Contains("10000-20000", failed.Reason, StringComparison.Ordinal);

        var authorizeBefore = _sandbox.Host.Log.Count("ec2", "AuthorizeSecurityGroupIngress");
        var again = await _sandbox.BuildAsync(ClusterSandbox.Spec());
        Assert.Equal(authorizeBefore + 1, _sandbox.Host.Log.Count("ec2", "AuthorizeSecurityGroupIngress"));
        Assert.Equal(new[] { ClusterRoles.MasterSecurityGroup + "-ingress" }, again.ChangedSteps);
        Assert.All(ReachabilityEvaluator.Evaluate(again.Cluster), c => Assert.True(c.Passed, c.ToString()));
    }

    [Fact]
    public async Task Part_of_a_range_missing_is_reported_with_the_ports_left_out()
    {
        var cluster = (await _sandbox.BuildAsync(ClusterSandbox.Spec())).Cluster;
        var master = cluster.MasterSecurityGroup!.Id;
        var gateway = cluster.GatewaySecurityGroup!.Id;
        await RevokeAsync(master, "tcp", ClusterFlows.ServicePortMin, ClusterFlows.ServicePortMax, gateway);
        await _sandbox.Ec2.AuthorizeSecurityGroupIngressAsync(new AuthorizeSecurityGroupIngressRequest
        {
            GroupId = master,
            IpPermissions = new List<IpPermission>
            {
                new() { IpProtocol = "tcp", FromPort = 10000, ToPort = 12000, UserIdGroupPairs = new List<UserIdGroupPair> { new() { GroupId = gateway } } },
                new() { IpProtocol = "tcp", FromPort = 12001, ToPort = 15000, Ipv4Ranges = new List<IpRange> { new() { CidrIp = "10.0.5.0/24" } } },
                new() { IpProtocol = "tcp", FromPort = 18000, ToPort = 20000, UserIdGroupPairs = new List<UserIdGroupPair> { new() { GroupId = gateway } } },
            },
        });

        var found = await ClusterDiscovery.FindAsync(_sandbox.Ec2, "demo", CancellationToken.None);
        var failed = Assert.Single(ReachabilityEvaluator.Evaluate(found!), c => !c.Passed);
        Assert.Contains("tcp/15001-17999", failed.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_admin_port_opened_to_the_internet_fails_its_check()
    {
        var cluster = (await _sandbox.BuildAsync(ClusterSandbox.Spec())).Cluster;
        await _sandbox.Ec2.AuthorizeSecurityGroupIngressAsync(new AuthorizeSecurityGroupIngressRequest
        {
            GroupId = cluster.MasterSecurityGroup!.Id,
            IpPermissions = new List<IpPermission> { new() { IpProtocol = "tcp", FromPort = 8080, ToPort = 8080, Ipv4Ranges = new List<IpRange> { new() { CidrIp = "198.51.100.0/24" } } } },
        });

        var found = await ClusterDiscovery.FindAsync(_sandbox.Ec2, "demo", CancellationToken.None);
        var failed = Assert.Single(ReachabilityEvaluator.Evaluate(found!), c => !c.Passed);
        Assert.False(failed.ExpectedAllowed);
        Assert.True(failed.ActualAllowed);
        Assert.Equal(8080, failed.Flow.FromPort);
        Assert.Contains("198.51.100.0/24", Assert.Single(failed.MatchingRules), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Egress_is_checked_too()
    {
        var cluster = (await _sandbox.BuildAsync(ClusterSandbox.Spec())).Cluster;
        await _sandbox.Ec2.RevokeSecurityGroupEgressAsync(new RevokeSecurityGroupEgressRequest
        {
            GroupId = cluster.AgentSecurityGroup!.Id,
            IpPermissions = new List<IpPermission> { new() { IpProtocol = "-1", Ipv4Ranges = new List<IpRange> { new() { CidrIp = "0.0.0.0/0" } } } },
        });

        var found = await ClusterDiscovery.FindAsync(_sandbox.Ec2, "demo", CancellationToken.None);
        var failed = ReachabilityEvaluator.Evaluate(found!).Where(c => !c.Passed).ToList();
        Assert.NotEmpty(failed);
        Assert.All(failed, c => Assert.Equal(FlowEndpoints.Agent, c.Flow.Source));
        Assert.All(failed, c => Assert.Contains("(egress)", c.Reason, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_cluster_with_the_old_vpc_wide_rules_is_migrated_on_rerun()
    {
        var cluster = (await _sandbox.BuildAsync(ClusterSandbox.Spec())).Cluster;
        var spec = new ClusterSpec("demo");
        foreach (var group in new[] { cluster.GatewaySecurityGroup!, cluster.MasterSecurityGroup!, cluster.AgentSecurityGroup! })
        {
            // Turn the group into what the module made before the flow table: every cluster port from the VPC CIDR.
            var current = (await _sandbox.Ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { GroupIds = new List<string> { group.Id } })).SecurityGroups[0];
            await _sandbox.Ec2.RevokeSecurityGroupIngressAsync(new RevokeSecurityGroupIngressRequest { GroupId = group.Id, IpPermissions = current.IpPermissions });
            var role = group == cluster.GatewaySecurityGroup ? ClusterRoles.GatewaySecurityGroup : group == cluster.MasterSecurityGroup ? ClusterRoles.MasterSecurityGroup : ClusterRoles.AgentSecurityGroup;
            await _sandbox.Ec2.AuthorizeSecurityGroupIngressAsync(new AuthorizeSecurityGroupIngressRequest
            {
                GroupId = group.Id,
                IpPermissions = spec.IngressRules(role).Select(r => new IpPermission { IpProtocol = r.Protocol, FromPort = r.FromPort, ToPort = r.ToPort, Ipv4Ranges = new List<IpRange> { new() { CidrIp = r.Cidr, Description = r.Description } } }).ToList(),
            });
        }

        // The old rules never admitted the service ports: exactly that flow fails.
        var legacy = await ClusterDiscovery.FindAsync(_sandbox.Ec2, "demo", CancellationToken.None);
        var failed = Assert.Single(ReachabilityEvaluator.Evaluate(legacy!), c => !c.Passed);
        Assert.Equal(ClusterFlows.ServicePortMin, failed.Flow.FromPort);

        var migrated = await _sandbox.BuildAsync(ClusterSandbox.Spec());
        Assert.All(ReachabilityEvaluator.Evaluate(migrated.Cluster), c => Assert.True(c.Passed, c.ToString()));
        var rules = _sandbox.Host.Ec2.GetSecurityRules().Where(r => r.Direction == "ingress" && r.GroupName != "default").ToList();
        Assert.DoesNotContain(rules, r => r.Source == "10.0.0.0/16");
        Assert.Equal(3, _sandbox.Host.Log.Count("ec2", "RevokeSecurityGroupIngress") - 3);

        var before = _sandbox.Host.Log.Writes("ec2").Count;
        var third = await _sandbox.BuildAsync(ClusterSandbox.Spec());
        Assert.Empty(third.ChangedSteps);
        Assert.Equal(before, _sandbox.Host.Log.Writes("ec2").Count);
    }

    private Task RevokeAsync(string groupId, string protocol, int from, int to, string sourceGroupId) =>
        _sandbox.Ec2.RevokeSecurityGroupIngressAsync(new RevokeSecurityGroupIngressRequest
        {
            GroupId = groupId,
            IpPermissions = new List<IpPermission> { new() { IpProtocol = protocol, FromPort = from, ToPort = to, UserIdGroupPairs = new List<UserIdGroupPair> { new() { GroupId = sourceGroupId } } } },
        });
}
