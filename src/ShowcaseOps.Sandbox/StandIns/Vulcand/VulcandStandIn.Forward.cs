using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using Newtonsoft.Json.Linq;
using ShowcaseOps.Sandbox.StandIns.Vulcand;

namespace ShowcaseOps.Sandbox.StandIns;

// Vulcand's data path: a listener on the service port, the frontend whose route matches, a server of its backend.
public sealed partial class VulcandStandIn
{
    private static readonly Regex HostMatcher = new("Host\\(\"([^\"]*)\"\\)", RegexOptions.CultureInvariant);
    private static readonly Regex PathRegexpMatcher = new("PathRegexp\\(\"([^\"]*)\"\\)", RegexOptions.CultureInvariant);
    private long _roundRobin;

    /// <summary>
    /// A request arriving at <paramref name="address"/>:<paramref name="port"/> (the master) with Host <paramref name="host"/>:
    /// status 0 when no listener serves that port (connection refused), 404 when no frontend's
    /// <c>Host("…") &amp;&amp; PathRegexp("…")</c> route matches, 503 when its backend has no server, 504 when the security
    /// groups drop the master → server connection, else 200 with a body naming the server that answered (the task).
    /// </summary>
    public SandboxProxyResponse Forward(string address, int port, string host, string path)
    {
        var hops = new List<string>();
        VulcandListener? listener;
        VulcandFrontend? frontend;
        VulcandBackend? backend;
        lock (_gate)
        {
            listener = _listeners.FirstOrDefault(l => ListensOn(l, port));
            frontend = listener is null ? null : _frontends.FirstOrDefault(f => RouteMatches(f.Route, host, path));
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

        var server = servers[(int)(System.Threading.Interlocked.Increment(ref _roundRobin) % servers.Count)];
        hops.Add($"vulcand: frontend {frontend.Id} -> server {server.Id} ({server.Url})");
        if (Uri.TryCreate(server.Url, UriKind.Absolute, out var url))
        {
            var verdict = Host.Ec2.CheckConnection(address, url.Host, "tcp", url.Port);
            hops.Add("security groups: " + verdict);
            if (!verdict.Allowed)
            {
                return new SandboxProxyResponse(504, "Gateway Timeout", hops);
            }
        }

        var body = new JObject { ["server"] = server.Id, ["url"] = server.Url, ["host"] = host, ["path"] = path };
        return new SandboxProxyResponse(200, body.ToString(Newtonsoft.Json.Formatting.None), hops);
    }

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
