using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using ShowcaseOps.Core.Execution;
using ShowcaseOps.Core.Text;
using ShowcaseOps.Core.Net;

namespace ShowcaseOps.Core.Platform;

/// <summary>
/// Reads Consul, Vulcand and Kong through a channel and builds a <see cref="PlatformState"/>. Rounds, each one batch
/// (one SSM command on the SSM channel): the lists; then every backend's servers and the next Kong pages; then more
/// Kong pages while a page has a <c>next</c>. A failed read is recorded in <see cref="PlatformState.Problems"/>.
/// </summary>
public sealed class PlatformStateReader
{
    private const int MaxRounds = 200;
    private readonly IPlatformChannel _channel;
    private readonly int _kongPageSize;

    public PlatformStateReader(IPlatformChannel channel, int kongPageSize = 1000)
    {
        _channel = channel ?? throw new ArgumentNullException(nameof(channel));
        _kongPageSize = kongPageSize;
    }

    public Task<PlatformState> ReadAsync(IOperationReporter reporter, CancellationToken cancellationToken) =>
        ReadAsync(null, reporter, cancellationToken);

    /// <summary>
    /// Reads with <paramref name="options"/>: other requests carried in the first round (for example Marathon's apps, so
    /// desired and actual state come from one SSM command), backends whose servers are read in the first round, and which
    /// of the other backends' servers to read at all.
    /// </summary>
    public async Task<PlatformState> ReadAsync(PlatformReadOptions? options, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        reporter ??= NullReporter.Instance;
        options ??= PlatformReadOptions.Default;
        var prefetched = new HashSet<string>(options.PrefetchServersOf, StringComparer.Ordinal);
        var read = new ReadResults();
        var rounds = 0;
        var pending = options.FirstRoundRequests.Concat(PlatformReadPlan.Lists(_kongPageSize)).Concat(prefetched.OrderBy(b => b, StringComparer.Ordinal).Select(PlatformReadPlan.VulcandServers)).ToList();
        for (var round = 1; pending.Count > 0; round++)
        {
            rounds = round;
            if (round > MaxRounds)
            {
                read.Problems.Add(new PlatformReadProblem(PlatformTarget.Kong, "Kong pages", 0, $"Kong kept answering a next page after {MaxRounds} rounds; stopped reading."));
                break;
            }

            reporter.Verbose($"Reading the platform, round {round}: {pending.Count} request(s) over {_channel.Name}.");
            var responses = await _channel.SendAsync(pending, reporter, cancellationToken).ConfigureAwait(false);
            pending = new List<PlatformRequest>();
            var index = 0;
            foreach (var response in responses)
            {
                if (round == 1 && index++ < options.FirstRoundRequests.Count)
                {
                    options.OnFirstRoundResponse?.Invoke(response);
                }
                else if (!(round == 1 && IsMissingPrefetch(response, prefetched)))
                {
                    read.Absorb(response, pending);
                }
            }

            if (round == 1)
            {
                pending.AddRange(read.ServersToRead(prefetched, options.ReadServersOf));
            }
        }

        foreach (var problem in read.Problems)
        {
            reporter.Warning($"Could not read {problem.Target} ({problem.Description}): {(problem.Status == 0 ? "no response" : problem.Status.ToString(CultureInfo.InvariantCulture))} {problem.Message}");
        }

        var state = Build(read.Consul, read.Hosts, read.Backends, read.Servers, read.Frontends, read.Listeners, read.KongServices, read.KongRoutes, read.Problems);
        state.Rounds = rounds;
        state.UnreadServerLists = read.Unread;
        return state;
    }

    // A prefetched backend that does not exist: nothing to read, not a problem.
    private static bool IsMissingPrefetch(PlatformResponse response, HashSet<string> prefetched) =>
        response.Status == 404 && PlatformReadPlan.ServersBackend(response.Request) is { } id && prefetched.Contains(id);

    /// <summary>What the rounds have read so far, target by target.</summary>
    private sealed class ReadResults
    {
        private readonly List<string> _listedBackends = new();

        public List<PlatformReadProblem> Problems { get; } = new();

        public List<ConsulServiceRecord> Consul { get; } = new();

        public List<string> Hosts { get; } = new();

        public List<(string Id, string Type)> Backends { get; } = new();

        public List<VulcandServerRecord> Servers { get; } = new();

        public List<VulcandFrontendRecord> Frontends { get; } = new();

        public List<VulcandListenerRecord> Listeners { get; } = new();

        public List<JObject> KongServices { get; } = new();

        public List<JObject> KongRoutes { get; } = new();

        public List<string> Unread { get; } = new();

        /// <summary>Adds one answer (a Kong page with a <c>next</c> adds its next page to <paramref name="pending"/>).</summary>
        public void Absorb(PlatformResponse response, List<PlatformRequest> pending)
        {
            var request = response.Request;
            if (!response.Succeeded)
            {
                Problems.Add(new PlatformReadProblem(request.Target, request.Description, response.Status, MessageText.ShortenBody(response.Body)));
                return;
            }

            try
            {
                var json = Parse(response.Body);
                if (request.Target == PlatformTarget.Consul)
                {
                    Consul.AddRange(ParseConsul(json));
                }
                else if (request.Target == PlatformTarget.Vulcand)
                {
                    AbsorbVulcand(request, json);
                }
                else if (request.Target == PlatformTarget.Kong)
                {
                    AbsorbKong(request, json, pending);
                }
            }
            catch (JsonException ex)
            {
                Problems.Add(new PlatformReadProblem(request.Target, request.Description, response.Status, "The answer is not the JSON expected: " + ex.Message));
            }
        }

        /// <summary>After round one: the servers of every listed backend not read yet, unless the caller narrows it down.</summary>
        public List<PlatformRequest> ServersToRead(HashSet<string> prefetched, Func<string, bool, bool>? readServersOf)
        {
            var consulOwned = new HashSet<string>(Consul.Where(c => c.IsOwned).Select(c => c.Name), StringComparer.Ordinal);
            var toRead = new List<PlatformRequest>();
            foreach (var id in _listedBackends.Where(id => !prefetched.Contains(id)))
            {
                var owned = consulOwned.Contains(id) || KongServices.Concat(KongRoutes).Any(k => (string?)k["name"] == id && Strings(k["tags"]).Contains(PlatformOwnership.Tag));
                if (readServersOf is null || readServersOf(id, owned))
                {
                    toRead.Add(PlatformReadPlan.VulcandServers(id));
                }
                else
                {
                    Unread.Add(id);
                }
            }

            return toRead;
        }

        private void AbsorbVulcand(PlatformRequest request, JToken json)
        {
            switch (request.PathAndQuery)
            {
                case "/v2/hosts":
                    Hosts.AddRange(Items(json, "Hosts").Select(h => Str(h, "Name")).Where(n => n.Length > 0));
                    break;
                case "/v2/backends":
                    foreach (var b in Items(json, "Backends"))
                    {
                        Backends.Add((Str(b, "Id"), Str(b, "Type")));
                        _listedBackends.Add(Str(b, "Id"));
                    }

                    break;
                case "/v2/frontends":
                    Frontends.AddRange(Items(json, "Frontends").Select(f => new VulcandFrontendRecord(Str(f, "Id"), Str(f, "Route"), Str(f, "BackendId"))));
                    break;
                case "/v2/listeners":
                    Listeners.AddRange(Items(json, "Listeners").Select(l => new VulcandListenerRecord(Str(l, "Id"), Str(l, "Protocol"), l["Address"] is JObject a ? Str(a, "Address") : string.Empty)));
                    break;
                default:
                    var backendId = Uri.UnescapeDataString(request.PathAndQuery.Split('/')[3]);
                    Servers.AddRange(Items(json, "Servers").Select(v => new VulcandServerRecord(backendId, Str(v, "Id"), Str(v, "URL"))));
                    break;
            }
        }

        private void AbsorbKong(PlatformRequest request, JToken json, List<PlatformRequest> pending)
        {
            var isRoutes = request.PathAndQuery.StartsWith("/routes", StringComparison.Ordinal);
            (isRoutes ? KongRoutes : KongServices).AddRange(Items(json, "data").OfType<JObject>());
            if (json["next"] is JValue { Type: JTokenType.String } next && ((string)next!).StartsWith("/", StringComparison.Ordinal))
            {
                pending.Add(new PlatformRequest(PlatformTarget.Kong, "GET", (string)next!, null, isRoutes ? "Kong routes (next page)" : "Kong services (next page)"));
            }
        }
    }

    private static PlatformState Build(
        List<ConsulServiceRecord> consul,
        List<string> hosts,
        List<(string Id, string Type)> backendList,
        List<VulcandServerRecord> servers,
        List<VulcandFrontendRecord> frontends,
        List<VulcandListenerRecord> listeners,
        List<JObject> kongServiceJson,
        List<JObject> kongRouteJson,
        List<PlatformReadProblem> problems)
    {
        var backends = backendList
            .Select(b => new VulcandBackendRecord(b.Id, b.Type, servers.Where(v => v.BackendId == b.Id).ToArray()))
            .ToArray();
        var kongServices = kongServiceJson.Select(ToKongService).ToArray();
        var serviceNamesById = kongServices.ToDictionary(s => s.Id, s => s.Name, StringComparer.Ordinal);
        var kongRoutes = kongRouteJson.Select(r => ToKongRoute(r, serviceNamesById)).ToArray();

        var index = new ServiceIndex();
        AddConsul(index, consul);
        AddVulcand(index, backends, frontends, listeners);
        AddKong(index, kongServices, kongRoutes);
        var states = index.States;
        foreach (var state in states.Values)
        {
            var hostName = state.Domain is null ? hosts.FirstOrDefault(h => h.StartsWith(state.Name + ".", StringComparison.Ordinal)) : state.Name + "." + state.Domain;
            state.VulcandHost = hostName is not null && hosts.Contains(hostName) ? hostName : null;
            state.Instances = index.Instances.Where(i => i.Service == state.Name).OrderBy(i => i.InstanceId, StringComparer.Ordinal).ToArray();
        }

        return new PlatformState(states.Values.ToArray(), consul, hosts, backends, frontends, listeners, kongServices, kongRoutes, problems);
    }

    private static KongServiceRecord ToKongService(JObject s) =>
        new(Str(s, "id"), NullableStr(s, "name"), Str(s, "protocol"), Str(s, "host"), Int(s, "port") ?? 0, NullableStr(s, "path"), Strings(s["tags"]));

    private static KongRouteRecord ToKongRoute(JObject r, Dictionary<string, string?> serviceNamesById)
    {
        var serviceId = r["service"] is JObject reference ? NullableStr(reference, "id") : null;
        return new KongRouteRecord(
            Str(r, "id"), NullableStr(r, "name"), serviceId, serviceId is not null && serviceNamesById.TryGetValue(serviceId, out var n) ? n : null,
            Strings(r["hosts"]), Strings(r["paths"]), r["preserve_host"]?.Type == JTokenType.Boolean && (bool)r["preserve_host"]!,
            r["strip_path"]?.Type != JTokenType.Boolean || (bool)r["strip_path"]!, Strings(r["tags"]))
        {
            Protocols = r["protocols"] is JArray ? Strings(r["protocols"]) : KongRouteRecord.DefaultProtocols,
            HttpsRedirectStatusCode = Int(r, "https_redirect_status_code") ?? 426,
        };
    }

    /// <summary>Consul entries: a service's own entry, or an instance's (marked, or named <c>&lt;service&gt;-&lt;id&gt;</c>).</summary>
    private static void AddConsul(ServiceIndex index, List<ConsulServiceRecord> consul)
    {
        foreach (var entry in consul)
        {
            var isInstance = entry.Role == PlatformOwnership.InstanceRole
                || (entry.Role is null && entry.Id != entry.Name && entry.Id.StartsWith(entry.Name + "-", StringComparison.Ordinal));
            if (!isInstance)
            {
                var state = index.Get(entry.Name);
                state.Consul = entry;
                if (entry.Meta.TryGetValue(PlatformOwnership.DomainKey, out var domain))
                {
                    state.Domain = domain;
                }

                state.ServicePort ??= entry.Port == 0 ? null : entry.Port;
                continue;
            }

            index.Get(entry.Name);
            var instanceId = entry.Meta.TryGetValue(PlatformOwnership.InstanceKey, out var given) ? given
                : entry.Id.StartsWith(entry.Name + "-", StringComparison.Ordinal) ? entry.Id.Substring(entry.Name.Length + 1) : entry.Id;
            var instance = index.GetInstance(entry.Name, instanceId);
            instance.Consul = entry;
            instance.Address = entry.Address;
            instance.Port = entry.Port;
        }
    }

    private static void AddVulcand(ServiceIndex index, VulcandBackendRecord[] backends, List<VulcandFrontendRecord> frontends, List<VulcandListenerRecord> listeners)
    {
        foreach (var backend in backends)
        {
            index.Get(backend.Id).VulcandBackend = backend;
            foreach (var server in backend.Servers)
            {
                var instance = index.GetInstance(backend.Id, server.Id);
                instance.VulcandServer = server;
                if (instance.Address is null && HttpUrl.TryParseHostPort(server.Url, out var host, out var port))
                {
                    instance.Address = host;
                    instance.Port = port;
                }
            }
        }

        foreach (var frontend in frontends)
        {
            index.Get(frontend.Id).VulcandFrontend = frontend;
        }

        foreach (var listener in listeners)
        {
            var state = index.Get(listener.Id);
            state.VulcandListener = listener;
            var colon = listener.Address.LastIndexOf(':');
            if (colon >= 0 && int.TryParse(listener.Address.Substring(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port))
            {
                state.ServicePort = port;
            }
        }
    }

    private static void AddKong(ServiceIndex index, KongServiceRecord[] kongServices, KongRouteRecord[] kongRoutes)
    {
        foreach (var service in kongServices.Where(s => s.Name is not null))
        {
            index.Get(service.Name!).KongService = service;
        }

        foreach (var route in kongRoutes.Where(r => r.Name is not null))
        {
            var state = index.Get(route.Name!);
            state.KongRoute = route;
            var host = route.Hosts.FirstOrDefault(h => h.StartsWith(route.Name + ".", StringComparison.Ordinal));
            state.Domain ??= host?.Substring(route.Name!.Length + 1);
        }
    }

    /// <summary>The service and instance states being built, by name (services sorted, as the state lists them).</summary>
    private sealed class ServiceIndex
    {
        private readonly Dictionary<(string Service, string Instance), PlatformInstanceState> _instances = new();

        public SortedDictionary<string, PlatformServiceState> States { get; } = new(StringComparer.Ordinal);

        public IEnumerable<PlatformInstanceState> Instances => _instances.Values;

        public PlatformServiceState Get(string name)
        {
            if (!States.TryGetValue(name, out var state))
            {
                state = new PlatformServiceState(name);
                States.Add(name, state);
            }

            return state;
        }

        public PlatformInstanceState GetInstance(string service, string id)
        {
            if (!_instances.TryGetValue((service, id), out var instance))
            {
                instance = new PlatformInstanceState(service, id);
                _instances.Add((service, id), instance);
            }

            return instance;
        }
    }

    /// <summary>Consul's <c>GET /v1/agent/services</c> map (id → service) as records.</summary>
    internal static IEnumerable<ConsulServiceRecord> ParseConsul(JToken json)
    {
        if (json is not JObject map)
        {
            throw new JsonReaderException("Consul agent services is not a JSON object.");
        }

        foreach (var property in map.Properties())
        {
            if (property.Value is not JObject s)
            {
                continue;
            }

            var meta = s["Meta"] is JObject m
                ? m.Properties().Where(p => p.Value.Type == JTokenType.String).ToDictionary(p => p.Name, p => (string)p.Value!, StringComparer.Ordinal)
                : new Dictionary<string, string>(StringComparer.Ordinal);
            yield return new ConsulServiceRecord(NullableStr(s, "ID") ?? property.Name, Str(s, "Service"), Strings(s["Tags"]), meta, Str(s, "Address"), Int(s, "Port") ?? 0);
        }
    }

    private static JToken Parse(string body)
    {
        using var reader = new JsonTextReader(new System.IO.StringReader(body)) { DateParseHandling = DateParseHandling.None };
        return JToken.ReadFrom(reader);
    }

    /// <summary>The array under <paramref name="key"/>; null (Vulcand's empty list) or absent reads as empty.</summary>
    private static IEnumerable<JToken> Items(JToken json, string key) =>
        json is JObject obj && obj[key] is JArray array ? array : Enumerable.Empty<JToken>();

    private static string Str(JToken token, string key) => NullableStr(token, key) ?? string.Empty;

    private static string? NullableStr(JToken token, string key) => token[key] is JValue { Type: JTokenType.String } v ? (string?)v : null;

    private static int? Int(JToken token, string key) => token[key] is JValue { Type: JTokenType.Integer } v ? (int)(long)v : null;

    private static string[] Strings(JToken? token) =>
        token is JArray array ? array.Where(t => t.Type == JTokenType.String).Select(t => (string)t!).ToArray() : Array.Empty<string>();
}
