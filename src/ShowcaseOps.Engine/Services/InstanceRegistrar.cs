using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using ShowcaseOps.Core.Execution;
using ShowcaseOps.Core.Platform;
using ShowcaseOps.Core.Text;
using ShowcaseOps.Core.Net;

namespace ShowcaseOps.Core.Services;

/// <summary>
/// Registers or unregisters many instances in two platform round trips, whatever their number: one read batch (Consul's
/// agent services and the servers of each service's Vulcand backend), then one write batch holding only what differs.
/// Running it twice therefore sends no write the second time. A failure touches only the instances it concerns.
/// </summary>
public static class InstanceRegistrar
{
    public static async Task<IReadOnlyList<InstanceOutcome>> RegisterAsync(IPlatformChannel channel, IReadOnlyList<PlatformInstanceSpec> instances, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        if (channel is null)
        {
            throw new ArgumentNullException(nameof(channel));
        }

        reporter ??= NullReporter.Instance;
        var wanted = Dedupe(instances ?? throw new ArgumentNullException(nameof(instances)), i => (i.Service, i.InstanceId));
        var outcomes = wanted.Select(i => new InstanceOutcome(i.Service, i.InstanceId, i.Address, i.Port)).ToArray();
        if (outcomes.Length == 0)
        {
            return outcomes;
        }

        var current = await ReadAsync(channel, wanted.Select(i => i.Service), reporter, cancellationToken).ConfigureAwait(false);
        var writes = new List<(PlatformRequest Request, int Owner, PlatformTarget Part)>();
        for (var n = 0; n < wanted.Count; n++)
        {
            var spec = wanted[n];
            var outcome = outcomes[n];
            if (current.ServiceProblem(spec.Service) is { } problem)
            {
                outcome.Error = problem(spec.Service + "/" + spec.InstanceId);
                continue;
            }

            var plan = ServiceRegistrationPlan.RegisterInstance(spec);
            var server = current.Server(spec.Service, spec.InstanceId);
            if (server is not null && server.Url == spec.Url)
            {
                outcome.InVulcand = true;
            }
            else
            {
                writes.Add((plan[0], n, PlatformTarget.Vulcand));
            }

            var consul = current.Consul(ServiceRegistrationPlan.ConsulInstanceId(spec.Service, spec.InstanceId));
            if (consul is not null && consul.Name == spec.Service && consul.Address == spec.Address && consul.Port == spec.Port && consul.IsOwned
                && consul.Role == PlatformOwnership.InstanceRole && consul.Meta.TryGetValue(PlatformOwnership.InstanceKey, out var id) && id == spec.InstanceId
                && consul.Meta.TryGetValue(PlatformOwnership.CheckKey, out var check) && check == spec.CheckMark)
            {
                outcome.InConsul = true;
            }
            else
            {
                writes.Add((plan[1], n, PlatformTarget.Consul));
            }
        }

        await WriteAsync(channel, writes, outcomes, registering: true, reporter, cancellationToken).ConfigureAwait(false);
        return outcomes;
    }

    public static Task<IReadOnlyList<InstanceOutcome>> UnregisterAsync(IPlatformChannel channel, IReadOnlyList<InstanceKey> instances, IOperationReporter reporter, CancellationToken cancellationToken) =>
        UnregisterAsync(channel, instances, TimeSpan.Zero, reporter, cancellationToken);

    /// <summary>
    /// Unregisters instances, draining them first when <paramref name="drain"/> is positive: one batch takes them out of
    /// Vulcand and puts their Consul entries in maintenance mode (DNS stops answering with them), then after the grace
    /// period a second batch deregisters them from Consul. With no drain, one write batch does all.
    /// </summary>
    public static async Task<IReadOnlyList<InstanceOutcome>> UnregisterAsync(IPlatformChannel channel, IReadOnlyList<InstanceKey> instances, TimeSpan drain, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        if (channel is null)
        {
            throw new ArgumentNullException(nameof(channel));
        }

        reporter ??= NullReporter.Instance;
        var wanted = Dedupe(instances ?? throw new ArgumentNullException(nameof(instances)), i => (i.Service, i.InstanceId));
        var outcomes = wanted.Select(i => new InstanceOutcome(i.Service, i.InstanceId, null, null)).ToArray();
        if (outcomes.Length == 0)
        {
            return outcomes;
        }

        var current = await ReadAsync(channel, wanted.Select(i => i.Service), reporter, cancellationToken).ConfigureAwait(false);
        var writes = new List<(PlatformRequest Request, int Owner, PlatformTarget Part)>();
        for (var n = 0; n < wanted.Count; n++)
        {
            var key = wanted[n];
            var outcome = outcomes[n];
            var plan = ServiceRegistrationPlan.UnregisterInstance(key.Service, key.InstanceId);
            var server = current.Server(key.Service, key.InstanceId);
            if (server is not null)
            {
                writes.Add((plan[0], n, PlatformTarget.Vulcand));
                outcome.InVulcand = true;
                if (HttpUrl.TryParseHostPort(server.Url, out var host, out var port))
                {
                    outcome.Address = host;
                    outcome.Port = port;
                }
            }

            var consul = current.Consul(ServiceRegistrationPlan.ConsulInstanceId(key.Service, key.InstanceId));
            if (consul is not null)
            {
                writes.Add((plan[1], n, PlatformTarget.Consul));
                outcome.InConsul = true;
                outcome.Address = consul.Address;
                outcome.Port = consul.Port;
            }
        }

        if (drain > TimeSpan.Zero && writes.Count > 0)
        {
            await DrainAsync(channel, writes, outcomes, drain, reporter, cancellationToken).ConfigureAwait(false);
            writes = writes.Where(w => w.Part == PlatformTarget.Consul).ToList();
        }

        await WriteAsync(channel, writes, outcomes, registering: false, reporter, cancellationToken).ConfigureAwait(false);
        return outcomes;
    }

    /// <summary>The reason shown in Consul for an instance being drained.</summary>
    public const string DrainReason = "showcaseops: draining before removal";

    /// <summary>Out of Vulcand and into Consul maintenance (one batch), then the grace period.</summary>
    private static async Task DrainAsync(IPlatformChannel channel, List<(PlatformRequest Request, int Owner, PlatformTarget Part)> writes, InstanceOutcome[] outcomes, TimeSpan drain, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var vulcand = writes.Where(w => w.Part == PlatformTarget.Vulcand).ToList();
        var maintenance = writes.Where(w => w.Part == PlatformTarget.Consul)
            .Select(w => ServiceRegistrationPlan.ConsulMaintenance(ServiceRegistrationPlan.ConsulInstanceId(outcomes[w.Owner].Service, outcomes[w.Owner].InstanceId), DrainReason))
            .ToArray();
        reporter.Verbose($"Draining {writes.Select(w => w.Owner).Distinct().Count().ToString(CultureInfo.InvariantCulture)} instance(s): out of Vulcand, Consul maintenance on, then {drain.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s before they are deregistered.");
        await WriteAsync(channel, vulcand, outcomes, registering: false, reporter, cancellationToken).ConfigureAwait(false);
        if (maintenance.Length > 0)
        {
            var responses = await channel.SendAsync(maintenance, reporter, cancellationToken).ConfigureAwait(false);
            foreach (var failed in responses.Where(r => !r.Succeeded))
            {
                reporter.Warning($"{failed.Request.Description}: {failed.Status.ToString(CultureInfo.InvariantCulture)} {MessageText.ShortenBody(failed.Body)} (the entry is removed anyway after the grace period).");
            }
        }

        await Task.Delay(drain, cancellationToken).ConfigureAwait(false);
    }

    private static List<T> Dedupe<T>(IReadOnlyList<T> items, Func<T, (string, string)> key)
    {
        // The last item with a key wins (a pipeline that repeats an instance means its latest values), order kept.
        var last = new Dictionary<(string, string), int>();
        for (var i = 0; i < items.Count; i++)
        {
            last[key(items[i])] = i;
        }

        return items.Where((item, i) => last[key(item)] == i).ToList();
    }

    private static async Task WriteAsync(IPlatformChannel channel, List<(PlatformRequest Request, int Owner, PlatformTarget Part)> writes, InstanceOutcome[] outcomes, bool registering, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        if (writes.Count == 0)
        {
            reporter.Verbose("Every instance is already as wanted: nothing to send.");
            return;
        }

        reporter.Verbose($"Sending {writes.Count.ToString(CultureInfo.InvariantCulture)} write(s) for {writes.Select(w => w.Owner).Distinct().Count().ToString(CultureInfo.InvariantCulture)} instance(s) as one batch over {channel.Name}.");
        var responses = await channel.SendAsync(writes.Select(w => w.Request).ToArray(), reporter, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < writes.Count; i++)
        {
            var (request, owner, part) = writes[i];
            var outcome = outcomes[owner];
            outcome.Changed = true;
            var response = i < responses.Count ? responses[i] : null;
            if (response is not null && response.Succeeded)
            {
                if (part == PlatformTarget.Consul)
                {
                    outcome.InConsul = registering;
                }
                else
                {
                    outcome.InVulcand = registering;
                }

                continue;
            }

            var status = response?.Status ?? 0;
            var message = response is null ? "no response" : (status == 0 ? "no response: " : status.ToString(CultureInfo.InvariantCulture) + " ") + MessageText.ShortenBody(response.Body);
            var error = new ShowcaseException(
                registering ? ShowcaseErrors.ShowcaseInstanceRegistrationFailed : ShowcaseErrors.ShowcaseInstanceUnregistrationFailed,
                status == 0 ? ShowcaseErrorCategory.ConnectionError : ShowcaseErrorCategory.InvalidResult,
                outcome.Service + "/" + outcome.InstanceId,
                $"{request.Description}: {message}")
            {
                RecommendedAction = "Run the command again for this instance (it only sends what is missing); check the target's logs if it keeps failing.",
            };
            outcome.Error ??= error;
        }
    }

    private static async Task<InstanceView> ReadAsync(IPlatformChannel channel, IEnumerable<string> services, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var names = services.Distinct(StringComparer.Ordinal).OrderBy(s => s, StringComparer.Ordinal).ToArray();
        var batch = new List<PlatformRequest> { new(PlatformTarget.Consul, "GET", PlatformReadPlan.ConsulAgentServices, null, "Consul agent services") };
        // Vulcand answers 200 {"Servers":null} for the servers of a backend that does not exist, so the backend itself is
        // read too: a missing one refuses the service's instances before anything is written.
        foreach (var name in names)
        {
            batch.Add(PlatformReadPlan.VulcandBackend(name));
            batch.Add(PlatformReadPlan.VulcandServers(name));
        }

        reporter.Verbose($"Reading Consul and the Vulcand servers of {names.Length.ToString(CultureInfo.InvariantCulture)} service(s) as one batch over {channel.Name}.");
        var responses = await channel.SendAsync(batch, reporter, cancellationToken).ConfigureAwait(false);
        var view = new InstanceView();
        var consul = responses[0];
        if (!consul.Succeeded)
        {
            throw ReadFailed(consul);
        }

        try
        {
            view.AddConsul(JToken.Parse(consul.Body));
        }
        catch (JsonException ex)
        {
            throw new ShowcaseException(ShowcaseErrors.PlatformReadFailed, ShowcaseErrorCategory.InvalidResult, PlatformTarget.Consul, "Consul's agent services are not the JSON expected: " + ex.Message);
        }

        for (var i = 0; i < names.Length; i++)
        {
            var backend = responses[1 + (2 * i)];
            var response = backend.Succeeded ? responses[2 + (2 * i)] : backend;
            var service = names[i];
            if (backend.Status == 404)
            {
                view.SetProblem(service, target => new ShowcaseException(
                    ShowcaseErrors.ShowcaseServiceNotRegistered, target,
                    $"Service '{service}' has no Vulcand backend, so its instances have nowhere to go.")
                {
                    RecommendedAction = $"Register the service first: Register-ShowcaseService -Name {service} -ServicePort <port>.",
                });
                continue;
            }

            if (!response.Succeeded)
            {
                var failure = ReadFailed(response);
                view.SetProblem(service, target => new ShowcaseException(failure.Error, failure.Category, target, failure.Message) { RecommendedAction = failure.RecommendedAction });
                continue;
            }

            try
            {
                view.AddServers(service, JToken.Parse(response.Body));
            }
            catch (JsonException ex)
            {
                view.SetProblem(service, target => new ShowcaseException(ShowcaseErrors.PlatformReadFailed, ShowcaseErrorCategory.InvalidResult, target, $"Vulcand's servers of '{service}' are not the JSON expected: {ex.Message}"));
            }
        }

        return view;
    }

    private static ShowcaseException ReadFailed(PlatformResponse response) => new(
        ShowcaseErrors.PlatformReadFailed,
        response.Status == 0 ? ShowcaseErrorCategory.ConnectionError : ShowcaseErrorCategory.InvalidResult,
        response.Request.Target,
        $"Could not read {response.Request.Description} ({(response.Status == 0 ? "no response" : response.Status.ToString(CultureInfo.InvariantCulture))}): {MessageText.ShortenBody(response.Body)}")
    {
        RecommendedAction = "Check that Consul, Vulcand and Kong are running and reachable over the chosen channel, then try again.",
    };

    private sealed class InstanceView
    {
        private readonly Dictionary<string, ConsulServiceRecord> _consul = new(StringComparer.Ordinal);
        private readonly Dictionary<(string, string), VulcandServerRecord> _servers = new();
        private readonly Dictionary<string, Func<string, ShowcaseException>> _problems = new(StringComparer.Ordinal);

        public ConsulServiceRecord? Consul(string id) => _consul.TryGetValue(id, out var record) ? record : null;

        public VulcandServerRecord? Server(string service, string id) => _servers.TryGetValue((service, id), out var record) ? record : null;

        public Func<string, ShowcaseException>? ServiceProblem(string service) => _problems.TryGetValue(service, out var problem) ? problem : null;

        public void SetProblem(string service, Func<string, ShowcaseException> problem) => _problems[service] = problem;

        public void AddConsul(JToken json)
        {
            foreach (var record in PlatformStateReader.ParseConsul(json))
            {
                _consul[record.Id] = record;
            }
        }

        public void AddServers(string service, JToken json)
        {
            // Vulcand answers {"Servers": null} for an empty list.
            if (json is JObject obj && obj["Servers"] is JArray servers)
            {
                foreach (var server in servers.OfType<JObject>())
                {
                    var id = Str(server, "Id") ?? string.Empty;
                    _servers[(service, id)] = new VulcandServerRecord(service, id, Str(server, "URL") ?? string.Empty);
                }
            }
        }

        private static string? Str(JToken token, string key) => token[key] is JValue { Type: JTokenType.String } v ? (string?)v : null;
    }
}
