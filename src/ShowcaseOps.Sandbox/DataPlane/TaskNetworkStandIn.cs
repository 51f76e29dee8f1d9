using System;
using System.Collections.Concurrent;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json.Linq;
using ShowcaseOps.Sandbox.Hosting;
using ShowcaseOps.Sandbox.StandIns;

namespace ShowcaseOps.Sandbox.DataPlane;

/// <summary>
/// The agents' network as the data plane sees it: ONE loopback listener for every task (measured: a listener per task
/// costs a socket, a port and an accept loop each, and 500 tasks gain nothing from it). A request names the address it
/// was sent to in its Host header, <c>&lt;agent address&gt;:&lt;host port&gt;</c>, exactly as an HTTP request to that
/// address would; the task listening there (a running or killing Marathon task, or one added with <see cref="Listen"/>)
/// answers 200 with <c>X-Showcase-Instance: &lt;task id&gt;</c> and a JSON body naming it. When nothing listens there the
/// answer is 502 with <c>X-Showcase-Refused: connection refused</c>, which the Vulcand stand-in treats as a refused
/// connection.
/// </summary>
public sealed class TaskNetworkStandIn : StandIn
{
    public const string InstanceHeader = "X-Showcase-Instance";
    public const string AppHeader = "X-Showcase-App";
    public const string RefusedHeader = "X-Showcase-Refused";

    private readonly ConcurrentDictionary<string, string> _static = new(StringComparer.Ordinal);
    private long _answered;

    public override string Service => "tasks";

    /// <summary>Requests a task answered (any task).</summary>
    public long Answered => Interlocked.Read(ref _answered);

    /// <summary>Test seam: a process named <paramref name="name"/> listening on <paramref name="address"/>:<paramref name="port"/> that Marathon does not know.</summary>
    public void Listen(string address, int port, string name) => _static[Key(address, port)] = name;

    /// <summary>Stops what <see cref="Listen"/> started there.</summary>
    public bool StopListening(string address, int port) => _static.TryRemove(Key(address, port), out _);

    public override RequestIdentity Identify(SandboxRequest request) => new(request.Method + " /", request.Headers["Host"] ?? string.Empty);

    public override Task<SandboxResponse> HandleAsync(SandboxRequest request, RequestIdentity identity, CancellationToken cancellationToken)
    {
        var host = request.Headers["Host"] ?? string.Empty;
        var colon = host.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(host.Substring(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            return Task.FromResult(Refused(host));
        }

        var address = host.Substring(0, colon);
        string? name = null;
        string? app = null;
        if (_static.TryGetValue(Key(address, port), out var seam))
        {
            name = seam;
        }
        else if (Host.Marathon.ListeningTask(address, port) is { } task)
        {
            name = task.TaskId;
            app = task.AppId;
        }

        if (name is null)
        {
            return Task.FromResult(Refused(host));
        }

        Interlocked.Increment(ref _answered);
        var body = new JObject
        {
            ["instance"] = name, ["app"] = app, ["address"] = address, ["port"] = port,
            ["method"] = request.Method, ["path"] = request.Path, ["host"] = request.Headers["X-Forwarded-Host"],
            ["message"] = "Hello from " + name,
        };
        var response = SandboxResponse.RawJson(200, body.ToString(Newtonsoft.Json.Formatting.None));
        response.Headers[InstanceHeader] = name;
        if (app is not null)
        {
            response.Headers[AppHeader] = app;
        }

        return Task.FromResult(response);
    }

    public override void Reset()
    {
        _static.Clear();
        Interlocked.Exchange(ref _answered, 0);
    }

    private static string Key(string address, int port) => address + ":" + port.ToString(CultureInfo.InvariantCulture);

    private static SandboxResponse Refused(string host)
    {
        var response = SandboxResponse.RawJson(502, new JObject { ["message"] = "nothing listens on " + host }.ToString(Newtonsoft.Json.Formatting.None));
        response.Headers[RefusedHeader] = "connection refused";
        response.ErrorCode = "ConnectionRefused";
        return response;
    }
}
