using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json.Linq;
using ShowcaseOps.Sandbox.StandIns.Vulcand;

namespace ShowcaseOps.Sandbox.StandIns;

// Vulcand's data path: a listener on the service port, the frontend whose route matches, a server of its backend.
public sealed partial class VulcandStandIn
{
    private static readonly Regex HostMatcher = new("Host\\(\"([^\"]*)\"\\)", RegexOptions.CultureInvariant);
    private static readonly Regex PathRegexpMatcher = new("PathRegexp\\(\"([^\"]*)\"\\)", RegexOptions.CultureInvariant);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _roundRobin = new(StringComparer.Ordinal);

    /// <summary>
    /// A request arriving at <paramref name="address"/>:<paramref name="port"/> (the master) with Host <paramref name="host"/>:
    /// status 0 when no listener serves that port (connection refused), 404 when no frontend's
    /// <c>Host("…") &amp;&amp; PathRegexp("…")</c> route matches, 503 when its backend has no server, 504 when the security
    /// groups drop the master → server connection, 502 when nothing listens at the server's address (no task there),
    /// else the task's answer: an HTTP request over the sandbox's task network (header <c>X-Showcase-Instance</c>).
    /// </summary>
    public SandboxProxyResponse Forward(string address, int port, string host, string path) =>
        ForwardAsync(address, port, host, path, "GET", CancellationToken.None).GetAwaiter().GetResult();

    /// <inheritdoc cref="Forward"/>
    public async Task<SandboxProxyResponse> ForwardAsync(string address, int port, string host, string path, string method, CancellationToken cancellationToken)
    {
        var hops = new List<string>();
        VulcandListener? listener;
        VulcandFrontend? frontend;
        VulcandBackend? backend;
        lock (_gate)
        {
            listener = _listeners.FirstOrDefault(l => ListensOn(l, port));
            frontend = listener is null ? null : _frontends.FirstOrDefault(f => RouteMatches(f.Route, host, path.Split('?')[0]));
            backend = frontend is null ? null : _backends.FirstOrDefault(b => b.Id == frontend.BackendId);
        }

        if (listener is null)
        {
            hops.Add($"vulcand: nothing listens on {address}:{port}");
            return new SandboxProxyResponse(0, string.Empty, hops);
        }

        hops.Add($"vulcand: listener {listener.Id} ({listener.Address})");
        if (frontend is null)
        {
            hops.Add($"vulcand: no frontend matches {host}{path}");
            return new SandboxProxyResponse(404, "Not found", hops);
        }

        var servers = backend?.Servers ?? Array.Empty<VulcandServer>();
        if (servers.Count == 0)
        {
            hops.Add($"vulcand: frontend {frontend.Id} -> backend {frontend.BackendId} has no server");
            return new SandboxProxyResponse(503, "Service Unavailable", hops);
        }

        // Round robin per backend, as Vulcand's load balancer does.
        var turn = _roundRobin.AddOrUpdate(frontend.BackendId, 0, (_, n) => n + 1);
        var server = servers[(int)(turn % servers.Count)];
        hops.Add($"vulcand: frontend {frontend.Id} -> server {server.Id} ({server.Url})");
        Uri.TryCreate(server.Url, UriKind.Absolute, out var url);
        if (url is not null)
        {
            var verdict = Host.Ec2.CheckConnection(address, url.Host, "tcp", url.Port);
            hops.Add("security groups: " + verdict);
            if (!verdict.Allowed)
            {
                return new SandboxProxyResponse(504, "Gateway Timeout", hops);
            }
        }

        return url is null ? new SandboxProxyResponse(502, "Bad Gateway", hops) : await SendToTaskAsync(url, method, host, path, hops, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The request to the server, over the sandbox's task network (one loopback listener; Host names the server's address).</summary>
    private async Task<SandboxProxyResponse> SendToTaskAsync(Uri server, string method, string host, string path, List<string> hops, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(Host.TaskNetworkEndpoint, path.StartsWith("/", StringComparison.Ordinal) ? path.Substring(1) : path));
        request.Headers.Host = server.Authority;
        request.Headers.TryAddWithoutValidation("X-Forwarded-Host", host);
        try
        {
            using var response = await TaskClient.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (response.Headers.Contains(DataPlane.TaskNetworkStandIn.RefusedHeader))
            {
                hops.Add($"vulcand: {server.Authority} refused the connection (no task listens there)");
                return new SandboxProxyResponse(502, "Bad Gateway", hops, null, "text/plain");
            }

            var headers = response.Headers.Where(h => h.Key.StartsWith("X-Showcase-", StringComparison.OrdinalIgnoreCase))
                .ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
            hops.Add($"task {(headers.TryGetValue(DataPlane.TaskNetworkStandIn.InstanceHeader, out var id) ? id : "?")} answered {(int)response.StatusCode}");
            return new SandboxProxyResponse((int)response.StatusCode, body, hops, headers, response.Content.Headers.ContentType?.ToString() ?? "application/json");
        }
        catch (HttpRequestException ex)
        {
            hops.Add($"vulcand: {server.Authority}: {ex.Message}");
            return new SandboxProxyResponse(502, "Bad Gateway", hops, null, "text/plain");
        }
    }

    /// <summary>One pooled client for every forward (keep-alive to the task network), as Vulcand keeps connections to its servers.</summary>
    private static readonly HttpClient TaskClient = new(new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30), MaxConnectionsPerServer = 64, UseProxy = false })
    {
        Timeout = TimeSpan.FromSeconds(30),
    };

    private static bool ListensOn(VulcandListener listener, int port)
    {
        var colon = listener.Address.LastIndexOf(':');
        return colon >= 0 && int.TryParse(listener.Address.Substring(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var p) && p == port;
    }

    private static bool RouteMatches(string route, string host, string path)
    {
        var hostMatch = HostMatcher.Match(route);
        if (hostMatch.Success && !string.Equals(hostMatch.Groups[1].Value, host, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var pathMatch = PathRegexpMatcher.Match(route);
        if (pathMatch.Success)
        {
            try
            {
                return Regex.IsMatch(path, pathMatch.Groups[1].Value, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
            }
            catch (ArgumentException)
            {
                return false;
            }
        }

        return hostMatch.Success;
    }
}
