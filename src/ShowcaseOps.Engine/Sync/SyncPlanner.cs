using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ShowcaseOps.Core.Platform;

namespace ShowcaseOps.Core.Sync;

/// <summary>
/// The pure part of the sync: desired services and instances (from one Marathon snapshot) against what ShowcaseOps owns
/// in Consul, Vulcand and Kong (one platform snapshot) → the changes, each with its idempotent requests. No I/O, no
/// clock, no randomness: the same inputs always give the same plan, in the same order.
/// <para>
/// Ownership (docs/sync.md): Sync updates and removes only what Sync made — Consul Meta <c>showcase-owner=sync</c>, Kong
/// tag <c>showcaseops-sync</c>; Vulcand objects go with the service they are named after. Services made by
/// Register-ShowcaseService (<c>cmdlet</c>) or Register-ShowcaseGateway (<c>gateway</c>), and their instances, are never
/// touched, even when an exposed app has their name. Entries marked only <c>showcaseops</c> (made before owners were
/// marked) are adopted when an exposed app wants them and otherwise left alone; unmarked entries are left alone.
/// </para>
/// </summary>
public static class SyncPlanner
{
    internal const int PhaseRemoveInstances = 0;
    internal const int PhaseRemoveKong = 1;
    internal const int PhaseRemoveVulcand = 2;
    internal const int PhaseRemoveConsul = 3;
    internal const int PhaseAddVulcand = 4;
    internal const int PhaseAddKong = 5;
    internal const int PhaseAddConsul = 6;
    internal const int PhaseAddInstances = 7;
    private static readonly int[] NotFound = { 404 };

    /// <param name="desired">What Marathon wants (<see cref="SyncDesiredState.FromApps"/>).</param>
    /// <param name="actual">What the platform holds (a complete <see cref="PlatformState"/>).</param>
    /// <param name="domain">The cluster's service domain (host names are <c>&lt;service&gt;.&lt;domain&gt;</c>).</param>
    /// <param name="inScope">Which service names this sync may touch (null: all). Services out of scope are neither added nor removed.</param>
    public static SyncPlan Plan(SyncDesiredState desired, PlatformState actual, string domain, Func<string, bool>? inScope = null)
    {
        if (desired is null)
        {
            throw new ArgumentNullException(nameof(desired));
        }

        if (actual is null)
        {
            throw new ArgumentNullException(nameof(actual));
        }

        if (!actual.IsComplete)
        {
            throw new ArgumentException("The platform state is incomplete (a read failed): planning on it could remove what was only not read.", nameof(actual));
        }

        inScope ??= _ => true;
        var changes = new List<SyncChange>();
        var notes = new List<string>(desired.Notes);
        var actualByName = actual.Services.ToDictionary(s => s.Name, StringComparer.Ordinal);
        var wanted = desired.Services.Where(s => inScope(s.Name)).ToArray();
        var wantedNames = new HashSet<string>(wanted.Select(s => s.Name), StringComparer.Ordinal);

        foreach (var service in wanted)
        {
            actualByName.TryGetValue(service.Name, out var state);
            PlanWanted(service, state, domain, actual, changes, notes);
        }

        foreach (var state in actual.Services.Where(s => !wantedNames.Contains(s.Name) && inScope(s.Name) && SyncOwns(s)))
        {
            PlanRemoval(state, domain, actual, changes);
        }

        var ordered = changes
            .OrderBy(c => c.Service, StringComparer.Ordinal)
            .ThenBy(c => c.Phase)
            .ThenBy(c => c.Target)
            .ThenBy(c => c.InstanceId ?? string.Empty, StringComparer.Ordinal)
            .ToArray();
        return new SyncPlan(ordered, notes, wanted.Length, wanted.Sum(s => s.Instances.Count));
    }

    /// <summary>Owned: a marked Consul entry or Kong entity for the service, or a marked Consul entry of one of its instances (an orphan).</summary>
    public static bool IsOwned(PlatformServiceState state) =>
        state is not null && (state.IsOwned || state.Instances.Any(i => i.IsOwned));

    /// <summary>
    /// Sync's to update and remove: the service is marked <c>sync</c>, or it has no service entry of ShowcaseOps's and only
    /// orphaned instance entries that Sync made.
    /// </summary>
    public static bool SyncOwns(PlatformServiceState state) =>
        state is not null && (state.Owner == PlatformOwnership.SyncOwner
            || (state.Owner is null && state.Instances.Any(i => i.Owner == PlatformOwnership.SyncOwner)));

    private static void PlanWanted(SyncDesiredService service, PlatformServiceState? state, string domain, PlatformState actual, List<SyncChange> changes, List<string> notes)
    {
        var name = service.Name;
        var spec = new PlatformServiceSpec(name, domain, service.ServicePort);
        IReadOnlyList<PlatformRequest>? built = null;
        IReadOnlyList<PlatformRequest> Registration() => built ??= ServiceRegistrationPlan.RegisterService(spec, PlatformOwnership.SyncOwner); // only when a change needs it
        if (state?.Owner is PlatformOwnership.CmdletOwner or PlatformOwnership.GatewayOwner)
        {
            notes.Add($"Service '{name}' is exposed by {service.AppId} but was registered by {(state.Owner == PlatformOwnership.GatewayOwner ? "Register-ShowcaseGateway" : "Register-ShowcaseService")}; Sync leaves it and its instances alone.");
            return;
        }

        if (state is not null && !IsOwned(state) && (state.Consul is not null || state.KongService is not null || state.KongRoute is not null))
        {
            notes.Add($"Service '{name}' is exposed by {service.AppId} but its name is taken by entries ShowcaseOps does not own (in {string.Join(", ", state.RegisteredIn)}); left alone.");
            return;
        }

        PlanVulcand(service, spec, state, actual, Registration, changes);
        PlanKong(spec, state, Registration, changes, notes);
        PlanConsul(service, spec, state, Registration, changes, notes);
        PlanInstances(service, state, actual, changes, notes);
    }

    /// <summary>Vulcand: the four parts (backend, host, frontend, listener); no ownership mark, matched by name.</summary>
    private static void PlanVulcand(SyncDesiredService service, PlatformServiceSpec spec, PlatformServiceState? state, PlatformState actual, Func<IReadOnlyList<PlatformRequest>> registration, List<SyncChange> changes)
    {
        var name = service.Name;
        var vulcandRequests = new List<PlatformRequest>();
        var vulcandDetail = new List<string>();
        if (state?.VulcandBackend is not { } backend)
        {
            vulcandRequests.Add(Pick(registration(), PlatformTarget.Vulcand, "/v2/backends"));
            vulcandDetail.Add("missing backend");
        }
        else if (!string.Equals(backend.Type, "http", StringComparison.Ordinal))
        {
            vulcandRequests.Add(Pick(registration(), PlatformTarget.Vulcand, "/v2/backends"));
            vulcandDetail.Add($"backend type {Show(backend.Type)} → http");
        }

        var oldHost = state?.VulcandHost;
        if (oldHost != spec.HostName)
        {
            // The service's host under this domain may exist even when the state saw another one.
            if (!actual.VulcandHosts.Contains(spec.HostName))
            {
                vulcandRequests.Add(Pick(registration(), PlatformTarget.Vulcand, "/v2/hosts"));
                vulcandDetail.Add(oldHost is null ? "missing host " + spec.HostName : $"host {oldHost} → {spec.HostName}");
            }

            if (oldHost is not null && state is not null && (SyncOwns(state) || state.Owner == PlatformOwnership.LegacyOwner))
            {
                vulcandRequests.Add(Gone(PlatformTarget.Vulcand, "DELETE", "/v2/hosts/" + PlatformPath.Segment(oldHost), $"Vulcand host {oldHost}"));
            }
        }

        var route = ServiceRegistrationPlan.VulcandRoute(spec.HostName);
        if (state?.VulcandFrontend is not { } frontend)
        {
            vulcandRequests.Add(Pick(registration(), PlatformTarget.Vulcand, "/v2/frontends"));
            vulcandDetail.Add("missing frontend");
        }
        else if (frontend.Route != route || frontend.BackendId != name)
        {
            vulcandRequests.Add(Pick(registration(), PlatformTarget.Vulcand, "/v2/frontends"));
            vulcandDetail.Add(frontend.Route != route ? $"frontend route {Show(frontend.Route)} → {route}" : $"frontend backend {Show(frontend.BackendId)} → {name}");
        }

        var listenAddress = "0.0.0.0:" + service.ServicePort.ToString(CultureInfo.InvariantCulture);
        if (state?.VulcandListener is not { } listener)
        {
            vulcandRequests.Add(Pick(registration(), PlatformTarget.Vulcand, "/v2/listeners"));
            vulcandDetail.Add("missing listener on port " + service.ServicePort.ToString(CultureInfo.InvariantCulture));
        }
        else if (listener.Address != listenAddress || !string.Equals(listener.Protocol, "http", StringComparison.Ordinal))
        {
            vulcandRequests.Add(Pick(registration(), PlatformTarget.Vulcand, "/v2/listeners"));
            vulcandDetail.Add($"listener {Show(listener.Protocol)} {Show(listener.Address)} → http {listenAddress}");
        }

        if (vulcandRequests.Count > 0)
        {
            var nothingThere = state is null || (state.VulcandBackend is null && state.VulcandHost is null && state.VulcandFrontend is null && state.VulcandListener is null);
            var action = nothingThere ? SyncAction.Add : SyncAction.Update;
            var detail = nothingThere ? $"backend, host {spec.HostName}, frontend, listener on port {service.ServicePort.ToString(CultureInfo.InvariantCulture)}" : string.Join("; ", vulcandDetail);
            changes.Add(new SyncChange(name, null, PlatformTarget.Vulcand, action, detail, PhaseAddVulcand, vulcandRequests));
        }
    }

    /// <summary>Kong: service then route (PUT upserts).</summary>
    private static void PlanKong(PlatformServiceSpec spec, PlatformServiceState? state, Func<IReadOnlyList<PlatformRequest>> registration, List<SyncChange> changes, List<string> notes)
    {
        var name = spec.Name;
        var kongRequests = new List<PlatformRequest>();
        var kongDetail = new List<string>();
        var upstream = ServiceRegistrationPlan.KongUpstream(spec);
        var kongSkipped = false;
        if (state?.KongService is { IsOwned: false } || state?.KongRoute is { IsOwned: false })
        {
            notes.Add($"Kong has a service or route '{name}' that ShowcaseOps does not own; left alone.");
            kongSkipped = true;
        }
        else
        {
            if (state?.KongService is not { } kongService)
            {
                kongRequests.Add(Pick(registration(), PlatformTarget.Kong, "/services/", route: false));
                kongDetail.Add("service");
            }
            else
            {
                var actualUrl = string.Format(CultureInfo.InvariantCulture, "{0}://{1}:{2}{3}", kongService.Protocol, kongService.Host, kongService.Port, kongService.Path ?? string.Empty);
                if (actualUrl != upstream)
                {
                    kongRequests.Add(Pick(registration(), PlatformTarget.Kong, "/services/", route: false));
                    kongDetail.Add($"service url {actualUrl} → {upstream}");
                }
                else if (kongService.Owner != PlatformOwnership.SyncOwner)
                {
                    kongRequests.Add(Pick(registration(), PlatformTarget.Kong, "/services/", route: false));
                    kongDetail.Add("service tags → " + PlatformOwnership.OwnerTag(PlatformOwnership.SyncOwner));
                }
            }

            if (state?.KongRoute is not { } kongRoute)
            {
                kongRequests.Add(Pick(registration(), PlatformTarget.Kong, "/services/", route: true));
                kongDetail.Add("route");
            }
            else
            {
                var drift = RouteDrift(kongRoute, spec);
                if (kongRoute.Owner != PlatformOwnership.SyncOwner)
                {
                    drift.Add("tags → " + PlatformOwnership.OwnerTag(PlatformOwnership.SyncOwner));
                }

                if (drift.Count > 0)
                {
                    kongRequests.Add(Pick(registration(), PlatformTarget.Kong, "/services/", route: true));
                    kongDetail.Add("route " + string.Join(", ", drift));
                }
            }
        }

        if (!kongSkipped && kongRequests.Count > 0)
        {
            var isNew = state?.KongService is null && state?.KongRoute is null;
            changes.Add(new SyncChange(name, null, PlatformTarget.Kong, isNew ? SyncAction.Add : SyncAction.Update, isNew ? $"service → {upstream}, route {spec.HostName}" : string.Join("; ", kongDetail), PhaseAddKong, kongRequests));
        }
    }

    /// <summary>What differs between the Kong route and the one the plan writes (empty when nothing does).</summary>
    private static List<string> RouteDrift(KongRouteRecord kongRoute, PlatformServiceSpec spec)
    {
        var name = spec.Name;
        var drift = new List<string>();
        if (kongRoute.Hosts.Count != 1 || kongRoute.Hosts[0] != spec.HostName)
        {
            drift.Add($"hosts [{string.Join(", ", kongRoute.Hosts)}] → [{spec.HostName}]");
        }

        if (!kongRoute.PreserveHost)
        {
            drift.Add("preserve_host false → true");
        }

        if (kongRoute.StripPath)
        {
            drift.Add("strip_path true → false");
        }

        if (!kongRoute.Protocols.SequenceEqual(Platform.Wire.KongProtocols.HttpsOnly) || kongRoute.HttpsRedirectStatusCode != Platform.Wire.KongProtocols.HttpsRedirect)
        {
            drift.Add($"protocols [{string.Join(", ", kongRoute.Protocols)}] → [https] (http redirected {Platform.Wire.KongProtocols.HttpsRedirect})");
        }

        if (kongRoute.Paths.Count > 0)
        {
            drift.Add($"paths [{string.Join(", ", kongRoute.Paths)}] → []");
        }

        if (kongRoute.ServiceName != name)
        {
            drift.Add($"service {Show(kongRoute.ServiceName)} → {name}");
        }

        return drift;
    }

    /// <summary>Consul: the service's own entry.</summary>
    private static void PlanConsul(SyncDesiredService service, PlatformServiceSpec spec, PlatformServiceState? state, Func<IReadOnlyList<PlatformRequest>> registration, List<SyncChange> changes, List<string> notes)
    {
        var name = service.Name;
        var domain = spec.Domain;
        if (state?.Consul is { IsOwned: false })
        {
            notes.Add($"Consul has an entry '{state.Consul.Id}' that ShowcaseOps does not own; left alone.");
        }
        else
        {
            var consulRequest = Pick(registration(), PlatformTarget.Consul, "/v1/agent/service/register");
            var address = "vulcand." + domain;
            if (state?.Consul is not { } consul)
            {
                changes.Add(new SyncChange(name, null, PlatformTarget.Consul, SyncAction.Add, $"{address}:{service.ServicePort.ToString(CultureInfo.InvariantCulture)}", PhaseAddConsul, new[] { consulRequest }));
            }
            else
            {
                var drift = new List<string>();
                if (consul.Address != address || consul.Port != service.ServicePort)
                {
                    drift.Add($"{consul.Address}:{consul.Port.ToString(CultureInfo.InvariantCulture)} → {address}:{service.ServicePort.ToString(CultureInfo.InvariantCulture)}");
                }

                if (consul.Name != name || consul.Role != PlatformOwnership.ServiceRole || !consul.Tags.Contains(PlatformOwnership.Tag)
                    || !consul.Meta.TryGetValue(PlatformOwnership.DomainKey, out var metaDomain) || metaDomain != domain
                    || !consul.Meta.TryGetValue(PlatformOwnership.MetaKey, out var by) || by != PlatformOwnership.MetaValue
                    || consul.Owner != PlatformOwnership.SyncOwner)
                {
                    drift.Add("name, tags or meta");
                }

                if (drift.Count > 0)
                {
                    changes.Add(new SyncChange(name, null, PlatformTarget.Consul, SyncAction.Update, string.Join("; ", drift), PhaseAddConsul, new[] { consulRequest }));
                }
            }
        }
    }

    private static void PlanInstances(SyncDesiredService service, PlatformServiceState? state, PlatformState actual, List<SyncChange> changes, List<string> notes)
    {
        var name = service.Name;
        var serversKnown = !actual.UnreadServerLists.Contains(name);
        if (!serversKnown)
        {
            notes.Add($"The servers of Vulcand backend '{name}' were not read; its instances in Vulcand are left as they are.");
        }

        var existing = (state?.Instances ?? Array.Empty<PlatformInstanceState>()).ToDictionary(i => i.InstanceId, StringComparer.Ordinal);
        var wantedIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var instance in service.Instances)
        {
            wantedIds.Add(instance.InstanceId);
            var spec = new PlatformInstanceSpec(name, instance.InstanceId, instance.Address, instance.Port, instance.CheckPath, instance.CheckPort);
            IReadOnlyList<PlatformRequest>? built = null;
            IReadOnlyList<PlatformRequest> Register() => built ??= ServiceRegistrationPlan.RegisterInstance(spec, PlatformOwnership.SyncOwner); // only when a change needs it
            existing.TryGetValue(instance.InstanceId, out var current);
            var endpoint = string.Format(CultureInfo.InvariantCulture, "{0}:{1}", instance.Address, instance.Port);

            if (serversKnown)
            {
                if (current?.VulcandServer is not { } server)
                {
                    changes.Add(new SyncChange(name, instance.InstanceId, PlatformTarget.Vulcand, SyncAction.Add, "server " + spec.Url, PhaseAddInstances, new[] { Pick(Register(), PlatformTarget.Vulcand, "/servers") }));
                }
                else if (server.Url != spec.Url)
                {
                    changes.Add(new SyncChange(name, instance.InstanceId, PlatformTarget.Vulcand, SyncAction.Update, $"server {server.Url} → {spec.Url}", PhaseAddInstances, new[] { Pick(Register(), PlatformTarget.Vulcand, "/servers") }));
                }
            }

            var consulId = ServiceRegistrationPlan.ConsulInstanceId(name, instance.InstanceId);
            if (current?.Consul is not { } consul)
            {
                changes.Add(new SyncChange(name, instance.InstanceId, PlatformTarget.Consul, SyncAction.Add, endpoint, PhaseAddInstances, new[] { Pick(Register(), PlatformTarget.Consul, "/v1/agent/service/register") }));
            }
            else if (!consul.IsOwned)
            {
                notes.Add($"Consul has an entry '{consul.Id}' that ShowcaseOps does not own; left alone.");
            }
            else if (consul.Address != instance.Address || consul.Port != instance.Port || consul.Id != consulId || consul.Name != name
                || !consul.Meta.TryGetValue(PlatformOwnership.CheckKey, out var check) || check != spec.CheckMark)
            {
                var requests = new List<PlatformRequest> { Pick(Register(), PlatformTarget.Consul, "/v1/agent/service/register") };
                if (consul.Id != consulId)
                {
                    requests.Insert(0, ConsulDeregister(consul.Id, $"Consul instance {consul.Id}"));
                }

                changes.Add(new SyncChange(name, instance.InstanceId, PlatformTarget.Consul, SyncAction.Update, $"{consul.Address}:{consul.Port.ToString(CultureInfo.InvariantCulture)} → {endpoint}", PhaseAddInstances, requests));
            }
        }

        foreach (var current in existing.Values.Where(i => !wantedIds.Contains(i.InstanceId)))
        {
            PlanInstanceRemoval(name, current, serversKnown, changes);
        }
    }

    private static void PlanRemoval(PlatformServiceState state, string domain, PlatformState actual, List<SyncChange> changes)
    {
        var name = state.Name;
        var segment = PlatformPath.Segment(name);
        var serversKnown = !actual.UnreadServerLists.Contains(name);
        foreach (var instance in state.Instances)
        {
            PlanInstanceRemoval(name, instance, serversKnown, changes);
        }

        var kong = new List<PlatformRequest>();
        if (state.KongRoute is { IsOwned: true })
        {
            kong.Add(Gone(PlatformTarget.Kong, "DELETE", "/routes/" + segment, $"Kong route {name}"));
        }

        if (state.KongService is { IsOwned: true })
        {
            kong.Add(Gone(PlatformTarget.Kong, "DELETE", "/services/" + segment, $"Kong service {name}"));
        }

        if (kong.Count > 0)
        {
            changes.Add(new SyncChange(name, null, PlatformTarget.Kong, SyncAction.Remove, kong.Count == 2 ? "route and service" : state.KongRoute is { IsOwned: true } ? "route" : "service", PhaseRemoveKong, kong));
        }

        var vulcand = new List<PlatformRequest>();
        var parts = new List<string>();
        if (state.VulcandFrontend is not null)
        {
            vulcand.Add(Gone(PlatformTarget.Vulcand, "DELETE", "/v2/frontends/" + segment, $"Vulcand frontend {name}"));
            parts.Add("frontend");
        }

        if (state.VulcandBackend is not null)
        {
            vulcand.Add(Gone(PlatformTarget.Vulcand, "DELETE", "/v2/backends/" + segment, $"Vulcand backend {name}"));
            parts.Add("backend");
        }

        if (state.VulcandListener is not null)
        {
            vulcand.Add(Gone(PlatformTarget.Vulcand, "DELETE", "/v2/listeners/" + segment, $"Vulcand listener {name}"));
            parts.Add("listener");
        }

        var host = state.VulcandHost ?? (actual.VulcandHosts.Contains(name + "." + domain) ? name + "." + domain : null);
        if (host is not null)
        {
            vulcand.Add(Gone(PlatformTarget.Vulcand, "DELETE", "/v2/hosts/" + PlatformPath.Segment(host), $"Vulcand host {host}"));
            parts.Add("host " + host);
        }

        if (vulcand.Count > 0)
        {
            changes.Add(new SyncChange(name, null, PlatformTarget.Vulcand, SyncAction.Remove, string.Join(", ", parts), PhaseRemoveVulcand, vulcand));
        }

        if (state.Consul is { IsOwned: true } consul)
        {
            changes.Add(new SyncChange(name, null, PlatformTarget.Consul, SyncAction.Remove, "entry " + consul.Id, PhaseRemoveConsul, new[] { ConsulDeregister(consul.Id, $"Consul service {consul.Id}") }));
        }
    }

    private static void PlanInstanceRemoval(string service, PlatformInstanceState instance, bool serversKnown, List<SyncChange> changes)
    {
        if (serversKnown && instance.VulcandServer is { } server)
        {
            changes.Add(new SyncChange(service, instance.InstanceId, PlatformTarget.Vulcand, SyncAction.Remove, "server " + server.Url, PhaseRemoveInstances, new[]
            {
                Gone(PlatformTarget.Vulcand, "DELETE", "/v2/backends/" + PlatformPath.Segment(service) + "/servers/" + PlatformPath.Segment(server.Id), $"Vulcand server {server.Id} of {service}"),
            }));
        }

        if (instance.Consul is { IsOwned: true } consul)
        {
            changes.Add(new SyncChange(service, instance.InstanceId, PlatformTarget.Consul, SyncAction.Remove, string.Format(CultureInfo.InvariantCulture, "entry {0} ({1}:{2})", consul.Id, consul.Address, consul.Port), PhaseRemoveInstances, new[]
            {
                ConsulDeregister(consul.Id, $"Consul instance {consul.Id}"),
            }));
        }
    }

    private static PlatformRequest ConsulDeregister(string id, string description) =>
        Gone(PlatformTarget.Consul, "PUT", "/v1/agent/service/deregister/" + PlatformPath.Segment(id), description);

    private static PlatformRequest Gone(PlatformTarget target, string method, string path, string description) =>
        new(target, method, path, null, description) { AlsoSuccessful = NotFound };

    // Picks one request of a registration plan by target and path, so the sync sends exactly the calls
    // Register-ShowcaseService would (same bodies, same ownership marks) — only the ones needed.
    private static PlatformRequest Pick(IReadOnlyList<PlatformRequest> plan, PlatformTarget target, string path, bool? route = null)
    {
        foreach (var request in plan)
        {
            if (request.Target != target)
            {
                continue;
            }

            var matches = path.StartsWith("/v2/", StringComparison.Ordinal) || path.StartsWith("/v1/", StringComparison.Ordinal)
                ? request.PathAndQuery == path
                : request.PathAndQuery.Contains(path);
            if (matches && (route is null || request.PathAndQuery.Contains("/routes/") == route.Value))
            {
                return request;
            }
        }

        throw new InvalidOperationException($"The registration plan has no {target} request for '{path}'.");
    }

    private static string Show(string? value) => string.IsNullOrEmpty(value) ? "(none)" : value!;
}
