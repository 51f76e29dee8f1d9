using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json.Linq;
using ShowcaseOps.Sandbox.Hosting;
using ShowcaseOps.Sandbox.StandIns.Http;
using ShowcaseOps.Sandbox.StandIns.Vulcand;

namespace ShowcaseOps.Sandbox.StandIns;

/// <summary>
/// Stand-in for the Vulcand v2 API (in-memory engine): hosts, backends and their servers, frontends, listeners and status.
/// Upserts are POSTs with an envelope (<c>{"Backend":{…}}</c>); errors are <c>{"message": …}</c> with 404 (not found) or
/// 500 (validation: bad JSON, missing envelope or id, bad type, protocol, route, URL or TTL; backend in use), as the real
/// API's handlers answer. The servers of a backend that does not exist answer 200 <c>{"Servers":null}</c> (the real engine
/// lists by key prefix); an unknown path answers 404 <c>{"message":"Object not found"}</c>.
/// </summary>
public sealed partial class VulcandStandIn : StandIn
{
    private static readonly Regex RoutePattern = new(
        "^\\s*(?:(?:Host|HostRegexp|Path|PathRegexp|Method|MethodRegexp|Header|HeaderRegexp)\\(\\s*(?:\"(?:[^\"\\\\]|\\\\.)*\"|`[^`]*`)(?:\\s*,\\s*(?:\"(?:[^\"\\\\]|\\\\.)*\"|`[^`]*`))*\\s*\\)\\s*(?:&&\\s*|$))+$",
        RegexOptions.CultureInvariant);

    private readonly object _gate = new();
    private readonly List<VulcandHost> _hosts = new();
    private readonly List<VulcandBackend> _backends = new();
    private readonly List<VulcandFrontend> _frontends = new();
    private readonly List<VulcandListener> _listeners = new();

    public override string Service => "vulcand";

    public IReadOnlyList<VulcandHost> Hosts => Snapshot(_hosts);

    /// <summary>Backends, each with its servers.</summary>
    public IReadOnlyList<VulcandBackend> Backends => Snapshot(_backends);

    public IReadOnlyList<VulcandFrontend> Frontends => Snapshot(_frontends);

    public IReadOnlyList<VulcandListener> Listeners => Snapshot(_listeners);

    public override RequestIdentity Identify(SandboxRequest request)
    {
        var s = Split(request.Path);
        var m = request.Method + " ";
        if (s.Length >= 2 && s[0] == "v2")
        {
            var kind = s[1];
            switch (s.Length)
            {
                case 2:
                    return new(m + "/v2/" + kind, kind);
                case 3 when kind is "hosts" or "backends" or "frontends" or "listeners":
                    return new(m + "/v2/" + kind + "/{" + Singular(kind) + "}", s[2]);
                case 4 when kind == "backends" && s[3] == "servers":
                    return new(m + "/v2/backends/{backend}/servers", s[2]);
                case 5 when kind == "backends" && s[3] == "servers":
                    return new(m + "/v2/backends/{backend}/servers/{server}", s[2] + "/" + s[4]);
            }
        }

        return new(m + request.Path, request.Path);
    }

    public override Task<SandboxResponse> HandleAsync(SandboxRequest request, RequestIdentity identity, CancellationToken cancellationToken) =>
        Task.FromResult(Handle(request));

    public override void Reset()
    {
        lock (_gate)
        {
            _hosts.Clear();
            _backends.Clear();
            _frontends.Clear();
            _listeners.Clear();
        }
    }

    private static string Singular(string kind) => kind.Substring(0, kind.Length - 1);

    private static readonly char[] Slash = { '/' };

    private static string[] Split(string path) => path.Split(Slash, StringSplitOptions.RemoveEmptyEntries);

    private T[] Snapshot<T>(List<T> list)
    {
        lock (_gate)
        {
            return list.ToArray();
        }
    }

    private SandboxResponse Handle(SandboxRequest request)
    {
        var s = Split(request.Path);
        var method = request.Method;
        if (s.Length < 2 || s[0] != "v2")
        {
            return NotFoundPage();
        }

        lock (_gate)
        {
            switch (s.Length)
            {
                case 2 when s[1] == "status" && method == "GET":
                    return SandboxResponse.Json(200, new { Status = "ok" });
                case 2 when method == "GET":
                    return s[1] switch
                    {
                        "hosts" => List("Hosts", _hosts.Select(h => h.ToJson()), nullWhenEmpty: true),
                        "backends" => List("Backends", _backends.Select(b => b.ToJson()), nullWhenEmpty: false),
                        "frontends" => List("Frontends", _frontends.Select(f => f.ToJson()), nullWhenEmpty: false),
                        "listeners" => List("Listeners", _listeners.Select(l => l.ToJson()), nullWhenEmpty: true),
                        _ => NotFoundPage(),
                    };
                case 2 when method == "POST":
                    return s[1] switch
                    {
                        "hosts" => WithEnvelope(request, "Host", UpsertHost),
                        "backends" => WithEnvelope(request, "Backend", UpsertBackend),
                        "frontends" => WithEnvelope(request, "Frontend", UpsertFrontend),
                        "listeners" => WithEnvelope(request, "Listener", UpsertListener),
                        _ => NotFoundPage(),
                    };
                case 3 when method is "GET" or "DELETE":
                    return s[1] switch
                    {
                        "hosts" => GetOrDelete(method, _hosts, h => h.Name, h => h.ToJson(), "host", "hostname", s[2]),
                        "backends" => method == "DELETE" ? DeleteBackend(s[2]) : GetOrDelete(method, _backends, b => b.Id, b => b.ToJson(), "backend", "id", s[2]),
                        "frontends" => GetOrDelete(method, _frontends, f => f.Id, f => f.ToJson(), "frontend", "id", s[2]),
                        "listeners" => GetOrDelete(method, _listeners, l => l.Id, l => l.ToJson(), "listener", "id", s[2]),
                        _ => NotFoundPage(),
                    };
                case 4 when s[1] == "backends" && s[3] == "servers":
                    return method switch
                    {
                        "GET" => List("Servers", (FindBackend(s[2])?.Servers ?? Array.Empty<VulcandServer>()).Select(v => v.ToJson()), nullWhenEmpty: true),
                        "POST" => WithEnvelope(request, "Server", (body, root) => UpsertServer(s[2], body, root)),
                        _ => NotFoundPage(),
                    };
                case 5 when s[1] == "backends" && s[3] == "servers" && method is "GET" or "DELETE":
                    return ServerItem(method, s[2], s[4]);
                default:
                    return NotFoundPage();
            }
        }
    }

    private static SandboxResponse List(string key, IEnumerable<JObject> items, bool nullWhenEmpty)
    {
        var array = new JArray(items);
        var result = new JObject { [key] = array.Count == 0 && nullWhenEmpty ? JValue.CreateNull() : array };
        return SandboxResponse.RawJson(200, result.ToString(Newtonsoft.Json.Formatting.None));
    }

    private static SandboxResponse WithEnvelope(SandboxRequest request, string key, Func<JObject, JObject, SandboxResponse> upsert)
    {
        var root = JsonBody.TryParseObject(request, out var error);
        if (root is null)
        {
            return Error(500, "failed to parse request body: " + error, "BadFormat");
        }

        // Go decodes the envelope into a struct with a pointer field: a missing key leaves it nil and the handler fails.
        if (JsonBody.Get(root, key) is not JObject body)
        {
            return Error(500, $"missing {key}: expected {{\"{key}\": {{…}}}}", "MissingEnvelope");
        }

        return upsert(body, root);
    }

    private SandboxResponse UpsertHost(JObject body, JObject root)
    {
        var name = JsonBody.GetString(body, "Name");
        if (string.IsNullOrEmpty(name))
        {
            return Error(500, "Missing Name", "BadFormat");
        }

        var host = new VulcandHost(name!, JsonBody.Get(body, "Settings")?.DeepClone());
        Replace(_hosts, h => h.Name == name, host);
        return Ok(host.ToJson());
    }

    private SandboxResponse UpsertBackend(JObject body, JObject root)
    {
        var id = JsonBody.GetString(body, "Id");
        if (string.IsNullOrEmpty(id))
        {
            return Error(500, "Missing Id", "BadFormat");
        }

        var type = JsonBody.GetString(body, "Type") ?? string.Empty;
        if (type != "http")
        {
            return Error(500, $"unsupported backend type: '{type}'", "BadFormat");
        }

        var existing = FindBackend(id!);
        var backend = new VulcandBackend(id!, type, JsonBody.Get(body, "Settings")?.DeepClone(), existing?.Servers ?? Array.Empty<VulcandServer>());
        Replace(_backends, b => b.Id == id, backend);
        return Ok(backend.ToJson());
    }

    private SandboxResponse UpsertServer(string backendId, JObject body, JObject root)
    {
        var backend = FindBackend(backendId);
        if (backend is null)
        {
            return BackendNotFound(backendId);
        }

        var id = JsonBody.GetString(body, "Id");
        var url = JsonBody.GetString(body, "URL");
        if (string.IsNullOrEmpty(id))
        {
            return Error(500, "Missing Id", "BadFormat");
        }

        if (url is null || !Uri.TryCreate(url, UriKind.Absolute, out var parsed) || (parsed.Scheme != "http" && parsed.Scheme != "https"))
        {
            return Error(500, $"failed to parse server URL '{url}'", "BadFormat");
        }

        if (JsonBody.GetString(root, "TTL") is { } ttl && !Regex.IsMatch(ttl, "^([0-9]+(\\.[0-9]+)?(ns|us|ms|s|m|h))+$", RegexOptions.CultureInvariant))
        {
            return Error(500, $"failed to parse TTL '{ttl}'", "BadFormat");
        }

        var server = new VulcandServer(id!, url);
        var servers = backend.Servers.Where(v => v.Id != id).ToList();
        var index = backend.Servers.ToList().FindIndex(v => v.Id == id);
        servers.Insert(index < 0 ? servers.Count : index, server);
        Replace(_backends, b => b.Id == backendId, backend.WithServers(servers));
        return Ok(server.ToJson());
    }

    private SandboxResponse UpsertFrontend(JObject body, JObject root)
    {
        var id = JsonBody.GetString(body, "Id");
        if (string.IsNullOrEmpty(id))
        {
            return Error(500, "Missing Id", "BadFormat");
        }

        var type = JsonBody.GetString(body, "Type") ?? string.Empty;
        if (type != "http")
        {
            return Error(500, $"unsupported frontend type: '{type}'", "BadFormat");
        }

        var route = JsonBody.GetString(body, "Route") ?? string.Empty;
        if (!RoutePattern.IsMatch(route))
        {
            return Error(500, $"failed to parse route '{route}'", "BadRoute");
        }

        var backendId = JsonBody.GetString(body, "BackendId") ?? string.Empty;
        if (FindBackend(backendId) is null)
        {
            return BackendNotFound(backendId);
        }

        var frontend = new VulcandFrontend(id!, route, type, backendId, JsonBody.Get(body, "Settings")?.DeepClone());
        Replace(_frontends, f => f.Id == id, frontend);
        return Ok(frontend.ToJson());
    }

    private SandboxResponse UpsertListener(JObject body, JObject root)
    {
        var id = JsonBody.GetString(body, "Id");
        if (string.IsNullOrEmpty(id))
        {
            return Error(500, "Missing Id", "BadFormat");
        }

        var protocol = JsonBody.GetString(body, "Protocol") ?? string.Empty;
        if (protocol != "http" && protocol != "https")
        {
            return Error(500, $"unsupported protocol: '{protocol}'", "BadFormat");
        }

        var address = JsonBody.Get(body, "Address") as JObject;
        var network = address is null ? null : JsonBody.GetString(address, "Network");
        var hostPort = address is null ? null : JsonBody.GetString(address, "Address");
        if (network != "tcp" && network != "unix")
        {
            return Error(500, $"unsupported network: '{network}'", "BadFormat");
        }

        if (network == "tcp" && (hostPort is null || !Regex.IsMatch(hostPort, "^[^:]*:[0-9]{1,5}$", RegexOptions.CultureInvariant)))
        {
            return Error(500, $"bad address: '{hostPort}'", "BadFormat");
        }

        var listener = new VulcandListener(id!, protocol, network!, hostPort ?? string.Empty, JsonBody.GetString(body, "Scope") ?? string.Empty, JsonBody.Get(body, "Settings")?.DeepClone());
        Replace(_listeners, l => l.Id == id, listener);
        return Ok(listener.ToJson());
    }

    private SandboxResponse DeleteBackend(string id)
    {
        if (FindBackend(id) is null)
        {
            return BackendNotFound(id);
        }

        var user = _frontends.FirstOrDefault(f => f.BackendId == id);
        if (user is not null)
        {
            return Error(500, $"can not delete backend 'backend(id={id})', it is in use by frontend(id={user.Id})", "BackendInUse");
        }

        _backends.RemoveAll(b => b.Id == id);
        return SandboxResponse.Json(200, new { message = "backend deleted" });
    }

    private SandboxResponse ServerItem(string method, string backendId, string serverId)
    {
        var backend = FindBackend(backendId);
        if (backend is null)
        {
            return BackendNotFound(backendId);
        }

        var server = backend.Servers.FirstOrDefault(v => v.Id == serverId);
        if (server is null)
        {
            return Error(404, $"server(backend=backend(id={backendId}), id={serverId}) not found", "NotFound");
        }

        if (method == "GET")
        {
            return Ok(server.ToJson());
        }

        Replace(_backends, b => b.Id == backendId, backend.WithServers(backend.Servers.Where(v => v.Id != serverId).ToArray()));
        return SandboxResponse.Json(200, new { message = "server deleted" });
    }

    private static SandboxResponse GetOrDelete<T>(string method, List<T> list, Func<T, string> key, Func<T, JObject> json, string kind, string keyName, string id)
    {
        var index = list.FindIndex(item => key(item) == id);
        if (index < 0)
        {
            return Error(404, $"{kind}({keyName}={id}) not found", "NotFound");
        }

        if (method == "GET")
        {
            return Ok(json(list[index]));
        }

        list.RemoveAt(index);
        return SandboxResponse.Json(200, new { message = kind + " deleted" });
    }

    private VulcandBackend? FindBackend(string id) => _backends.FirstOrDefault(b => b.Id == id);

    private static void Replace<T>(List<T> list, Predicate<T> match, T item)
    {
        var index = list.FindIndex(match);
        if (index < 0)
        {
            list.Add(item);
        }
        else
        {
            list[index] = item;
        }
    }

    private static SandboxResponse BackendNotFound(string id) => Error(404, $"backend(id={id}) not found", "NotFound");

    private static SandboxResponse Ok(JObject json) => SandboxResponse.RawJson(200, json.ToString(Newtonsoft.Json.Formatting.None));

    private static SandboxResponse NotFoundPage()
    {
        // The API's router answers unknown paths with its JSON not-found handler.
        return Error(404, "Object not found", "NotFound");
    }

    private static SandboxResponse Error(int status, string message, string code)
    {
        var response = SandboxResponse.Json(status, new { message });
        response.ErrorCode = code;
        return response;
    }
}
