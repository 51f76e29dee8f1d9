using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ShowcaseOps.Core;
using ShowcaseOps.Core.Cluster;
using ShowcaseOps.Core.Execution;
using Xunit;

namespace ShowcaseOps.Tests.Cluster;

/// <summary>Plans printed as terraform does (each resource with its id, then the counts) and progress that says what runs now.</summary>
public sealed class PlanTextAndProgressTests
{
    private static readonly IReadOnlyDictionary<string, string> NoTags = new Dictionary<string, string>();

    [Fact]
    public void A_removal_plan_lists_every_resource_with_its_id_in_teardown_order_and_ends_with_the_count()
    {
        var info = new ClusterInfo("demo", "eu-west-1")
        {
            Resources = new[]
            {
                new ClusterResource("vpc", "vpc-0a", "vpc", NoTags),
                new ClusterResource("subnet", "subnet-0b", "public-subnet", NoTags),
                new ClusterResource("instance", "i-0123456789abcdef0", "gateway", new Dictionary<string, string> { ["Name"] = "demo-gateway" }),
                new ClusterResource("elastic-ip", "eipalloc-0c", "nat-eip", NoTags),
                new ClusterResource("instance", "i-0fedcba9876543210", "agent", NoTags),
            },
        };

        var text = ClusterPlanText.DescribeRemoval(info);
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).ToList();

        Assert.Equal("Cluster 'demo' in eu-west-1:", lines[0]);
        Assert.Equal("Plan: 0 to create, 5 to destroy (2 instances).", lines[^1]);
        var ids = lines.Skip(1).Take(5).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[2]).ToList();
        Assert.Equal(new[] { "i-0fedcba9876543210", "i-0123456789abcdef0", "eipalloc-0c", "subnet-0b", "vpc-0a" }, ids);
        Assert.Contains(lines, l => l.Contains("i-0123456789abcdef0", StringComparison.Ordinal) && l.EndsWith("demo-gateway", StringComparison.Ordinal));
    }

    [Fact]
    public void A_scale_plan_names_the_agents_it_terminates_and_counts_what_it_creates_destroys_and_keeps()
    {
        var info = new ClusterInfo("demo", "eu-west-1")
        {
            Agents = new[] { Agent(1, "i-00000000000000001"), Agent(2, "i-00000000000000002"), Agent(3, "i-00000000000000003") },
        };

        var down = ClusterPlanText.DescribeScale(info, 1);
        Assert.Contains("destroy  instance         i-00000000000000002", down, StringComparison.Ordinal);
        Assert.Contains("destroy  instance         i-00000000000000003", down, StringComparison.Ordinal);
        Assert.DoesNotContain("i-00000000000000001", down, StringComparison.Ordinal);
        Assert.EndsWith("Plan: 0 to create, 2 to destroy, 1 to keep.", down, StringComparison.Ordinal);

        var up = ClusterPlanText.DescribeScale(info, 5);
        Assert.EndsWith("Plan: 2 to create, 0 to destroy, 3 to keep.", up, StringComparison.Ordinal);
    }

    [Fact]
    public void A_create_plan_counts_steps_by_action()
    {
        PlanStep Step(string id, StepAction action) => new(id, id, id, action, Array.Empty<string>(), _ => Task.CompletedTask);
        var steps = new[] { Step("vpc", StepAction.Exists), Step("nat", StepAction.Create), Step("agent-1", StepAction.Create), Step("routes", StepAction.Complete), Step("image", StepAction.Read) };
        Assert.Equal("Plan: 2 to create, 1 to complete, 1 to keep.", ClusterPlanText.Counts(steps));
    }

    [Fact]
    public async Task The_plan_progress_status_names_the_step_running_now_not_only_a_count()
    {
        var reporter = new ProgressRecorder();
        var release = new TaskCompletionSource();
        var steps = new[]
        {
            new PlanStep("nat", "nat", "NAT gateway demo-nat-gateway", StepAction.Create, Array.Empty<string>(), async ct => await release.Task.WaitAsync(ct)),
        };

        var run = PlanExecutor.RunAsync(steps, 2, reporter, "Building cluster demo", CancellationToken.None);
        await reporter.WaitForAsync(u => u.Status.StartsWith("NAT gateway demo-nat-gateway (0 of 1 steps done)", StringComparison.Ordinal));
        release.SetResult();
        await run;

        var last = reporter.Updates.Last();
        Assert.True(last.Completed);
    }

    [Fact]
    public async Task A_ticker_keeps_the_status_moving_during_a_wait_and_reports_nothing_after_it_completes()
    {
        var reporter = new ProgressRecorder();
        using (var ticker = new ProgressTicker(reporter, 7, "Removing cluster demo", interval: TimeSpan.FromMilliseconds(20)))
        {
            ticker.Update("deleting 1 NAT gateway", 40);
            await reporter.WaitForAsync(u => u.Status.StartsWith("deleting 1 NAT gateway — ", StringComparison.Ordinal) && u.Status.EndsWith(" s", StringComparison.Ordinal));
            ticker.Complete();
        }

        var count = reporter.Updates.Count;
        await Task.Delay(100);
        Assert.Equal(count, reporter.Updates.Count);
        Assert.True(reporter.Updates.Last().Completed);
        Assert.Equal(1, reporter.Updates.Count(u => u.Completed));
        Assert.All(reporter.Updates.Where(u => !u.Completed), u => Assert.Equal(40, u.PercentComplete));
    }

    private static ClusterHostInfo Agent(int index, string id) => new(id, ClusterRoles.Agent, "demo-agent-" + index, index, "running");

    private sealed class ProgressRecorder : IOperationReporter
    {
        private readonly ConcurrentQueue<ProgressUpdate> _updates = new();

        public IReadOnlyList<ProgressUpdate> Updates => _updates.ToList();

        public async Task WaitForAsync(Func<ProgressUpdate, bool> condition)
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (!_updates.Any(condition))
            {
                Assert.True(DateTime.UtcNow < deadline, "no such progress update: " + string.Join(" | ", _updates.Select(u => u.Status)));
                await Task.Delay(10);
            }
        }

        public void Verbose(string message)
        {
        }

        public void Warning(string message)
        {
        }

        public void Progress(ProgressUpdate update) => _updates.Enqueue(update);

        public void Output(object value)
        {
        }

        public void Failure(ShowcaseException failure)
        {
        }
    }
}
