using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ShowcaseOps.Core.Bootstrap;
using ShowcaseOps.Core.Cluster;
using ShowcaseOps.Core.Marathon;
using ShowcaseOps.Sandbox.StandIns.Ssm;
using Xunit;

namespace ShowcaseOps.Tests.Bootstrap;

public sealed class BootstrapOrchestratorTests
{
    private static readonly string[] RoleFunctions = { "master_zookeeper", "gateway_kong", "agent_mesos_agent" };

    private static IReadOnlyList<SsmCommandRecord> BootstrapCommands(BootstrapSandbox sandbox) =>
        sandbox.Host.Ssm.Commands.Where(c => c.Comment.StartsWith("showcaseops:bootstrap", StringComparison.Ordinal)).ToList();

    private static string RoleOf(SsmCommandRecord command) => BootstrapSandbox.Environment(command.DecodedScript!)["SHOWCASE_ROLE"];

    [Fact]
    public async Task Bootstraps_each_role_with_its_script_and_values_master_first_and_tags_the_hosts()
    {
        using var sandbox = new BootstrapSandbox();
        var cluster = await sandbox.BuildAsync();
        var reporter = new RecordingReporter();

        var results = await sandbox.Orchestrator().RunAsync(cluster, new BootstrapRequest(), reporter, CancellationToken.None);

        Assert.Equal(5, results.Count);
        Assert.All(results, r => Assert.Equal(HostRunStatus.Success, r.Status));
        Assert.Equal(new[] { "master", "gateway", "agent", "agent", "agent" }, results.Select(r => r.Role));
        Assert.Empty(reporter.Failures);

        var commands = BootstrapCommands(sandbox);
        Assert.Equal(3, commands.Count);
        foreach (var command in commands)
        {
            var role = RoleOf(command);
            var decoded = command.DecodedScript!;
            Assert.Contains($"{role}_", decoded, StringComparison.Ordinal);
            foreach (var other in RoleFunctions.Where(f => !f.StartsWith(role + "_", StringComparison.Ordinal)))
            {
                Assert.DoesNotContain(other + "()", decoded, StringComparison.Ordinal);
            }

            Assert.Contains("showcase_common_steps", decoded, StringComparison.Ordinal);
            Assert.True(command.ExecutionTimeoutSeconds >= 1800);
            var env = BootstrapSandbox.Environment(decoded);
            Assert.Equal("demo", env["SHOWCASE_CLUSTER"]);
            Assert.Equal("service.consul", env["SHOWCASE_DOMAIN"]);
            Assert.Equal(cluster.Master!.PrivateIpAddress, env["SHOWCASE_MASTER_IP"]);
            Assert.Equal(cluster.VpcCidr, env["SHOWCASE_VPC_CIDR"]);

            // Per-host values: one row per target host, "<instance-id> <private-ip> <node-name>".
            var rows = env["SHOWCASE_HOSTS"].Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(command.InstanceIds.OrderBy(i => i), rows.Select(r => r.Split(' ')[0]).OrderBy(i => i));
            foreach (var row in rows)
            {
                var parts = row.Split(' ');
                var host = cluster.Hosts.Single(h => h.InstanceId == parts[0]);
                Assert.Equal(role, host.Role);
                Assert.Equal(host.PrivateIpAddress, parts[1]);
                Assert.Equal(host.Name, parts[2]);
            }
        }

        // Order: the master's command has ended before the gateway's and the agents' are sent.
        var master = commands.Single(c => RoleOf(c) == "master");
        var masterEnd = master.Invocations.Single().EndedAt!.Value;
        Assert.All(commands.Where(c => c != master), c => Assert.True(c.RequestedAt >= masterEnd, $"{RoleOf(c)} sent at {c.RequestedAt:O}, master ended {masterEnd:O}"));

        // State lives in tags.
        var after = await sandbox.DiscoverAsync();
        foreach (var host in after.Hosts)
        {
            var tags = after.Resources.Single(r => r.Id == host.InstanceId).Tags;
            Assert.Equal("ok", tags[BootstrapTags.Status]);
            Assert.Equal(sandbox.Scripts.VersionOf(host.Role), tags[BootstrapTags.Version]);
        }

        // Progress: a parent and a child per host, every activity completed.
        Assert.Contains(reporter.Progress, p => p.ActivityId == 4710);
        Assert.Equal(5, reporter.Progress.Where(p => p.ParentActivityId == 4710 && p.ActivityId >= 4800).Select(p => p.ActivityId).Distinct().Count());
        foreach (var id in reporter.Progress.Select(p => p.ActivityId).Distinct())
        {
            Assert.True(reporter.Progress.Last(p => p.ActivityId == id).Completed, $"activity {id} not completed");
        }
    }

    [Fact]
    public async Task A_failing_host_is_reported_the_others_complete_and_a_rerun_only_runs_it()
    {
        using var sandbox = new BootstrapSandbox();
        var cluster = await sandbox.BuildAsync();
        var bad = cluster.Agents.Single(a => a.Index == 2);
        sandbox.Host.Ssm.Behaviors.FailOn(bad.InstanceId, 42, "docker: pull failed\n", times: 1);
        var reporter = new RecordingReporter();

        var results = await sandbox.Orchestrator().RunAsync(cluster, new BootstrapRequest(), reporter, CancellationToken.None);

        var failed = Assert.Single(results, r => r.Status != HostRunStatus.Success);
        Assert.Equal(bad.InstanceId, failed.InstanceId);
        Assert.Equal(42, failed.ExitCode);
        Assert.Contains("docker: pull failed", failed.StderrTail, StringComparison.Ordinal);
        var error = Assert.Single(reporter.Failures);
        Assert.Equal("ShowcaseBootstrapFailed", error.ErrorId);
        Assert.Equal(bad.InstanceId, error.Target);
        Assert.False(error.Terminating);
        Assert.Contains(bad.Name, error.Message, StringComparison.Ordinal);
        Assert.Contains("42", error.Message, StringComparison.Ordinal);
        Assert.Contains("docker: pull failed", error.Message, StringComparison.Ordinal);

        var tags = (await sandbox.DiscoverAsync()).Resources.Single(r => r.Id == bad.InstanceId).Tags;
        Assert.Equal("failed", tags[BootstrapTags.Status]);

        // Re-run without Force: only the failed host is sent a command.
        var sentBefore = sandbox.Host.Log.Count("ssm", "SendCommand");
        var commandsBefore = BootstrapCommands(sandbox).Count;
        var again = await sandbox.Orchestrator().RunAsync(await sandbox.DiscoverAsync(), new BootstrapRequest(), new RecordingReporter(), CancellationToken.None);
        Assert.Equal(1, sandbox.Host.Log.Count("ssm", "SendCommand") - sentBefore);
        var rerun = BootstrapCommands(sandbox).Skip(commandsBefore).Single();
        Assert.Equal(new[] { bad.InstanceId }, rerun.InstanceIds);
        Assert.Equal(HostRunStatus.Success, again.Single(r => r.InstanceId == bad.InstanceId).Status);
        Assert.Equal(4, again.Count(r => r.Status == HostRunStatus.Skipped));

        // A third run has nothing to do; Force runs everything again.
        sentBefore = sandbox.Host.Log.Count("ssm", "SendCommand");
        var third = await sandbox.Orchestrator().RunAsync(await sandbox.DiscoverAsync(), new BootstrapRequest(), new RecordingReporter(), CancellationToken.None);
        Assert.All(third, r => Assert.Equal(HostRunStatus.Skipped, r.Status));
        Assert.Equal(sentBefore, sandbox.Host.Log.Count("ssm", "SendCommand"));
        var forced = await sandbox.Orchestrator().RunAsync(await sandbox.DiscoverAsync(), new BootstrapRequest { Force = true }, new RecordingReporter(), CancellationToken.None);
        Assert.All(forced, r => Assert.Equal(HostRunStatus.Success, r.Status));
        Assert.Equal(sentBefore + 3, sandbox.Host.Log.Count("ssm", "SendCommand"));
    }

    [Fact]
    public async Task Sixty_agents_take_two_SendCommand_calls_not_sixty()
    {
        using var sandbox = new BootstrapSandbox();
        var cluster = await sandbox.BuildAsync(agents: 60);
        Assert.Equal(60, cluster.Agents.Count);

        var results = await sandbox.Orchestrator().RunAsync(cluster, new BootstrapRequest { Roles = new[] { "agent" } }, new RecordingReporter(), CancellationToken.None);

        Assert.Equal(60, results.Count(r => r.Status == HostRunStatus.Success));
        var agentCommands = BootstrapCommands(sandbox).Where(c => RoleOf(c) == "agent").ToList();
        Assert.Equal(2, agentCommands.Count);
        Assert.Equal(new[] { 50, 10 }, agentCommands.Select(c => c.InstanceIds.Count).OrderByDescending(n => n));
        Assert.Equal(2, sandbox.Host.Log.Count("ssm", "SendCommand"));
        // Each command's table lists exactly its own hosts (so its size stays bounded however many agents there are).
        foreach (var command in agentCommands)
        {
            var rows = BootstrapSandbox.Environment(command.DecodedScript!)["SHOWCASE_HOSTS"].Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(command.InstanceIds.OrderBy(i => i), rows.Select(r => r.Split(' ')[0]).OrderBy(i => i));
        }
    }

    [Fact]
    public async Task Cancelling_cancels_the_command_on_the_hosts()
    {
        using var sandbox = new BootstrapSandbox();
        var cluster = await sandbox.BuildAsync(agents: 1);
        sandbox.Host.Ssm.Behaviors.Add(new SsmBehavior { InstanceId = cluster.Master!.InstanceId, Delay = TimeSpan.FromSeconds(30) });
        using var cts = new CancellationTokenSource();
        var reporter = new RecordingReporter();
        var run = sandbox.Orchestrator().RunAsync(cluster, new BootstrapRequest(), reporter, cts.Token);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!sandbox.Host.Ssm.Invocations(cluster.Master.InstanceId).Any(i => i.Status == SsmStatus.InProgress) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);

        // The log records a request just after answering it: give it a moment.
        for (var i = 0; i < 100 && sandbox.Host.Log.Count("ssm", "CancelCommand") == 0; i++)
        {
            await Task.Delay(20);
        }

        Assert.Equal(1, sandbox.Host.Log.Count("ssm", "CancelCommand"));
        Assert.Contains(sandbox.Host.Ssm.Invocations(cluster.Master.InstanceId).Single().Status, new[] { SsmStatus.Cancelling, SsmStatus.Cancelled });
        Assert.Equal(1, sandbox.Host.Log.Count("ssm", "SendCommand"));
        Assert.Equal(0, sandbox.Host.Log.Count("ec2", "CreateTags"));
        foreach (var id in reporter.Progress.Select(p => p.ActivityId).Distinct())
        {
            Assert.True(reporter.Progress.Last(p => p.ActivityId == id).Completed, $"activity {id} not completed");
        }
    }

    [Fact]
    public async Task Hosts_not_online_in_time_fail_with_a_clear_error_and_nothing_is_sent()
    {
        using var sandbox = new BootstrapSandbox();
        var cluster = await sandbox.BuildAsync(agents: 1);
        sandbox.Host.Ssm.SetAgentOffline(cluster.Agents[0].InstanceId);
        var error = await Assert.ThrowsAsync<ShowcaseOps.Core.ShowcaseException>(() =>
            sandbox.Orchestrator().RunAsync(cluster, new BootstrapRequest { OnlineTimeout = TimeSpan.FromMilliseconds(300) }, new RecordingReporter(), CancellationToken.None));
        Assert.Equal("SsmInstanceNotOnline", error.ErrorId);
        Assert.Contains("AmazonSSMManagedInstanceCore", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, sandbox.Host.Log.Count("ssm", "SendCommand"));
    }

    [Fact]
    public async Task Role_and_instance_filters_select_hosts_and_bad_input_makes_no_call()
    {
        using var sandbox = new BootstrapSandbox();
        var cluster = await sandbox.BuildAsync(agents: 2);
        var orchestrator = sandbox.Orchestrator();
        var plan = orchestrator.Plan(cluster, new BootstrapRequest { Roles = new[] { "gateway" } }, new RecordingReporter());
        Assert.Equal(new[] { cluster.Gateway!.InstanceId }, plan.ToRun.Select(h => h.InstanceId));

        var reporter = new RecordingReporter();
        plan = orchestrator.Plan(cluster, new BootstrapRequest { InstanceIds = new[] { cluster.Agents[1].InstanceId, "i-0123456789abcdef0" } }, reporter);
        Assert.Equal(new[] { cluster.Agents[1].InstanceId }, plan.ToRun.Select(h => h.InstanceId));
        Assert.Equal("ShowcaseHostNotFound", Assert.Single(reporter.Failures).ErrorId);

        var calls = sandbox.Host.Log.Count();
        Assert.Equal("ShowcaseHostRoleInvalid", Assert.Throws<ShowcaseOps.Core.ShowcaseException>(() => orchestrator.Plan(cluster, new BootstrapRequest { Roles = new[] { "database" } }, reporter)).ErrorId);
        Assert.Equal("ShowcaseHostInstanceIdInvalid", Assert.Throws<ShowcaseOps.Core.ShowcaseException>(() => orchestrator.Plan(cluster, new BootstrapRequest { InstanceIds = new[] { "i-nothex" } }, reporter)).ErrorId);
        Assert.Equal(calls, sandbox.Host.Log.Count());
    }

    [Theory]
    [InlineData("==> consul\nSHOWCASE-BOOTSTRAP-OK agent\n", true, null)]
    [InlineData("==> docker\nSHOWCASE-BOOTSTRAP-FAILED agent step=docker exit=100 log=/var/log/showcaseops/bootstrap.log\n", false, "docker")]
    [InlineData("", null, null)]
    public void Parses_the_success_and_failure_markers(string stdout, bool? ok, string? step)
    {
        var (parsedOk, parsedStep) = BootstrapOrchestrator.ParseMarker(stdout);
        Assert.Equal(ok, parsedOk);
        Assert.Equal(step, parsedStep);
    }

    [Fact]
    public void Versions_differ_per_role_and_follow_the_scripts()
    {
        var files = new Dictionary<string, string> { ["versions.sh"] = "#!/bin/sh\nset -eu\n", ["common.sh"] = "# common\n", ["gateway.sh"] = "g\n", ["master.sh"] = "m\n", ["agent.sh"] = "a\n" };
        var one = BootstrapScripts.FromText(files);
        files["agent.sh"] = "a2\n";
        var two = BootstrapScripts.FromText(files);
        Assert.NotEqual(one.VersionOf("agent"), one.VersionOf("master"));
        Assert.NotEqual(one.VersionOf("agent"), two.VersionOf("agent"));
        Assert.Equal(one.VersionOf("master"), two.VersionOf("master"));
        Assert.Matches("^[0-9a-f]{16}$", one.VersionOf("gateway"));
    }
}
