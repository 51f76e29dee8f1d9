using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json.Linq;
using ShowcaseOps.Sandbox.Hosting;
using ShowcaseOps.Sandbox.StandIns.Consul;
using ShowcaseOps.Sandbox.StandIns.Http;

namespace ShowcaseOps.Sandbox.StandIns;

/// <summary>
/// Stand-in for a Consul 1.x agent (the gateway's local agent) and the catalog it feeds: agent service
/// registration and deregistration, agent and catalog reads, leader status. One node, one datacenter.
/// Errors are plain text, as Consul writes them.
/// </summary>
public sealed partial class ConsulStandIn : StandIn
{
    public const string NodeName = "showcase-gateway";
    public const string NodeAddress = "127.0.0.1";
    public const string Datacenter = "dc1";

    private const string RegisterPath = "/v1/agent/service/register";
    private const string DeregisterPrefix = "/v1/agent/service/deregister/";
    private const string AgentServicePrefix = "/v1/agent/service/";
    private const string MaintenancePrefix = "/v1/agent/service/maintenance/";
    private static readonly Regex DurationPattern = new("^([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$", RegexOptions.CultureInvariant);
    private const string CatalogServicePrefix = "/v1/catalog/service/";
    private static readonly Regex MetaKeyPattern = new("^[a-zA-Z0-9_-]+$", RegexOptions.CultureInvariant);

    private readonly object _gate = new();
    private readonly Dictionary<string, ConsulServiceEntry> _services = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _maintenance = new(StringComparer.Ordinal);
    private long _index = 1;

    /// <summary>Services in maintenance mode (service ID → reason): Consul answers them as critical, so DNS leaves them out.</summary>
    public IReadOnlyDictionary<string, string> Maintenance
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<string, string>(_maintenance, StringComparer.Ordinal);
            }
        }
    }

    public override string Service => "consul";

    /// <summary>The services registered with the agent, by service ID.</summary>
    public IReadOnlyDictionary<string, ConsulServiceEntry> Services
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<string, ConsulServiceEntry>(_services, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>The Raft index: grows with every change (returned as X-Consul-Index).</summary>
    public long Index
    {
        get
        {
            lock (_gate)
            {
                return _index;
            }
        }
    }

    public override RequestIdentity Identify(SandboxRequest request)
    {
        var path = request.Path;
        var method = request.Method;
        if (path == RegisterPath || path == RegisterPath + "/")
        {
            return new(method + " " + RegisterPath, path);
        }

        if (path.StartsWith(DeregisterPrefix, StringComparison.Ordinal))
        {
            return new(method + " /v1/agent/service/deregister/{id}", path.Substring(DeregisterPrefix.Length));
        }

        if (path.StartsWith(MaintenancePrefix, StringComparison.Ordinal))
        {
            return new(method + " /v1/agent/service/maintenance/{id}", path.Substring(MaintenancePrefix.Length));
        }

        if (path.StartsWith(AgentServicePrefix, StringComparison.Ordinal))
        {
            return new(method + " /v1/agent/service/{id}", path.Substring(AgentServicePrefix.Length));
        }

        if (path.StartsWith(CatalogServicePrefix, StringComparison.Ordinal))
        {
            return new(method + " /v1/catalog/service/{name}", path.Substring(CatalogServicePrefix.Length));
        }

        return new(method + " " + path, path);
    }

    public override Task<SandboxResponse> HandleAsync(SandboxRequest request, RequestIdentity identity, CancellationToken cancellationToken)
    {
        if (AclCheck(request, identity, out var filtered) is { } refused)
        {
            return Task.FromResult(refused);
        }

        if (filtered)
        {
            var empty = SandboxResponse.RawJson(200, request.Path.StartsWith(CatalogServicePrefix, StringComparison.Ordinal) ? "[]" : "{}");
            empty.Headers["X-Consul-Results-Filtered-By-ACLs"] = "true";
            return Task.FromResult(empty);
        }

        return Task.FromResult(Handle(request, identity));
    }

    public override void Reset()
    {
        lock (_gate)
        {
            _services.Clear();
            _maintenance.Clear();
            _index = 1;
        }
    }

    private SandboxResponse Handle(SandboxRequest request, RequestIdentity identity)
    {
        var path = request.Path;
        var method = request.Method;
        if (path == RegisterPath)
        {
            return method == "PUT" ? Register(request) : MethodNotAllowed(method, "PUT");
        }

        if (path == RegisterPath + "/")
        {
            // Consul 1.x routes the exact path only; the trailing slash falls through to the method check.
            return MethodNotAllowed(method, "PUT");
        }

        if (path.StartsWith(DeregisterPrefix, StringComparison.Ordinal))
        {
            return method == "PUT" ? Deregister(identity.Target) : MethodNotAllowed(method, "PUT");
        }

        if (path.StartsWith(MaintenancePrefix, StringComparison.Ordinal))
        {
            return method == "PUT" ? SetMaintenance(identity.Target, request.Query["enable"], request.Query["reason"]) : MethodNotAllowed(method, "PUT");
        }

        if (path == "/v1/agent/services")
        {
            return method == "GET" ? AgentServices() : MethodNotAllowed(method, "GET");
        }

        if (path.StartsWith(AgentServicePrefix, StringComparison.Ordinal))
        {
            return method == "GET" ? AgentService(identity.Target) : MethodNotAllowed(method, "GET");
        }

        if (path == "/v1/catalog/services")
        {
            return method == "GET" ? CatalogServices() : MethodNotAllowed(method, "GET");
        }

        if (path.StartsWith(CatalogServicePrefix, StringComparison.Ordinal))
        {
            return method == "GET" ? CatalogService(identity.Target, request.Query["tag"]) : MethodNotAllowed(method, "GET");
        }

        if (path == "/v1/status/leader")
        {
            return method == "GET" ? SandboxResponse.RawJson(200, "\"127.0.0.1:8300\"") : MethodNotAllowed(method, "GET");
        }

        return Text(404, "404 page not found", "NotFound");
    }

    private SandboxResponse Register(SandboxRequest request)
    {
        var body = JsonBody.TryParseObject(request, out var error);
        if (body is null)
        {
            return Text(400, "Request decode failed: " + error, "BadRequest");
        }

        var name = JsonBody.GetString(body, "Name");
        if (string.IsNullOrEmpty(name))
        {
            return Text(400, "Missing service name", "MissingName");
        }

        var id = JsonBody.GetString(body, "ID");
        if (string.IsNullOrEmpty(id))
        {
            id = name;
        }

        var tags = new List<string>();
        if (JsonBody.Get(body, "Tags") is { } tagsToken)
        {
            if (tagsToken is not JArray tagArray || tagArray.Any(t => t.Type != JTokenType.String))
            {
                return Text(400, "Request decode failed: Tags must be a list of strings", "BadRequest");
            }

            tags.AddRange(tagArray.Select(t => (string)t!));
        }

        var meta = new Dictionary<string, string>(StringComparer.Ordinal);
        if (JsonBody.Get(body, "Meta") is { } metaToken)
        {
            if (metaToken is not JObject metaObject)
            {
                return Text(400, "Request decode failed: Meta must be a map of strings", "BadRequest");
            }

            foreach (var property in metaObject.Properties())
            {
                if (property.Value.Type != JTokenType.String)
                {
                    return Text(400, "Request decode failed: Meta values must be strings", "BadRequest");
                }

                var problem = ValidateMeta(property.Name, (string)property.Value!);
                if (problem is not null)
                {
                    return Text(400, "Invalid Service Meta: " + problem, "InvalidMeta");
                }

                meta[property.Name] = (string)property.Value!;
            }

            if (meta.Count > 64)
            {
                return Text(400, "Invalid Service Meta: Node metadata cannot contain more than 64 key/value pairs", "InvalidMeta");
            }
        }

        var port = 0;
        if (JsonBody.Get(body, "Port") is { } portToken)
        {
            if (portToken.Type != JTokenType.Integer)
            {
                return Text(400, "Request decode failed: json: cannot unmarshal " + portToken.Type.ToString().ToLowerInvariant() + " into Go struct field ServiceDefinition.Port of type int", "BadRequest");
            }

            port = (int)portToken;
        }

        var address = JsonBody.GetString(body, "Address") ?? string.Empty;
        var checks = JsonBody.Get(body, "Checks") ?? JsonBody.Get(body, "Check");
        if (CheckProblem(checks) is { } checkProblem)
        {
            return Text(400, checkProblem, "InvalidCheck");
        }

        lock (_gate)
        {
            _index++;
            var createIndex = _services.TryGetValue(id!, out var previous) ? previous.CreateIndex : _index;
            _services[id!] = new ConsulServiceEntry(id!, name!, tags, meta, address, port, checks?.DeepClone(), createIndex, _index);
        }

        return SandboxResponse.Empty(200);
    }

    private static string? ValidateMeta(string key, string value)
    {
        if (key.Length == 0)
        {
            return "Key cannot be blank";
        }

        if (key.Length > 128)
        {
            return $"Key is too long (limit: 128 characters)";
        }

        if (!MetaKeyPattern.IsMatch(key))
        {
            return $"Key contains invalid characters";
        }

        if (key.StartsWith("consul-", StringComparison.Ordinal))
        {
            return $"Key prefix 'consul-' is reserved for internal use";
        }

        return value.Length > 512 ? "Value is too long (limit: 512 characters)" : null;
    }

    /// <summary>Consul's check validation: an HTTP or TCP check needs an Interval; durations are Go durations.</summary>
    private static string? CheckProblem(JToken? checks)
    {
        foreach (var check in checks is JArray many ? many.OfType<JObject>() : checks is JObject one ? new[] { one } : Array.Empty<JObject>())
        {
            var http = JsonBody.GetString(check, "HTTP");
            var tcp = JsonBody.GetString(check, "TCP");
            if (string.IsNullOrEmpty(http) && string.IsNullOrEmpty(tcp) && JsonBody.Get(check, "TTL") is null)
            {
                return "Invalid check: TTL must be > 0 for TTL checks";
            }

            foreach (var field in new[] { "Interval", "Timeout", "DeregisterCriticalServiceAfter", "TTL" })
            {
                if (JsonBody.GetString(check, field) is { } duration && !DurationPattern.IsMatch(duration))
                {
                    return $"Request decode failed: time: invalid duration \"{duration}\"";
                }
            }

            if ((!string.IsNullOrEmpty(http) || !string.IsNullOrEmpty(tcp)) && string.IsNullOrEmpty(JsonBody.GetString(check, "Interval")))
            {
                return "Invalid check: Interval must be > 0 for Script, HTTP, H2PING, or TCP checks";
            }

            if (!string.IsNullOrEmpty(http) && !Uri.TryCreate(http, UriKind.Absolute, out _))
            {
                return $"Invalid check: invalid HTTP URL \"{http}\"";
            }
        }

        return null;
    }

    /// <summary>PUT /v1/agent/service/maintenance/{id}?enable=true|false&amp;reason=…: 200 with an empty body, as Consul answers.</summary>
    private SandboxResponse SetMaintenance(string id, string? enable, string? reason)
    {
        if (string.IsNullOrEmpty(enable))
        {
            return Text(400, "Missing value for enable", "BadRequest");
        }

        if (!bool.TryParse(enable, out var on))
        {
            return Text(400, $"Invalid value for enable: \"{enable}\"", "BadRequest");
        }

        lock (_gate)
        {
            if (!_services.ContainsKey(id))
            {
                return Text(404, $"Unknown service ID \"{id}\"", "UnknownServiceId");
            }

            if (on)
            {
                _maintenance[id] = string.IsNullOrEmpty(reason) ? "Maintenance mode is enabled for this service, but no reason was provided. This is a default message." : reason!;
            }
            else
            {
                _maintenance.Remove(id);
            }

            _index++;
        }

        return SandboxResponse.Empty(200);
    }

    private SandboxResponse Deregister(string id)
    {
        lock (_gate)
        {
            if (!_services.Remove(id))
            {
                return Text(404, $"Unknown service ID \"{id}\". Ensure that the service ID is passed, not the service name.", "UnknownServiceId");
            }

            _maintenance.Remove(id);

            _index++;
        }

        return SandboxResponse.Empty(200);
    }

    private SandboxResponse AgentServices()
    {
        var result = new JObject();
        foreach (var entry in Services.Values.OrderBy(s => s.Id, StringComparer.Ordinal))
        {
            result[entry.Id] = AgentJson(entry);
        }

        return SandboxResponse.RawJson(200, result.ToString(Newtonsoft.Json.Formatting.None));
    }

    private SandboxResponse AgentService(string id)
    {
        ConsulServiceEntry? entry;
        lock (_gate)
        {
            _services.TryGetValue(id, out entry);
        }

        if (entry is null)
        {
            return Text(404, "unknown service ID: " + id, "UnknownServiceId");
        }

        var json = AgentJson(entry);
        json["ContentHash"] = ((uint)(entry.ModifyIndex * 2654435761L)).ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
        return SandboxResponse.RawJson(200, json.ToString(Newtonsoft.Json.Formatting.None));
    }

    private SandboxResponse CatalogServices()
    {
        var result = new JObject { ["consul"] = new JArray() };
        long index;
        lock (_gate)
        {
            index = _index;
            foreach (var group in _services.Values.GroupBy(s => s.Name, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                result[group.Key] = new JArray(group.SelectMany(s => s.Tags).Distinct(StringComparer.Ordinal).OrderBy(t => t, StringComparer.Ordinal).ToArray());
            }
        }

        return WithIndex(SandboxResponse.RawJson(200, result.ToString(Newtonsoft.Json.Formatting.None)), index);
    }

    private SandboxResponse CatalogService(string name, string? tag)
    {
        var result = new JArray();
        long index;
        lock (_gate)
        {
            index = _index;
            foreach (var entry in _services.Values.Where(s => s.Name == name && (tag is null || s.Tags.Contains(tag))).OrderBy(s => s.Id, StringComparer.Ordinal))
            {
                result.Add(new JObject
                {
                    ["ID"] = "5e1c1f0a-0000-4000-8000-000000000001",
                    ["Node"] = NodeName,
                    ["Address"] = NodeAddress,
                    ["Datacenter"] = Datacenter,
                    ["TaggedAddresses"] = new JObject { ["lan"] = NodeAddress, ["wan"] = NodeAddress },
                    ["NodeMeta"] = new JObject { ["consul-network-segment"] = string.Empty },
                    ["ServiceKind"] = string.Empty,
                    ["ServiceID"] = entry.Id,
                    ["ServiceName"] = entry.Name,
                    ["ServiceTags"] = new JArray(entry.Tags.ToArray()),
                    ["ServiceAddress"] = entry.Address,
                    ["ServiceWeights"] = new JObject { ["Passing"] = 1, ["Warning"] = 1 },
                    ["ServiceMeta"] = MetaJson(entry),
                    ["ServicePort"] = entry.Port,
                    ["ServiceEnableTagOverride"] = false,
                    ["CreateIndex"] = entry.CreateIndex,
                    ["ModifyIndex"] = entry.ModifyIndex,
                });
            }
        }

        // A blocking query (?index=N&wait=…) is answered at once: the caller compares X-Consul-Index and asks again.
        return WithIndex(SandboxResponse.RawJson(200, result.ToString(Newtonsoft.Json.Formatting.None)), index);
    }

    private static JObject AgentJson(ConsulServiceEntry entry) => new()
    {
        ["ID"] = entry.Id,
        [nameof(Service)] = entry.Name,
        ["Tags"] = new JArray(entry.Tags.ToArray()),
        ["Meta"] = MetaJson(entry),
        ["Port"] = entry.Port,
        ["Address"] = entry.Address,
        ["Weights"] = new JObject { ["Passing"] = 1, ["Warning"] = 1 },
        ["EnableTagOverride"] = false,
        ["Datacenter"] = Datacenter,
    };

    private static JObject MetaJson(ConsulServiceEntry entry)
    {
        var meta = new JObject();
        foreach (var pair in entry.Meta)
        {
            meta[pair.Key] = pair.Value;
        }

        return meta;
    }

    private static SandboxResponse WithIndex(SandboxResponse response, long index)
    {
        response.Headers["X-Consul-Index"] = index.ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers["X-Consul-KnownLeader"] = "true";
        response.Headers["X-Consul-LastContact"] = "0";
        return response;
    }

    private static SandboxResponse MethodNotAllowed(string method, string allowed)
    {
        var response = Text(405, $"method {method} not allowed", "MethodNotAllowed");
        response.Headers["Allow"] = allowed;
        return response;
    }

    private static SandboxResponse Text(int status, string message, string errorCode)
    {
        var response = SandboxResponse.Text(status, message);
        response.ErrorCode = errorCode;
        return response;
    }
}
