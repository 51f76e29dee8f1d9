using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Newtonsoft.Json.Linq;
using ShowcaseOps.Sandbox.StandIns;
using ShowcaseOps.Tests.Platform;
using Xunit;

namespace ShowcaseOps.Tests.Sandbox;

/// <summary>Marathon's tasks on an agent that was terminated: unreachable, then lost and replaced on a live agent.</summary>
public sealed class MarathonAgentLossTests : SandboxTestBase
{
    private const string App = "{\"id\":\"/web\",\"cmd\":\"python3 -m http.server $PORT0\",\"cpus\":0.1,\"mem\":32,\"instances\":2,"
        + "\"healthChecks\":[{\"protocol\":\"HTTP\",\"path\":\"/\",\"portIndex\":0}]}";

    [Fact]
    public async Task Tasks_of_a_terminated_agent_become_unreachable_without_health_then_are_replaced_on_a_live_agent()
    {
        AddAgent("i-0a1", "10.0.12.11", "running");
        AddAgent("i-0a2", "10.0.12.12", "running");
        Host.Marathon.UnreachableExpungeAfter = TimeSpan.FromMilliseconds(300);
        Host.Marathon.TaskStartTime = TimeSpan.FromMilliseconds(20);
        Host.Marathon.SeedApp(App);
        var before = await TasksAsync();
        Assert.Equal(2, before.Count);
        var lostTask = before.Single(t => (string?)t["host"] == "10.0.12.11");

        AddAgent("i-0a1", "10.0.12.11", "terminated");
        var during = await TasksAsync();
        var unreachable = during.Single(t => (string?)t["id"] == (string?)lostTask["id"]);
        Assert.Equal("TASK_UNREACHABLE", (string?)unreachable["state"]);
        Assert.True(unreachable["healthCheckResults"] is null or JArray { Count: 0 });
        Assert.Equal("TASK_RUNNING", (string?)during.Single(t => (string?)t["host"] == "10.0.12.12")["state"]);

        await Task.Delay(400);
        var after = await TasksAsync();
        Assert.DoesNotContain(after, t => (string?)t["id"] == (string?)lostTask["id"]);
        Assert.Equal(2, after.Count);
        Assert.All(after, t => Assert.Equal("10.0.12.12", (string?)t["host"]));

        await Task.Delay(200);
        Assert.All(await TasksAsync(), t => Assert.Equal("TASK_RUNNING", (string?)t["state"]));
    }

    private void AddAgent(string id, string ip, string state) =>
        Host.Ec2.AddInstance(new SandboxInstanceInfo(id, ip, state, DateTime.UtcNow, DateTime.UtcNow, new Dictionary<string, string> { ["showcase:role"] = "agent" }));

    private async Task<List<JObject>> TasksAsync()
    {
        var (status, body, _) = await CallAsync("marathon", "GET", "/v2/apps/web/tasks");
        Assert.Equal(200, status);
        return ((JArray)JObject.Parse(body)["tasks"]!).OfType<JObject>().ToList();
    }
}
