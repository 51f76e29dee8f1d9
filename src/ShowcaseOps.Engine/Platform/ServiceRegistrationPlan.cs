using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ShowcaseOps.Core.Platform.Wire;
using ShowcaseOps.Core.Net;

namespace ShowcaseOps.Core.Platform;

/// <summary>
/// Turns "register this service / instance" into the idempotent admin API calls that do it: Consul re-register by id,
/// Vulcand POST upserts, Kong PUT upserts; removals accept "already gone" (Consul 404, Vulcand 404, Kong 204).
/// Running a plan twice changes nothing the second time.
/// </summary>
public static class ServiceRegistrationPlan
{
    private static readonly int[] NotFound = { 404 };

    /// <summary>The frontend route for a host: <c>Host("web.example.com") &amp;&amp; PathRegexp("/.*")</c>.</summary>
    public static string VulcandRoute(string hostName) => $"Host(\"{hostName}\") && PathRegexp(\"/.*\")";

    /// <summary>The Kong upstream for a service: Vulcand's listener for it, <c>http://vulcand.&lt;domain&gt;:&lt;port&gt;</c>.</summary>
    public static string KongUpstream(PlatformServiceSpec service) =>
        string.Format(CultureInfo.InvariantCulture, "http://vulcand.{0}:{1}", service?.Domain, service?.ServicePort);

    /// <summary>The Consul service ID of an instance: <c>&lt;service&gt;-&lt;instanceId&gt;</c>.</summary>
    public static string ConsulInstanceId(string service, string instanceId) => service + "-" + instanceId;

    /// <summary>Vulcand backend, host, frontend, listener; Kong service and route; Consul service entry (ownership marked).</summary>
    /// <param name="service">The service.</param>
    /// <param name="owner">Which path makes it (<see cref="PlatformOwnership.CmdletOwner"/> or <see cref="PlatformOwnership.SyncOwner"/>): Consul Meta and Kong tags say so.</param>
    public static IReadOnlyList<PlatformRequest> RegisterService(PlatformServiceSpec service, string owner = PlatformOwnership.CmdletOwner)
    {
        if (service is null)
        {
            throw new ArgumentNullException(nameof(service));
        }

        var name = service.Name;
        var segment = PlatformPath.Segment(name);
        var tags = PlatformOwnership.Tags(owner);
        return new[]
        {
            new PlatformRequest(PlatformTarget.Vulcand, "POST", "/v2/backends", Json(new VulcandBackendBody(new VulcandBackend(name, "http"))), $"Vulcand backend {name}"),
            new PlatformRequest(PlatformTarget.Vulcand, "POST", "/v2/hosts", Json(new VulcandHostBody(new VulcandHost(service.HostName))), $"Vulcand host {service.HostName}"),
            new PlatformRequest(PlatformTarget.Vulcand, "POST", "/v2/frontends", Json(new VulcandFrontendBody(new VulcandFrontend(name, VulcandRoute(service.HostName), "http", name))),
                $"Vulcand frontend {name}"),
            new PlatformRequest(PlatformTarget.Vulcand, "POST", "/v2/listeners", Json(new VulcandListenerBody(new VulcandListener(
                name, "http", new VulcandAddress("tcp", "0.0.0.0:" + service.ServicePort.ToString(CultureInfo.InvariantCulture))))),
                $"Vulcand listener {name} on port {service.ServicePort}"),
            new PlatformRequest(PlatformTarget.Kong, "PUT", "/services/" + segment, Json(new KongServiceBody(name, KongUpstream(service), tags)), $"Kong service {name}"),
            new PlatformRequest(PlatformTarget.Kong, "PUT", "/services/" + segment + "/routes/" + segment, Json(new KongRouteBody(
                name, new[] { service.HostName }, KongProtocols.HttpsOnly, PreserveHost: true, StripPath: false, tags)), $"Kong route {name}"),
            new PlatformRequest(PlatformTarget.Consul, "PUT", "/v1/agent/service/register", Json(new ConsulServiceRegistration(
                name, name, new[] { PlatformOwnership.Tag }, "vulcand." + service.Domain, service.ServicePort, Meta(owner, PlatformOwnership.ServiceRole, (PlatformOwnership.DomainKey, service.Domain)))),
                $"Consul service {name}"),
        };
    }

    /// <summary>
    /// Removes a service in the order the APIs require: its instances (when known), the Kong route then service,
    /// the Vulcand frontend then backend, listener and host, and the Consul entry. Anything already gone counts as done.
    /// </summary>
    public static IReadOnlyList<PlatformRequest> UnregisterService(string name, string domain, IEnumerable<string>? instanceIds = null)
    {
        PlatformNames.Require(name, nameof(name));
        PlatformNames.RequireDomain(domain, nameof(domain));
        var segment = PlatformPath.Segment(name);
        var requests = new List<PlatformRequest>();
        foreach (var instanceId in instanceIds ?? Enumerable.Empty<string>())
        {
            requests.AddRange(UnregisterInstance(name, instanceId));
        }

        requests.Add(Gone(PlatformTarget.Kong, "DELETE", "/routes/" + segment, $"Kong route {name}"));
        requests.Add(Gone(PlatformTarget.Kong, "DELETE", "/services/" + segment, $"Kong service {name}"));
        requests.Add(Gone(PlatformTarget.Vulcand, "DELETE", "/v2/frontends/" + segment, $"Vulcand frontend {name}"));
        requests.Add(Gone(PlatformTarget.Vulcand, "DELETE", "/v2/backends/" + segment, $"Vulcand backend {name}"));
        requests.Add(Gone(PlatformTarget.Vulcand, "DELETE", "/v2/listeners/" + segment, $"Vulcand listener {name}"));
        requests.Add(Gone(PlatformTarget.Vulcand, "DELETE", "/v2/hosts/" + PlatformPath.Segment(name + "." + domain), $"Vulcand host {name}.{domain}"));
        requests.Add(Gone(PlatformTarget.Consul, "PUT", "/v1/agent/service/deregister/" + segment, $"Consul service {name}"));
        return requests;
    }

    /// <summary>Vulcand backend server <c>{"Server":{"Id":instanceId,"URL":"http://addr:port"}}</c> and a Consul entry <c>&lt;service&gt;-&lt;instanceId&gt;</c>.</summary>
    public static IReadOnlyList<PlatformRequest> RegisterInstance(PlatformInstanceSpec instance, string owner = PlatformOwnership.CmdletOwner)
    {
        if (instance is null)
        {
            throw new ArgumentNullException(nameof(instance));
        }

        var consulId = ConsulInstanceId(instance.Service, instance.InstanceId);
        return new[]
        {
            new PlatformRequest(PlatformTarget.Vulcand, "POST", "/v2/backends/" + PlatformPath.Segment(instance.Service) + "/servers",
                Json(new VulcandServerBody(new VulcandServer(instance.InstanceId, instance.Url))), $"Vulcand server {instance.InstanceId} of {instance.Service}"),
            new PlatformRequest(PlatformTarget.Consul, "PUT", "/v1/agent/service/register", Json(new ConsulServiceRegistration(
                consulId, instance.Service, new[] { PlatformOwnership.Tag }, instance.Address, instance.Port,
                InstanceMeta(owner, instance), Check(instance))), $"Consul instance {consulId}"),
        };
    }

    /// <summary>How long a check may stay critical before Consul removes the entry by itself (a task that died unseen).</summary>
    public const string DeregisterCriticalAfter = "1m";

    /// <summary>
    /// The instance's Consul check, derived from the app's Marathon health check: HTTP path → HTTP check
    /// <c>http://address:port/path</c>; TCP or none → TCP check <c>address:port</c>; every 10 s, 5 s timeout, and
    /// <c>DeregisterCriticalServiceAfter</c> <see cref="DeregisterCriticalAfter"/>.
    /// </summary>
    private static ConsulCheck Check(PlatformInstanceSpec instance)
    {
        var hostPort = HttpUrl.Format(instance.Address, instance.CheckPort).Substring("http://".Length);
        return instance.CheckPath is { } path
            ? new ConsulCheck("http://" + hostPort + path, null, "10s", "5s", DeregisterCriticalAfter)
            : new ConsulCheck(null, hostPort, "10s", "5s", DeregisterCriticalAfter);
    }

    private static Dictionary<string, string> InstanceMeta(string owner, PlatformInstanceSpec instance)
    {
        var meta = Meta(owner, PlatformOwnership.InstanceRole, (PlatformOwnership.InstanceKey, instance.InstanceId));
        meta[PlatformOwnership.CheckKey] = instance.CheckMark;
        return meta;
    }

    /// <summary>Consul maintenance mode on (<c>PUT /v1/agent/service/maintenance/{id}?enable=true&amp;reason=…</c>): DNS stops answering with it.</summary>
    public static PlatformRequest ConsulMaintenance(string consulId, string reason) =>
        ConsulMaintenancePath(PlatformPath.Segment(consulId), reason);

    /// <summary>The same, for an id already encoded as a path segment.</summary>
    public static PlatformRequest ConsulMaintenancePath(string encodedId, string reason) =>
        new(PlatformTarget.Consul, "PUT", "/v1/agent/service/maintenance/" + encodedId + "?enable=true&reason=" + Uri.EscapeDataString(reason), null, "Consul maintenance on " + Uri.UnescapeDataString(encodedId))
        {
            AlsoSuccessful = NotFound,
        };

    public static IReadOnlyList<PlatformRequest> UnregisterInstance(string service, string instanceId)
    {
        PlatformNames.Require(service, nameof(service));
        PlatformNames.Require(instanceId, nameof(instanceId));
        var consulId = ConsulInstanceId(service, instanceId);
        return new[]
        {
            Gone(PlatformTarget.Vulcand, "DELETE", "/v2/backends/" + PlatformPath.Segment(service) + "/servers/" + PlatformPath.Segment(instanceId), $"Vulcand server {instanceId} of {service}"),
            Gone(PlatformTarget.Consul, "PUT", "/v1/agent/service/deregister/" + PlatformPath.Segment(consulId), $"Consul instance {consulId}"),
        };
    }

    private static PlatformRequest Gone(PlatformTarget target, string method, string path, string description) =>
        new(target, method, path, null, description) { AlsoSuccessful = NotFound };

    // Insertion order is the wire order (a Dictionary that is only added to enumerates in insertion order).
    private static Dictionary<string, string> Meta(string owner, string role, (string Key, string Value) extra) => new(StringComparer.Ordinal)
    {
        [PlatformOwnership.MetaKey] = PlatformOwnership.MetaValue,
        [PlatformOwnership.OwnerKey] = owner,
        [PlatformOwnership.RoleKey] = role,
        [extra.Key] = extra.Value,
    };

    private static string Json(object body) => PlatformJson.Serialize(body);
}
