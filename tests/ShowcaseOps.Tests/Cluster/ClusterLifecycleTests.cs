using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ShowcaseOps.Core;
using ShowcaseOps.Core.Cluster;
using ShowcaseOps.Core.Execution;
using Xunit;

namespace ShowcaseOps.Tests.Cluster;

public sealed class ClusterLifecycleTests : IDisposable
{
    private static readonly int[] AdminPorts = { 22, 8001, 8500, 8600, 8182, 8080, 5050, 2181 };
    private readonly ClusterSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task Create_get_remove_leaves_zero_tagged_resources()
    {
        var result = await _sandbox.BuildAsync(ClusterSandbox.Spec());
        var cluster = result.Cluster;
        Assert.True(cluster.State == ClusterState.Complete, "missing: " + string.Join(", ", cluster.Missing));
        Assert.Equal(3, cluster.Agents.Count);
        Assert.Equal(new int?[] { 1, 2, 3 }, cluster.Agents.Select(a => a.Index));
        Assert.NotNull(cluster.Gateway!.PublicIpAddress);
        Assert.Equal(cluster.GatewayAddress!.PublicIp, cluster.Gateway.PublicIpAddress);
        Assert.StartsWith("10.0.5.", cluster.Gateway.PrivateIpAddress, StringComparison.Ordinal);
        Assert.StartsWith("10.0.12.", cluster.Master!.PrivateIpAddress, StringComparison.Ordinal);
        Assert.Equal("service.consul", cluster.Domain);
        Assert.NotNull(cluster.CreatedTime);
        Assert.Equal(5, result.AddedInstanceIds.Count);

        var found = await ClusterDiscovery.FindAsync(_sandbox.Ec2, "demo", CancellationToken.None);
        Assert.NotNull(found);
        Assert.Equal(cluster.VpcId, found!.VpcId);
        Assert.Equal(ClusterState.Complete, found.State);
        Assert.Equal(new[] { "demo" }, await ClusterDiscovery.ListNamesAsync(_sandbox.Ec2, "de*", CancellationToken.None));
        Assert.Empty(await ClusterDiscovery.ListNamesAsync(_sandbox.Ec2, "x*", CancellationToken.None));

        await _sandbox.RemoveAsync("demo");
        Assert.Empty(_sandbox.Tagged("demo"));
        Assert.DoesNotContain(_sandbox.Host.Ec2.GetResources(), r => !r.AwsManaged);
        Assert.Null(await ClusterDiscovery.FindAsync(_sandbox.Ec2, "demo", CancellationToken.None));
    }

    [Fact]
    public async Task Every_resource_is_tagged_at_creation_with_the_contract()
    {
        var spec = ClusterSandbox.Spec();
        spec.PublicKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHb3Yx4l8ZrQ3x7bJ1a0Yp8m2KxQ2fZx0pI8q8K1aJrT demo@example";
        await _sandbox.BuildAsync(spec);

        Assert.Equal(0, _sandbox.Host.Log.Count("ec2", "CreateTags"));
        var created = _sandbox.Host.Ec2.GetResources().Where(r => !r.AwsManaged).ToList();
        Assert.Equal(created.Count, _sandbox.Tagged("demo").Count);
        foreach (var resource in created)
        {
            Assert.True(resource.Tags.ContainsKey(ClusterTags.Role), resource + " has no role");
            var role = resource.Tags[ClusterTags.Role];
            Assert.Contains(role, ClusterRoles.All);
            var expectedName = role == ClusterRoles.Agent ? "demo-agent-" + resource.Tags[ClusterTags.Index] : "demo-" + role;
            Assert.Equal(expectedName, resource.Tags[ClusterTags.Name]);
        }

        var roles = created.Where(r => r.ResourceType != "volume").Select(r => r.Tags[ClusterTags.Role]).ToList();
        Assert.Equal(ClusterRoles.All.OrderBy(r => r), roles.Distinct().OrderBy(r => r));
        Assert.Equal(3, roles.Count(r => r == ClusterRoles.Agent));
        Assert.Equal("service.consul", created.Single(r => r.ResourceType == "vpc").Tags[ClusterTags.Domain]);
        Assert.Equal(5, created.Count(r => r.ResourceType == "volume"));
    }

    [Fact]
    public async Task No_security_group_opens_ssh_or_admin_ports_to_the_internet_and_hosts_use_imdsv2()
    {
        await _sandbox.BuildAsync(ClusterSandbox.Spec());
        var rules = _sandbox.Host.Ec2.GetSecurityRules().Where(r => r.Direction == "ingress" && r.GroupName != "default").ToList();
        Assert.NotEmpty(rules);
        Assert.DoesNotContain(rules, r => r.Covers(22));
        foreach (var port in AdminPorts)
        {
            Assert.DoesNotContain(rules, r => r.Source == "0.0.0.0/0" && r.Covers(port));
        }

        var open = rules.Where(r => r.Source == "0.0.0.0/0").ToList();
        Assert.All(open, r => Assert.Equal("demo-gateway-sg", r.GroupName));
        Assert.Equal(new[] { 80, 443 }, open.Select(r => r.FromPort!.Value).OrderBy(p => p));
        var gatewayGroup = rules.First(r => r.GroupName == "demo-gateway-sg").GroupId;
        Assert.Contains(rules, r => r.GroupName == "demo-master-sg" && r.Covers(8080) && r.Source == gatewayGroup);
        Assert.DoesNotContain(rules, r => r.Source == "10.0.0.0/16");

        var launches = _sandbox.Host.Ec2.GetLaunches();
        Assert.Equal(5, launches.Count);
        Assert.All(launches, l =>
        {
            Assert.Equal("required", l.HttpTokens);
            Assert.True(l.RootVolumeEncrypted);
            Assert.Equal("showcase-ssm", l.InstanceProfileName);
            Assert.Equal("t3.medium", l.InstanceType);
        });
    }

    [Fact]
    public async Task Rerunning_changes_nothing_and_removing_twice_is_no_error()
    {
        await _sandbox.BuildAsync(ClusterSandbox.Spec());
        // Entries are logged just after the answer is sent: count by request start time, not by log position.
        var rerunStart = DateTime.UtcNow;
        var again = await _sandbox.BuildAsync(ClusterSandbox.Spec());
        Assert.DoesNotContain(_sandbox.Writes(), e => e.Time >= rerunStart);
        Assert.Empty(again.ChangedSteps);
        Assert.Empty(again.AddedInstanceIds);
        Assert.Equal(ClusterState.Complete, again.Cluster.State);

        var first = await _sandbox.RemoveAsync("demo");
        Assert.NotEmpty(first.Deleted);
        var secondStart = DateTime.UtcNow;
        var second = await _sandbox.RemoveAsync("demo");
        Assert.Empty(second.Deleted);
        Assert.DoesNotContain(_sandbox.Writes(), e => e.Time >= secondStart);
    }

    [Fact]
    public async Task A_rerun_completes_a_cluster_whose_pieces_were_deleted()
    {
        var built = await _sandbox.BuildAsync(ClusterSandbox.Spec());
        var agent = built.Cluster.Agents[1];
        await new ClusterTeardown(_sandbox.Ec2, NullReporter.Instance, ClusterSandbox.FastOptions()).TerminateInstancesAsync(new[] { agent.InstanceId }, agent.Name, CancellationToken.None);
        var partial = await ClusterDiscovery.FindAsync(_sandbox.Ec2, "demo", CancellationToken.None);
        Assert.Equal(2, partial!.Agents.Count);

        var completed = await _sandbox.BuildAsync(ClusterSandbox.Spec());
        Assert.Equal(ClusterState.Complete, completed.Cluster.State);
        Assert.Single(completed.AddedInstanceIds);
        Assert.Equal(new[] { "agent-2" }, completed.ChangedSteps);
    }

    [Fact]
    public async Task Set_scales_agents_down_and_up_and_reports_the_added_instances()
    {
        await _sandbox.BuildAsync(ClusterSandbox.Spec());
        var scaler = new ClusterScaler(_sandbox.Ec2, null, NullReporter.Instance, ClusterSandbox.FastOptions());
        var down = await scaler.ScaleAsync(await scaler.FindScalableAsync("demo", CancellationToken.None), 1, CancellationToken.None);
        Assert.Equal(2, down.RemovedInstanceIds.Count);
        Assert.Empty(down.AddedInstanceIds);
        Assert.Single(down.Cluster.Agents);

        var up = await scaler.ScaleAsync(await scaler.FindScalableAsync("demo", CancellationToken.None), 4, CancellationToken.None);
        Assert.Equal(3, up.AddedInstanceIds.Count);
        Assert.Equal(new int?[] { 1, 2, 3, 4 }, up.Cluster.Agents.Select(a => a.Index));
        Assert.Equal(ClusterState.Complete, up.Cluster.State);
        Assert.All(_sandbox.Host.Ec2.GetLaunches(), l => Assert.Equal("required", l.HttpTokens));

        await Assert.ThrowsAsync<ShowcaseException>(() => scaler.FindScalableAsync("nope", CancellationToken.None));
    }

    [Fact]
    public async Task An_unknown_instance_profile_is_a_clear_error_after_a_brief_retry()
    {
        var spec = ClusterSandbox.Spec();
        spec.InstanceProfileName = "no-such-profile";
        var fast = ClusterSandbox.FastOptions();
        var options = new ClusterEngineOptions
        {
            Retry = fast.Retry, DependencyRetry = fast.DependencyRetry, PollInitial = fast.PollInitial, PollMax = fast.PollMax,
            WaitTimeout = fast.WaitTimeout, InstanceProfileRetryBudget = TimeSpan.FromSeconds(1.5),
        };
        var error = await Assert.ThrowsAsync<ShowcaseException>(() => _sandbox.BuildAsync(spec, options));
        Assert.Equal("ShowcaseInstanceProfileNotFound", error.ErrorId);
        Assert.Equal(ShowcaseErrorCategory.ObjectNotFound, error.Category);
        Assert.True(_sandbox.Host.Log.Entries.Count(e => e.Operation == "RunInstances" && e.ErrorCode == "InvalidParameterValue") > 1, "the profile error is retried");

        // What was created stays tagged: Remove cleans it.
        await _sandbox.RemoveAsync("demo");
        Assert.Empty(_sandbox.Tagged("demo"));
    }

    [Fact]
    public async Task A_just_created_instance_profile_is_retried_until_it_is_visible()
    {
        _sandbox.Host.Ec2.AddInstanceProfile("fresh-profile", TimeSpan.FromMilliseconds(400));
        var spec = ClusterSandbox.Spec(agents: 0);
        spec.InstanceProfileName = "fresh-profile";
        var options = ClusterSandbox.FastOptions();
        var result = await _sandbox.BuildAsync(spec, new ClusterEngineOptions
        {
            Retry = options.Retry, DependencyRetry = options.DependencyRetry, PollInitial = options.PollInitial, PollMax = options.PollMax,
            WaitTimeout = options.WaitTimeout, InstanceProfileRetryBudget = TimeSpan.FromSeconds(10),
        });
        Assert.Equal(ClusterState.Complete, result.Cluster.State);
    }

    [Fact]
    public async Task Eventual_consistency_is_retried_until_resources_are_visible()
    {
        using var sandbox = new ClusterSandbox(new ShowcaseOps.Sandbox.SandboxOptions
        {
            InstancePendingTime = TimeSpan.FromMilliseconds(30),
            InstanceShutdownTime = TimeSpan.FromMilliseconds(30),
            EventualConsistencyWindow = TimeSpan.FromMilliseconds(150),
        });
        var result = await sandbox.BuildAsync(ClusterSandbox.Spec(agents: 1));
        Assert.Equal(ClusterState.Complete, result.Cluster.State);
        Assert.Contains(sandbox.Host.Log.Entries, e => e.ErrorCode is not null && e.ErrorCode.EndsWith(".NotFound", StringComparison.Ordinal));
        await sandbox.RemoveAsync("demo");
        Assert.Empty(sandbox.Tagged("demo"));
    }

    [Fact]
    public async Task The_plan_runs_independent_steps_concurrently_and_serially_when_asked()
    {
        var parallel = await _sandbox.BuildAsync(ClusterSandbox.Spec("par"));
        var serial = await _sandbox.BuildAsync(ClusterSandbox.Spec("ser"), ClusterSandbox.FastOptions(concurrency: 1));
        Assert.Equal(ClusterState.Complete, serial.Cluster.State);
        Assert.Equal(1, serial.Report.MaxConcurrency);
        Assert.Equal(parallel.Report.Steps.Count, serial.Report.Steps.Count);

        static bool Overlap(IReadOnlyList<StepTiming> steps) =>
            steps.Any(a => steps.Any(b => !ReferenceEquals(a, b) && a.Start < b.End && b.Start < a.End));
        Assert.False(Overlap(serial.Report.Steps));
        Assert.True(Overlap(parallel.Report.Steps));

        // Every step started after its dependencies ended.
        foreach (var report in new[] { parallel.Report, serial.Report })
        {
            var byId = report.Steps.ToDictionary(s => s.Id);
            Assert.All(report.Steps, s => Assert.All(s.DependsOn, d => Assert.True(byId[d].End <= s.Start, $"{s.Id} started before {d} ended")));
            Assert.True(report.CriticalPath <= report.WallTime + TimeSpan.FromMilliseconds(1));
        }
    }

    [Fact]
    public async Task WhatIf_planning_makes_no_write_call_and_prices_the_cluster()
    {
        var builder = new ClusterBuilder(_sandbox.Ec2, null, NullReporter.Instance, ClusterSandbox.FastOptions());
        var plan = await builder.PlanAsync(ClusterSandbox.Spec(), CancellationToken.None);
        Assert.Empty(_sandbox.Writes());
        Assert.False(plan.ChangesNothing);
        Assert.All(plan.Steps.Where(s => s.Action != StepAction.Read), s => Assert.Equal(StepAction.Create, s.Action));
        Assert.InRange(plan.EstimatedHourlyCost, 0.2m, 0.5m);
        var text = plan.Describe();
        Assert.Contains("nat-gateway", text, StringComparison.Ordinal);
        Assert.Contains("per hour", text, StringComparison.Ordinal);
    }
}
