using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json.Linq;
using ShowcaseOps.Sandbox.StandIns.Kong;

namespace ShowcaseOps.Sandbox.StandIns;

// Kong's proxy (host ports 80/443 on the gateway): route by Host and path, forward to the service's upstream.
public sealed partial class KongStandIn
{
    /// <summary>
    /// Sends a request through Kong's proxy as a client on the internet would: the route matching <paramref name="host"/>
    /// and <paramref name="path"/> (Kong 3's answers when none does), its service's upstream resolved as Consul DNS would
    /// (<c>vulcand.&lt;domain&gt;</c> is the master), the gateway → upstream connection checked against the EC2 stand-in's
    /// security groups, then handed to the Vulcand stand-in's listener, which forwards it to the task over the sandbox's
    /// task network. A plain-HTTP request on an https-only route answers the route's <c>https_redirect_status_code</c>
    /// (426 <c>Please use HTTPS protocol</c>, or a redirect with <c>Location: https://host/path</c>). Plugins are not applied.
    /// </summary>
    public SandboxProxyResponse Proxy(string host, string path = "/", string scheme = "https") =>
        ProxyAsync(host, path, scheme, "GET", CancellationToken.None).GetAwaiter().GetResult();

    /// <inheritdoc cref="Proxy"/>
    public async Task<SandboxProxyResponse> ProxyAsync(string host, string path, string scheme, string method, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(host))
        {
            throw new ArgumentException("A Host header is required.", nameof(host));
        }

        path = string.IsNullOrEmpty(path) ? "/" : path;
        var pathOnly = path.Split('?')[0];
        var hops = new List<string>();
        var route = Routes.Where(r => Matches(r, host, pathOnly) && ServesOrRedirects(r, scheme)).OrderByDescending(r => LongestPath(r, pathOnly)).FirstOrDefault();
        if (route is null)
        {
            hops.Add($"kong: no route for {scheme}://{host}{path}");
            return new SandboxProxyResponse(404, "{\"message\":\"no Route matched with those values\"}", hops);
        }

        if (!Protocols(route).Contains(scheme))
        {
            return HttpsRequired(route, host, path, hops);
        }

        var serviceId = route.ForeignId("service");
        var service = Services.FirstOrDefault(s => s.Id == serviceId);
        if (service is null)
        {
            hops.Add($"kong: route {route} has no service");
            return new SandboxProxyResponse(503, "{\"message\":\"no Service found with those values\"}", hops);
        }

        var upstreamHost = service.Get<string>("host") ?? string.Empty;
        var upstreamPort = service.Get<int?>("port") ?? 80;
        hops.Add($"kong: route {route} -> service {service} ({upstreamHost}:{upstreamPort})");
        var upstreamAddress = Resolve(upstreamHost);
        if (upstreamAddress is null)
        {
            hops.Add($"kong: {upstreamHost} does not resolve");
            return new SandboxProxyResponse(503, "{\"message\":\"name resolution failed\"}", hops);
        }

        var gateway = Host.Ec2.GetInstances().FirstOrDefault(i => i.State == "running" && i.Tags.TryGetValue("showcase:role", out var role) && role == "gateway");
        if (gateway is not null)
        {
            var verdict = Host.Ec2.CheckConnection(gateway.InstanceId, upstreamAddress, "tcp", upstreamPort);
            hops.Add("security groups: " + verdict);
            if (!verdict.Allowed)
            {
                // A security group drops the packets: Kong's connect times out (answered at once here).
                return new SandboxProxyResponse(504, "{\"message\":\"The upstream server is timing out\"}", hops);
            }
        }

        var forwarded = await Host.Vulcand.ForwardAsync(upstreamAddress, upstreamPort, host, path, method, cancellationToken).ConfigureAwait(false);
        hops.AddRange(forwarded.Hops);
        if (forwarded.Status == 0)
        {
            // Nothing listens there: connection refused.
            return new SandboxProxyResponse(502, "{\"message\":\"An invalid response was received from the upstream server\"}", hops);
        }

        return new SandboxProxyResponse(forwarded.Status, forwarded.Body, hops, forwarded.Headers, forwarded.ContentType);
    }

    private static string[] Protocols(KongEntity route) =>
        (route.Json["protocols"] as JArray)?.Select(p => (string?)p ?? string.Empty).ToArray() ?? new[] { "http", "https" };

    /// <summary>Kong's router matches a route for its protocols, and an https-only route for plain http too (to answer its redirect).</summary>
    private static bool ServesOrRedirects(KongEntity route, string scheme)
    {
        var protocols = Protocols(route);
        return protocols.Contains(scheme) || (scheme == "http" && protocols.Contains("https"));
    }

    private static SandboxProxyResponse HttpsRequired(KongEntity route, string host, string path, List<string> hops)
    {
        var code = route.Get<int?>("https_redirect_status_code") ?? 426;
        hops.Add($"kong: route {route} is https only: {code}");
        if (code == 426)
        {
            return new SandboxProxyResponse(426, "{\"message\":\"Please use HTTPS protocol\"}", hops,
                new Dictionary<string, string> { ["Connection"] = "Upgrade", ["Upgrade"] = "TLS/1.2, HTTP/1.1" });
        }

        var location = "https://" + host + path;
        return new SandboxProxyResponse(code, string.Empty, hops, new Dictionary<string, string> { ["Location"] = location }, "text/plain");
    }

    /// <summary>What Consul DNS answers on the gateway: an address as is; <c>vulcand.*</c> the master (Vulcand registers there); else a Consul service's address.</summary>
    private string? Resolve(string name)
    {
        if (System.Net.IPAddress.TryParse(name, out _))
        {
            return name;
        }

        var label = name.Split('.')[0];
        if (label == "vulcand")
        {
            return Host.Ec2.GetInstances().FirstOrDefault(i => i.State == "running" && i.Tags.TryGetValue("showcase:role", out var role) && role == "master")?.PrivateIpAddress;
        }

        return Host.Consul.Services.Values.Where(s => s.Name == label && System.Net.IPAddress.TryParse(s.Address, out _)).Select(s => s.Address).FirstOrDefault();
    }

    private static bool Matches(KongEntity route, string host, string path)
    {
        var hosts = route.Json["hosts"] as JArray;
        var hostOk = hosts is null || hosts.Count == 0 || hosts.Select(h => (string?)h).Any(h => h is not null && HostMatches(h, host));
        var paths = route.Json["paths"] as JArray;
        var pathOk = paths is null || paths.Count == 0 || paths.Select(p => (string?)p).Any(p => p is not null && path.StartsWith(p, StringComparison.Ordinal));
        return hostOk && pathOk;
    }

    private static bool HostMatches(string pattern, string host) =>
        pattern.StartsWith("*.", StringComparison.Ordinal) ? host.EndsWith(pattern.Substring(1), StringComparison.OrdinalIgnoreCase)
        : pattern.EndsWith(".*", StringComparison.Ordinal) ? host.StartsWith(pattern.Substring(0, pattern.Length - 1), StringComparison.OrdinalIgnoreCase)
        : string.Equals(pattern, host, StringComparison.OrdinalIgnoreCase);

    private static int LongestPath(KongEntity route, string path) =>
        (route.Json["paths"] as JArray)?.Select(p => (string?)p).Where(p => p is not null && path.StartsWith(p, StringComparison.Ordinal)).Select(p => p!.Length).DefaultIfEmpty(0).Max() ?? 0;
}
