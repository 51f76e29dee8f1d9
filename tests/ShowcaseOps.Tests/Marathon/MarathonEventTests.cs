using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using ShowcaseOps.Core.Execution;
using ShowcaseOps.Core.Marathon;
using ShowcaseOps.Core.Bootstrap;
using ShowcaseOps.Sandbox;
using Xunit;

namespace ShowcaseOps.Tests.Marathon;

public sealed class MarathonEventTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly SandboxHost _host = SandboxHost.Start();
    private readonly HttpClient _http = new() { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
    private readonly MarathonClient _client;
    private readonly IOperationReporter _r = NullReporter.Instance;

    public MarathonEventTests()
    {
        _client = new MarathonClient(new SandboxHttpChannel(_host, _http)) { PollInterval = TimeSpan.FromMilliseconds(25) };
    }

    public void Dispose()
    {
        _http.Dispose();
        _host.Dispose();
    }

    [Fact]
    public async Task The_stream_delivers_the_events_of_a_scale()
    {
        await CreateWebAsync();
        using var stream = await OpenAsync();
        var attached = await NextAsync(stream);
        Assert.Equal("event_stream_attached", attached!.EventType);

        var result = await _client.ScaleAppAsync("web", 3, false, _r, CancellationToken.None);
        var events = await ReadUntilAsync(stream, e => e.EventType == "deployment_success" && e.Data.Contains(result.DeploymentId, StringComparison.Ordinal));

        Assert.Contains(events, e => e.EventType == "api_post_event" && e.AppId == "/web");
        Assert.Contains(events, e => e.EventType == "deployment_info");
        Assert.Equal(2, events.Count(e => e.EventType == "status_update_event" && e.TaskStatus == "TASK_STAGING"));
        Assert.Equal(2, events.Count(e => e.EventType == "status_update_event" && e.TaskStatus == "TASK_RUNNING"));
        Assert.Equal(2, events.Count(e => e.EventType == "health_status_changed_event"));
        Assert.All(events.Where(e => e.EventType == "status_update_event"), e => Assert.StartsWith("web.instance-", e.TaskId));
        Assert.All(events, e => Assert.NotNull(e.Timestamp));
    }

    [Fact]
    public async Task The_event_type_filter_only_lets_the_named_types_through()
    {
        await CreateWebAsync();
        using var stream = await OpenAsync("status_update_event", "deployment_success");
        await _client.ScaleAppAsync("web", 2, false, _r, CancellationToken.None);

        var events = await ReadUntilAsync(stream, e => e.EventType == "deployment_success");
        Assert.All(events, e => Assert.Contains(e.EventType, new[] { "status_update_event", "deployment_success" }));
        Assert.Equal(2, events.Count(e => e.EventType == "status_update_event"));
    }

    [Fact]
    public async Task Shuffled_events_arrive_complete_but_out_of_order()
    {
        await CreateWebAsync();
        _host.Marathon.EventChaos.Shuffle = true;
        _host.Marathon.EventChaos.Seed = 7;
        using var stream = await OpenAsync("status_update_event", "instance_changed_event", "health_status_changed_event", "instance_health_changed_event");
        var mark = LastSequence();

        await ScaleAndSettleAsync(8);

        var published = Published(mark, "status_update_event", "instance_changed_event", "health_status_changed_event", "instance_health_changed_event");
        var received = await ReadCountAsync(stream, published.Count);
        Assert.Equal(published.OrderBy(d => d, StringComparer.Ordinal), received.Select(e => e.Data).OrderBy(d => d, StringComparer.Ordinal));
        Assert.NotEqual(published, received.Select(e => e.Data).ToList());
    }

    [Fact]
    public async Task Duplicated_events_arrive_twice()
    {
        await CreateWebAsync();
        _host.Marathon.EventChaos.DuplicateRate = 1;
        using var stream = await OpenAsync("status_update_event");
        var mark = LastSequence();

        await ScaleAndSettleAsync(2);

        var published = Published(mark, "status_update_event");
        Assert.Equal(2, published.Count);
        var received = await ReadCountAsync(stream, published.Count * 2);
        Assert.All(received.GroupBy(e => e.Data), g => Assert.Equal(2, g.Count()));
        Assert.Equal(published.OrderBy(d => d, StringComparer.Ordinal), received.Select(e => e.Data).Distinct().OrderBy(d => d, StringComparer.Ordinal));
    }

    [Fact]
    public async Task Dropped_events_never_arrive()
    {
        await CreateWebAsync();
        _host.Marathon.EventChaos.DropRate = 1;
        using var stream = await OpenAsync("status_update_event", "app_terminated_event");

        await ScaleAndSettleAsync(3);
        _host.Marathon.EventChaos.DropRate = 0;
        var deleted = await _client.DeleteAppAsync("web", _r, CancellationToken.None);
        await _client.WaitForDeploymentsAsync(deleted.DeploymentId, Wait, _r, CancellationToken.None);

        // Nothing of the scale got through: the first events are the kills of the delete.
        var first = await NextAsync(stream);
        Assert.Equal("TASK_KILLED", first!.TaskStatus);
        var rest = await ReadUntilAsync(stream, e => e.EventType == "app_terminated_event");
        Assert.DoesNotContain(rest, e => e.TaskStatus is "TASK_STAGING" or "TASK_RUNNING");
    }

    [Fact]
    public async Task Killing_the_streams_ends_them()
    {
        using var stream = await OpenAsync();
        Assert.Equal("event_stream_attached", (await NextAsync(stream))!.EventType);
        Assert.Equal(1, _host.Marathon.EventStreamCount);

        Assert.Equal(1, _host.Marathon.KillEventStreams());
        Assert.Null(await NextAsync(stream));
        Assert.Equal(0, _host.Marathon.EventStreamCount);
    }

    [Fact]
    public async Task The_reader_follows_the_sse_rules()
    {
        var text = ": comment\r\nevent: status_update_event\r\ndata: {\"appId\":\"/web\",\r\ndata: \"taskStatus\":\"TASK_RUNNING\"}\r\nid: 7\r\n\r\nevent: empty\n\ndata:no-space\n\n";
        using var stream = new MarathonEventStream(new MemoryStream(Encoding.UTF8.GetBytes(text)));
        var first = await stream.ReadAsync(CancellationToken.None);
        Assert.Equal("status_update_event", first!.EventType);
        Assert.Equal("{\"appId\":\"/web\",\n\"taskStatus\":\"TASK_RUNNING\"}", first.Data);
        Assert.Equal("/web", first.AppId);
        Assert.Equal("TASK_RUNNING", first.TaskStatus);
        Assert.Equal("7", stream.LastEventId);
        var second = await stream.ReadAsync(CancellationToken.None);
        Assert.Equal("message", second!.EventType);
        Assert.Equal("no-space", second.Data);
        Assert.Null(await stream.ReadAsync(CancellationToken.None));
    }

    [Fact]
    public async Task The_stream_is_refused_without_the_event_stream_accept_header()
    {
        using var response = await _http.GetAsync(new Uri(_host.Endpoint("marathon"), "v2/events"));
        Assert.Equal(405, (int)response.StatusCode);
    }

    private async Task CreateWebAsync()
    {
        await _client.CreateAppAsync(RepoPaths.ExampleAppSpec, _r, CancellationToken.None);
        await _client.WaitForDeploymentsAsync("web", Wait, _r, CancellationToken.None);
    }

    private async Task ScaleAndSettleAsync(int instances)
    {
        var result = await _client.ScaleAppAsync("web", instances, false, _r, CancellationToken.None);
        await _client.WaitForDeploymentsAsync(result.DeploymentId, Wait, _r, CancellationToken.None);
    }

    private Task<MarathonEventStream> OpenAsync(params string[] types) =>
        MarathonEventStream.OpenAsync(_http, _host.Endpoint("marathon"), types, CancellationToken.None);

    private long LastSequence() => _host.Marathon.PublishedEvents.Select(e => e.Sequence).DefaultIfEmpty(0).Max();

    private List<string> Published(long after, params string[] types) =>
        _host.Marathon.PublishedEvents.Where(e => e.Sequence > after && types.Contains(e.EventType)).Select(e => e.Data).ToList();

    private static async Task<MarathonEvent?> NextAsync(MarathonEventStream stream)
    {
        using var timeout = new CancellationTokenSource(Wait);
        return await stream.ReadAsync(timeout.Token);
    }

    private static async Task<List<MarathonEvent>> ReadUntilAsync(MarathonEventStream stream, Func<MarathonEvent, bool> last)
    {
        var events = new List<MarathonEvent>();
        while (true)
        {
            var next = await NextAsync(stream);
            Assert.NotNull(next);
            events.Add(next!);
            if (last(next!))
            {
                return events;
            }
        }
    }

    private static async Task<List<MarathonEvent>> ReadCountAsync(MarathonEventStream stream, int count)
    {
        var events = new List<MarathonEvent>();
        while (events.Count < count)
        {
            var next = await NextAsync(stream);
            Assert.NotNull(next);
            events.Add(next!);
        }

        return events;
    }
}
