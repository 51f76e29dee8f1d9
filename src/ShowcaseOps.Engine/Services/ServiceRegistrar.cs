using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ShowcaseOps.Core.Execution;
using ShowcaseOps.Core.Platform;
using ShowcaseOps.Core.Platform.Wire;
using ShowcaseOps.Core.Text;

namespace ShowcaseOps.Core.Services;

/// <summary>
/// Registers and removes services idempotently: it reads the platform first (<see cref="PlatformStateReader"/>) and sends
/// only the parts of <see cref="ServiceRegistrationPlan"/> that are missing or differ, so a second run sends no write.
/// </summary>
public static class ServiceRegistrar
{
    /// <summary>The requests of <see cref="ServiceRegistrationPlan.RegisterService"/> that <paramref name="state"/> does not already satisfy.</summary>
    public static IReadOnlyList<PlatformRequest> MissingParts(PlatformServiceSpec spec, PlatformState state)
    {
        if (spec is null)
        {
            throw new ArgumentNullException(nameof(spec));
        }

        if (state is null)
        {
            throw new ArgumentNullException(nameof(state));
        }

        var service = state.Service(spec.Name);
        var upstreamHost = "vulcand." + spec.Domain;
        var listenOn = "0.0.0.0:" + spec.ServicePort.ToString(CultureInfo.InvariantCulture);
        var segment = PlatformPath.Segment(spec.Name);
        bool Satisfied(PlatformRequest request) => (request.Target, request.Method, request.PathAndQuery) switch
        {
            (PlatformTarget.Vulcand, "POST", "/v2/backends") => service?.VulcandBackend is { Type: "http" },
            (PlatformTarget.Vulcand, "POST", "/v2/hosts") => state.VulcandHosts.Contains(spec.HostName),
            (PlatformTarget.Vulcand, "POST", "/v2/frontends") => service?.VulcandFrontend is { } f
                && f.Route == ServiceRegistrationPlan.VulcandRoute(spec.HostName) && f.BackendId == spec.Name,
            (PlatformTarget.Vulcand, "POST", "/v2/listeners") => service?.VulcandListener is { } l && l.Address == listenOn && l.Protocol == "http",
            (PlatformTarget.Kong, "PUT", var p) when p == "/services/" + segment => service?.KongService is { } k
                && k.IsOwned && k.Protocol == "http" && k.Host == upstreamHost && k.Port == spec.ServicePort && k.Path is null,
            (PlatformTarget.Kong, "PUT", _) => service?.KongRoute is { } r
                && r.IsOwned && r.ServiceId == service.KongService?.Id && r.Hosts.SequenceEqual(new[] { spec.HostName })
                && r.Paths.Count == 0 && r.PreserveHost && !r.StripPath
                && r.Protocols.SequenceEqual(KongProtocols.HttpsOnly) && r.HttpsRedirectStatusCode == KongProtocols.HttpsRedirect,
            (PlatformTarget.Consul, _, _) => service?.Consul is { } c
                && c.Id == spec.Name && c.IsOwned && c.Role == PlatformOwnership.ServiceRole && c.Address == upstreamHost && c.Port == spec.ServicePort
                && c.Meta.TryGetValue(PlatformOwnership.DomainKey, out var domain) && domain == spec.Domain,
            _ => false,
        };

        return ServiceRegistrationPlan.RegisterService(spec).Where(r => !Satisfied(r)).ToArray();
    }

    public static Task<ServiceChangeResult> RegisterAsync(IPlatformChannel channel, PlatformServiceSpec spec, IOperationReporter reporter, CancellationToken cancellationToken) =>
        RegisterAsync(channel, spec, takeOver: false, reporter, cancellationToken);

    /// <summary>
    /// Registers <paramref name="spec"/>. A Kong service or route of that name made by someone else (no <c>showcaseops</c>
    /// tag) is refused (<c>ShowcaseServiceNotOwned</c>, nothing sent) unless <paramref name="takeOver"/>: then it is
    /// PATCHed with ShowcaseOps's fields only, so the user's own (timeouts, retries, their tags) stay.
    /// </summary>
    public static async Task<ServiceChangeResult> RegisterAsync(IPlatformChannel channel, PlatformServiceSpec spec, bool takeOver, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        reporter ??= NullReporter.Instance;
        var state = await ReadAsync(channel, spec.Name, reporter, cancellationToken).ConfigureAwait(false);
        var before = state.Service(spec.Name);
        var missing = MissingParts(spec, state);
        if (missing.Count == 0)
        {
            reporter.Verbose($"Service {spec.Name} is already registered as wanted in Consul, Vulcand and Kong: nothing to send.");
            return new ServiceChangeResult(before, before, missing);
        }

        var foreign = new[] { before?.KongService is { IsOwned: false } ? "Kong service" : null, before?.KongRoute is { IsOwned: false } ? "Kong route" : null }
            .Where(f => f is not null).ToArray();
        if (foreign.Length > 0 && !takeOver)
        {
            throw new ShowcaseException(
                ShowcaseErrors.ShowcaseServiceNotOwned,
                spec.Name,
                $"The {string.Join(" and the ", foreign)} '{spec.Name}' exist(s) and were not made by ShowcaseOps (no '{PlatformOwnership.Tag}' tag); nothing was changed.");
        }

        if (foreign.Length > 0)
        {
            reporter.Warning($"Taking over the {string.Join(" and the ", foreign)} '{spec.Name}' (-Force): only ShowcaseOps's fields are patched; their other settings and tags stay.");
            missing = TakeOver(missing, before!);
        }
        else if (before is not null && !before.IsOwned && before.InConsul)
        {
            reporter.Warning($"Service '{spec.Name}' exists in Consul but was not registered by ShowcaseOps; registering it marks it as owned.");
        }

        reporter.Verbose($"Registering {spec.Name}: {string.Join(", ", missing.Select(r => r.Description))}.");
        // The writes and the read that shows their result travel in one batch (one SSM command).
        var responses = new List<PlatformResponse>();
        var options = ReadOptions(spec.Name, missing, responses.Add);
        var afterState = await new PlatformStateReader(channel).ReadAsync(options, reporter, cancellationToken).ConfigureAwait(false);
        ThrowIfFailed(responses, spec.Name, ShowcaseErrors.ShowcaseServiceRegistrationFailed);
        afterState.ThrowIfIncomplete();
        return new ServiceChangeResult(before, afterState.Service(spec.Name), missing);
    }

    /// <summary>
    /// Removes a service and its instances in the order the APIs require. Nothing is sent when no target knows the
    /// service (already gone). <paramref name="defaultDomain"/> is used when the service's own domain is unknown.
    /// </summary>
    public static async Task<ServiceChangeResult> UnregisterAsync(IPlatformChannel channel, string name, string defaultDomain, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        reporter ??= NullReporter.Instance;
        var state = await ReadAsync(channel, name, reporter, cancellationToken).ConfigureAwait(false);
        var before = state.Service(name);
        if (before is null)
        {
            reporter.Verbose($"Service {name} is in none of Consul, Vulcand and Kong: nothing to remove.");
            return new ServiceChangeResult(null, null, Array.Empty<PlatformRequest>());
        }

        if (!before.IsOwned && (before.InConsul || before.KongService is not null))
        {
            reporter.Warning($"Service '{name}' was not registered by ShowcaseOps; removing it anyway as asked.");
        }

        var domain = before.Domain ?? defaultDomain;
        var plan = ServiceRegistrationPlan.UnregisterService(name, domain, before.Instances.Select(i => i.InstanceId));
        await SendAsync(channel, plan, name, ShowcaseErrors.ShowcaseServiceUnregistrationFailed, reporter, cancellationToken).ConfigureAwait(false);
        return new ServiceChangeResult(before, null, plan);
    }

    // The Kong PUTs of a foreign service or route become PATCHes that set only our fields and add our tags to theirs.
    private static PlatformRequest[] TakeOver(IReadOnlyList<PlatformRequest> requests, PlatformServiceState before)
    {
        return requests.Select(r =>
        {
            var existingTags = r.Target != PlatformTarget.Kong || r.Method != "PUT" ? null
                : r.PathAndQuery.Contains("/routes/", StringComparison.Ordinal) ? before.KongRoute is { IsOwned: false } route ? route.Tags : null
                : before.KongService is { IsOwned: false } service ? service.Tags : null;
            if (existingTags is null || r.JsonBody is null)
            {
                return r;
            }

            var body = Newtonsoft.Json.Linq.JObject.Parse(r.JsonBody);
            var ours = body["tags"] is Newtonsoft.Json.Linq.JArray tags ? tags.Select(t => (string?)t).OfType<string>() : Enumerable.Empty<string>();
            body["tags"] = new Newtonsoft.Json.Linq.JArray(existingTags.Concat(ours).Distinct(StringComparer.Ordinal).ToArray());
            if (r.PathAndQuery.Contains("/routes/", StringComparison.Ordinal))
            {
                // All paths go to the service, as a route ShowcaseOps makes: a path restriction would hide the service.
                body["paths"] = Newtonsoft.Json.Linq.JValue.CreateNull();
            }

            return new PlatformRequest(r.Target, "PATCH", r.PathAndQuery, body.ToString(Newtonsoft.Json.Formatting.None), r.Description + " (take over: PATCH)");
        }).ToArray();
    }

    // One round: the lists and the servers of this service's backend only (other services' instances do not matter here).
    private static PlatformReadOptions ReadOptions(string name, IReadOnlyList<PlatformRequest>? writesFirst = null, Action<PlatformResponse>? onWrite = null) => new()
    {
        FirstRoundRequests = writesFirst ?? Array.Empty<PlatformRequest>(),
        OnFirstRoundResponse = onWrite,
        PrefetchServersOf = new[] { name },
        ReadServersOf = (_, _) => false,
    };

    private static async Task<PlatformState> ReadAsync(IPlatformChannel channel, string name, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var state = await new PlatformStateReader(channel).ReadAsync(ReadOptions(name), reporter, cancellationToken).ConfigureAwait(false);
        state.ThrowIfIncomplete();
        return state;
    }

    private static async Task SendAsync(IPlatformChannel channel, IReadOnlyList<PlatformRequest> batch, string name, ShowcaseError error, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        ThrowIfFailed(await channel.SendAsync(batch, reporter, cancellationToken).ConfigureAwait(false), name, error);
    }

    private static void ThrowIfFailed(IReadOnlyList<PlatformResponse> responses, string name, ShowcaseError error)
    {
        var failed = responses.Where(r => !r.Succeeded).ToArray();
        if (failed.Length == 0)
        {
            return;
        }

        var first = failed[0];
        throw new ShowcaseException(
            error,
            first.Status == 0 ? ShowcaseErrorCategory.ConnectionError : first.Status == 409 ? ShowcaseErrorCategory.ResourceExists : ShowcaseErrorCategory.InvalidResult,
            name,
            $"{failed.Length.ToString(CultureInfo.InvariantCulture)} of {responses.Count.ToString(CultureInfo.InvariantCulture)} request(s) failed; first {first.Request.Description}: "
            + $"{(first.Status == 0 ? "no response" : first.Status.ToString(CultureInfo.InvariantCulture))} {MessageText.ShortenBody(first.Body)}")
        {
            RecommendedAction = "Run the command again: it sends only what is still missing. Get-ShowcaseService shows where the service is registered.",
        };
    }
}
