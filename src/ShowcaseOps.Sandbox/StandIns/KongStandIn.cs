using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json.Linq;
using ShowcaseOps.Sandbox.Hosting;
using ShowcaseOps.Sandbox.StandIns.Http;
using ShowcaseOps.Sandbox.StandIns.Kong;

namespace ShowcaseOps.Sandbox.StandIns;

/// <summary>
/// Stand-in for the Kong 3 Admin API with a database: services, routes, plugins (ip-restriction, key-auth),
/// consumers and their key-auth credentials, node info and status. PUT upserts by name (200, full replace),
/// POST creates (201, 409 on a duplicate), DELETE answers 204 even when nothing was there, lists page with
/// <c>?size=</c> / <c>?offset=</c> and a relative <c>next</c>. <c>/apis</c> (removed in 1.0) is 404.
/// </summary>
public sealed partial class KongStandIn : StandIn
{
    public const string Version = "3.9.1";

    private static readonly string[] Kinds = { KongKinds.Services, KongKinds.Routes, KongKinds.Plugins, KongKinds.Consumers, KongKinds.KeyAuth };

    private readonly object _gate = new();
    private readonly Dictionary<string, List<JObject>> _store = Kinds.ToDictionary(k => k, _ => new List<JObject>(), StringComparer.Ordinal);
    private readonly string _nodeId = Guid.NewGuid().ToString();
    private long _requests;

    public override string Service => "kong";

    public IReadOnlyList<KongEntity> Services => View(KongKinds.Services);

    public IReadOnlyList<KongEntity> Routes => View(KongKinds.Routes);

    public IReadOnlyList<KongEntity> Plugins => View(KongKinds.Plugins);

    public IReadOnlyList<KongEntity> Consumers => View(KongKinds.Consumers);

    public IReadOnlyList<KongEntity> KeyAuthCredentials => View(KongKinds.KeyAuth);

    public override RequestIdentity Identify(SandboxRequest request)
    {
        var s = Split(request.Path);
        var m = request.Method + " ";
        var route = Route(s);
        return route is null ? new(m + request.Path, request.Path) : new(m + route.Value.Template, route.Value.Target);
    }

    public override Task<SandboxResponse> HandleAsync(SandboxRequest request, RequestIdentity identity, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _requests);
        lock (_gate)
        {
            return Task.FromResult(Handle(request));
        }
    }

    public override SandboxResponse FaultResponse(FaultSpec fault)
    {
        var response = SandboxResponse.Json(fault.HttpStatus, new { message = fault.Message ?? "An unexpected error occurred" });
        response.ErrorCode = fault.ErrorCode ?? "Injected" + fault.HttpStatus;
        return response;
    }

    public override void Reset()
    {
        lock (_gate)
        {
            foreach (var list in _store.Values)
            {
                list.Clear();
            }

            _certificates.Clear();
            _snis.Clear();
            _tlsCache.Clear();
        }
    }

    private static readonly char[] Slash = { '/' };

    private static string[] Split(string path) => path.Split(Slash, StringSplitOptions.RemoveEmptyEntries);

    private static (string Template, string Target)? Route(string[] s)
    {
        static string Item(string collection) => collection switch
        {
            "services" => "{name}",
            "routes" => "{name}",
            "consumers" => "{username}",
            _ => "{id}",
        };

        static string Parent(string collection) => collection switch
        {
            "services" => "{service}",
            "routes" => "{route}",
            "consumers" => "{consumer}",
            _ => "{id}",
        };

        return s.Length switch
        {
            0 => ("/", "/"),
            1 => ("/" + s[0], s[0]),
            2 => ($"/{s[0]}/{Item(s[0])}", s[1]),
            3 => ($"/{s[0]}/{Parent(s[0])}/{s[2]}", s[1]),
            4 => ($"/{s[0]}/{Parent(s[0])}/{s[2]}/{Item(s[2] == "key-auth" ? "key-auth" : s[2])}", s[1] + "/" + s[3]),
            _ => null,
        };
    }

    private KongEntity[] View(string kind)
    {
        lock (_gate)
        {
            return _store[kind].OrderBy(e => (long)e["created_at"]!).ThenBy(e => (string)e["id"]!, StringComparer.Ordinal).Select(e => new KongEntity(e)).ToArray();
        }
    }

    private SandboxResponse Handle(SandboxRequest request)
    {
        var s = Split(request.Path);
        var method = request.Method;
        if (s.Length == 0)
        {
            return method == "GET" ? Json(200, NodeInfo()) : MethodNotAllowed();
        }

        if (s.Length == 1 && s[0] == "status")
        {
            return method == "GET" ? Json(200, Status()) : MethodNotAllowed();
        }

        if (s.Length == 1 && s[0] == "key-auths")
        {
            return method == "GET" ? List(request, KongKinds.KeyAuth, _ => true) : MethodNotAllowed();
        }

        if (HandleCertificates(request, s) is { } tls)
        {
            return tls;
        }

        var kind = Collection(s[0]);
        if (kind is null || kind == KongKinds.KeyAuth)
        {
            return NotFound();
        }

        switch (s.Length)
        {
            case 1:
                return method switch
                {
                    "GET" => List(request, kind, _ => true),
                    "POST" => Create(request, kind, null),
                    _ => MethodNotAllowed(),
                };
            case 2:
                return Item(request, kind, s[1], null);
            case 3 or 4:
                var parent = Find(kind, s[1]);
                var child = s[2] == "key-auth" ? KongKinds.KeyAuth : Collection(s[2]);
                if (!IsNested(kind, child))
                {
                    return NotFound();
                }

                if (parent is null)
                {
                    return NotFound();
                }

                var link = (Field: ForeignField(kind), Id: (string)parent["id"]!);
                if (s.Length == 3)
                {
                    return method switch
                    {
                        "GET" => List(request, child!, e => LinkedTo(e, link.Field, link.Id)),
                        "POST" => Create(request, child!, link),
                        _ => MethodNotAllowed(),
                    };
                }

                return Item(request, child!, s[3], link);
            default:
                return NotFound();
        }
    }

    private static string? Collection(string segment) => segment switch
    {
        "services" => KongKinds.Services,
        "routes" => KongKinds.Routes,
        "plugins" => KongKinds.Plugins,
        "consumers" => KongKinds.Consumers,
        _ => null,
    };

    private static bool IsNested(string parent, string? child) => (parent, child) switch
    {
        (KongKinds.Services, KongKinds.Routes) => true,
        (KongKinds.Services, KongKinds.Plugins) => true,
        (KongKinds.Routes, KongKinds.Plugins) => true,
        (KongKinds.Consumers, KongKinds.Plugins) => true,
        (KongKinds.Consumers, KongKinds.KeyAuth) => true,
        _ => false,
    };

    private static string ForeignField(string parentKind) => parentKind switch
    {
        KongKinds.Services => "service",
        KongKinds.Routes => "route",
        _ => "consumer",
    };

    private static bool LinkedTo(JObject entity, string field, string id) => entity[field] is JObject reference && (string?)reference["id"] == id;

    private static string? EndpointKey(string kind) => kind switch
    {
        KongKinds.Services or KongKinds.Routes => "name",
        KongKinds.Consumers => "username",
        KongKinds.KeyAuth => "key",
        KongKinds.Plugins => "instance_name",
        _ => null,
    };

    private JObject? Find(string kind, string idOrName)
    {
        var list = _store[kind];
        if (Guid.TryParse(idOrName, out _))
        {
            var byId = list.FirstOrDefault(e => string.Equals((string)e["id"]!, idOrName, StringComparison.OrdinalIgnoreCase));
            if (byId is not null)
            {
                return byId;
            }
        }

        var key = EndpointKey(kind);
        return key is null ? null : list.FirstOrDefault(e => e[key] is JValue { Type: JTokenType.String } v && (string)v! == idOrName);
    }

    private SandboxResponse Item(SandboxRequest request, string kind, string idOrName, (string Field, string Id)? link)
    {
        var existing = Find(kind, idOrName);
        if (existing is not null && link is { } l && !LinkedTo(existing, l.Field, l.Id))
        {
            existing = null;
        }

        switch (request.Method)
        {
            case "GET":
                return existing is null ? NotFound() : Json(200, existing);
            case "DELETE":
                // Kong's top-level DELETE is idempotent (204); the nested endpoint looks the child up first and answers 404.
                return existing is null ? (link is null ? SandboxResponse.Empty(204) : NotFound()) : Delete(kind, existing);
            case "PATCH":
                return existing is null ? NotFound() : Write(request, kind, existing, (JObject)existing.DeepClone(), link, 200, null);
            case "PUT":
                var fresh = KongSchema.Defaults(kind);
                if (existing is not null)
                {
                    fresh["id"] = existing["id"]!.DeepClone();
                    fresh["created_at"] = existing["created_at"]!.DeepClone();
                }
                else if (Guid.TryParse(idOrName, out var id))
                {
                    fresh["id"] = id.ToString();
                }

                var key = Guid.TryParse(idOrName, out _) ? null : EndpointKey(kind);
                return Write(request, kind, existing, fresh, link, 200, key is null ? null : (key, idOrName));
            default:
                return MethodNotAllowed();
        }
    }

    private SandboxResponse Create(SandboxRequest request, string kind, (string Field, string Id)? link) =>
        Write(request, kind, null, KongSchema.Defaults(kind), link, 201, null);

    private SandboxResponse Write(SandboxRequest request, string kind, JObject? existing, JObject entity, (string Field, string Id)? link, int status, (string Field, string Value)? pathKey)
    {
        var input = ParseBody(request, out var fromForm, out var parseError);
        if (input is null)
        {
            return Json(400, new JObject { ["message"] = "Cannot parse JSON body: " + parseError });
        }

        var errors = new JObject();
        KongSchema.Apply(kind, entity, input, errors, fromForm);
        if (link is { } l)
        {
            entity[l.Field] = new JObject { ["id"] = l.Id };
        }

        if (pathKey is { } pk)
        {
            // The name in the path is validated like a name in the body (a space is a schema violation, 400).
            if (pk.Field is "name" or "instance_name" && KongSchema.CheckName(pk.Value) is { } nameError)
            {
                errors[pk.Field] = nameError;
            }

            entity[pk.Field] = pk.Value;
        }

        if (kind == KongKinds.KeyAuth && KongSchema.IsEmpty(entity["key"]))
        {
            entity["key"] = Guid.NewGuid().ToString("N");
        }

        KongSchema.CheckEntity(kind, entity, errors);
        if (errors.Count > 0)
        {
            return Json(400, KongSchema.SchemaViolation(errors));
        }

        var foreignError = ResolveForeign(entity);
        if (foreignError is not null)
        {
            return foreignError;
        }

        if (existing is null && entity["id"] is JValue { Type: JTokenType.String } givenId)
        {
            if (!Guid.TryParse((string)givenId!, out _))
            {
                return Json(400, KongSchema.SchemaViolation(new JObject { ["id"] = "expected a valid UUID" }));
            }

            if (_store[kind].Any(e => string.Equals((string)e["id"]!, (string)givenId!, StringComparison.OrdinalIgnoreCase)))
            {
                return Json(409, new JObject
                {
                    ["code"] = 3, ["name"] = "primary key violation",
                    ["message"] = $"primary key violation on key '{{id=\"{givenId}\"}}'", ["fields"] = new JObject { ["id"] = givenId.DeepClone() },
                });
            }
        }

        var conflict = UniqueConflict(kind, entity, existing);
        if (conflict is not null)
        {
            return conflict;
        }

        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        entity["id"] ??= Guid.NewGuid().ToString();
        if (entity["id"]!.Type == JTokenType.Null)
        {
            entity["id"] = Guid.NewGuid().ToString();
        }

        entity["created_at"] = existing?["created_at"]?.DeepClone() ?? entity["created_at"] ?? now;
        if (kind != KongKinds.KeyAuth)
        {
            entity["updated_at"] = now;
        }

        var list = _store[kind];
        if (existing is not null)
        {
            list[list.IndexOf(existing)] = entity;
        }
        else
        {
            list.Add(entity);
        }

        return Json(status, entity);
    }

    private SandboxResponse? ResolveForeign(JObject entity)
    {
        foreach (var (field, kind) in new[] { ("service", KongKinds.Services), ("route", KongKinds.Routes), ("consumer", KongKinds.Consumers) })
        {
            if (entity[field] is not JObject reference)
            {
                continue;
            }

            var key = (string?)reference["id"] ?? (string?)reference["name"] ?? (string?)reference["username"];
            var target = key is null ? null : Find(kind, key);
            if (target is null)
            {
                var shown = string.Join(",", reference.Properties().Select(p => $"{p.Name}=\"{p.Value}\""));
                return Json(400, new JObject
                {
                    ["code"] = 4, ["name"] = "foreign key violation",
                    ["message"] = $"the foreign key '{{{shown}}}' does not reference an existing '{KongKinds.EntityName(kind)}' entity.",
                    ["fields"] = new JObject { [field] = reference.DeepClone() },
                });
            }

            entity[field] = new JObject { ["id"] = target["id"]!.DeepClone() };
        }

        return null;
    }

    private SandboxResponse? UniqueConflict(string kind, JObject entity, JObject? existing)
    {
        IEnumerable<string[]> uniques = kind switch
        {
            KongKinds.Services or KongKinds.Routes => new[] { new[] { "name" } },
            KongKinds.Consumers => new[] { new[] { "username" }, new[] { "custom_id" } },
            KongKinds.KeyAuth => new[] { new[] { "key" } },
            _ => new[] { new[] { "instance_name" }, new[] { "name", "service", "route", "consumer" } },
        };

        foreach (var fields in uniques)
        {
            if (fields.Length == 1 && KongSchema.IsEmpty(entity[fields[0]]))
            {
                continue;
            }

            var clash = _store[kind].FirstOrDefault(other => !ReferenceEquals(other, existing)
                && fields.All(f => JToken.DeepEquals(other[f] ?? JValue.CreateNull(), entity[f] ?? JValue.CreateNull())));
            if (clash is null)
            {
                continue;
            }

            var shown = string.Join(",", fields.Select(f => f + "=" + LuaShow(entity[f])));
            var reported = new JObject();
            foreach (var f in fields)
            {
                reported[f] = entity[f]?.DeepClone() ?? JValue.CreateNull();
            }

            return Json(409, new JObject
            {
                ["code"] = 5, ["name"] = "unique constraint violation",
                ["message"] = $"UNIQUE violation detected on '{{{shown}}}'", ["fields"] = reported,
            });
        }

        return null;
    }

    private static string LuaShow(JToken? token) => token switch
    {
        null => "null",
        JValue { Type: JTokenType.Null } => "null",
        JValue { Type: JTokenType.String } v => "\"" + (string)v! + "\"",
        JObject o => "{" + string.Join(",", o.Properties().Select(p => p.Name + "=" + LuaShow(p.Value))) + "}",
        _ => token.ToString(Newtonsoft.Json.Formatting.None),
    };

    private SandboxResponse Delete(string kind, JObject entity)
    {
        var id = (string)entity["id"]!;
        if (kind == KongKinds.Services && _store[KongKinds.Routes].Any(r => LinkedTo(r, "service", id)))
        {
            return Json(400, new JObject
            {
                ["code"] = 4, ["name"] = "foreign key violation",
                ["message"] = "an existing 'routes' entity references this 'services' entity",
                ["fields"] = new JObject { ["@referenced_by"] = "routes" },
            });
        }

        _store[kind].Remove(entity);
        var field = kind switch
        {
            KongKinds.Services => "service",
            KongKinds.Routes => "route",
            KongKinds.Consumers => "consumer",
            _ => null,
        };
        if (field is not null)
        {
            _store[KongKinds.Plugins].RemoveAll(p => LinkedTo(p, field, id));
            _store[KongKinds.KeyAuth].RemoveAll(k => LinkedTo(k, field, id));
        }

        return SandboxResponse.Empty(204);
    }

    private SandboxResponse List(SandboxRequest request, string kind, Func<JObject, bool> filter)
    {
        var size = 100;
        if (request.Query["size"] is { } sizeText && (!int.TryParse(sizeText, NumberStyles.Integer, CultureInfo.InvariantCulture, out size) || size < 1 || size > 1000))
        {
            return Json(400, new JObject { ["code"] = 9, ["name"] = "invalid size", ["message"] = "size must be an integer between 1 and 1000" });
        }

        string? after = null;
        if (request.Query["offset"] is { } offset)
        {
            after = DecodeOffset(offset);
            if (after is null)
            {
                return Json(400, new JObject { ["code"] = 7, ["name"] = "invalid offset", ["message"] = $"'{offset}' is not a valid offset: bad base64 encoding" });
            }
        }

        IEnumerable<JObject> items = _store[kind].Where(filter);
        if (request.Query["tags"] is { } tags)
        {
            var any = tags.Contains('/');
            var wanted = tags.Split(any ? '/' : ',');
            items = items.Where(e =>
            {
                var has = (e["tags"] as JArray)?.Select(t => (string)t!).ToArray() ?? Array.Empty<string>();
                return any ? wanted.Any(has.Contains) : wanted.All(has.Contains);
            });
        }

        var ordered = items.OrderBy(e => (string)e["id"]!, StringComparer.Ordinal).ToList();
        if (after is not null)
        {
            ordered = ordered.Where(e => string.CompareOrdinal((string)e["id"]!, after) > 0).ToList();
        }

        var page = ordered.Take(size).ToList();
        var result = new JObject { ["data"] = new JArray(page) };
        if (ordered.Count > size)
        {
            var token = EncodeOffset((string)page[page.Count - 1]["id"]!);
            result["offset"] = token;
            var next = new StringBuilder(request.Path).Append("?offset=").Append(Uri.EscapeDataString(token));
            if (request.Query["size"] is not null)
            {
                next.Append("&size=").Append(size.ToString(CultureInfo.InvariantCulture));
            }

            if (request.Query["tags"] is { } t)
            {
                next.Append("&tags=").Append(Uri.EscapeDataString(t));
            }

            result["next"] = next.ToString();
        }
        else
        {
            result["next"] = null;
        }

        return Json(200, result);
    }

    private static string EncodeOffset(string id) => Convert.ToBase64String(Encoding.UTF8.GetBytes(new JArray(id).ToString(Newtonsoft.Json.Formatting.None)));

    private static string? DecodeOffset(string token)
    {
        try
        {
            var array = JArray.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(token)));
            return array.Count == 1 && array[0].Type == JTokenType.String ? (string)array[0]! : null;
        }
        catch (Exception ex) when (ex is FormatException or Newtonsoft.Json.JsonException)
        {
            return null;
        }
    }

    private static JObject? ParseBody(SandboxRequest request, out bool fromForm, out string? error)
    {
        var contentType = request.Headers["Content-Type"] ?? string.Empty;
        fromForm = contentType.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);
        error = null;
        if (!fromForm)
        {
            return JsonBody.TryParseObject(request, out error);
        }

        var result = new JObject();
        var form = request.Form;
        foreach (var rawKey in form.AllKeys)
        {
            if (rawKey is null)
            {
                continue;
            }

            var values = form.GetValues(rawKey) ?? Array.Empty<string>();
            var isArray = rawKey.EndsWith("[]", StringComparison.Ordinal) || values.Length > 1;
            var path = rawKey.Replace("[]", string.Empty).Split('.');
            var target = result;
            for (var i = 0; i < path.Length - 1; i++)
            {
                target = (JObject)(target[path[i]] ??= new JObject());
            }

            target[path[path.Length - 1]] = isArray ? new JArray(values) : new JValue(values.FirstOrDefault());
        }

        return result;
    }

    private JObject NodeInfo() => new()
    {
        ["version"] = Version,
        ["edition"] = "community",
        ["tagline"] = "Welcome to kong",
        ["lua_version"] = "LuaJIT 2.1.0-20231117",
        ["hostname"] = ConsulStandIn.NodeName,
        ["node_id"] = _nodeId,
        ["configuration"] = new JObject
        {
            ["database"] = "postgres",
            ["admin_listen"] = new JArray("0.0.0.0:8001"),
            ["proxy_listen"] = new JArray("0.0.0.0:8000", "0.0.0.0:8443 ssl"),
            ["plugins"] = new JArray("bundled"),
        },
        ["plugins"] = new JObject
        {
            ["available_on_server"] = new JObject(KongPlugins.Available.Select(p => new JProperty(p, new JObject { ["version"] = Version, ["priority"] = p == "key-auth" ? 1250 : 990 }))),
            ["enabled_in_cluster"] = new JArray(_store[KongKinds.Plugins].Select(p => (string)p["name"]!).Distinct().ToArray()),
        },
    };

    private JObject Status()
    {
        var requests = Interlocked.Read(ref _requests);
        return new JObject
        {
            ["database"] = new JObject { ["reachable"] = true },
            ["memory"] = new JObject
            {
                ["workers_lua_vms"] = new JArray(new JObject { ["http_allocated_gc"] = "40.00 MiB", ["pid"] = 1234 }),
                ["lua_shared_dicts"] = new JObject { ["kong"] = new JObject { ["allocated_slabs"] = "0.04 MiB", ["capacity"] = "5.00 MiB" } },
            },
            ["server"] = new JObject
            {
                ["connections_accepted"] = requests, ["connections_active"] = 1, ["connections_handled"] = requests,
                ["connections_reading"] = 0, ["connections_waiting"] = 0, ["connections_writing"] = 1, ["total_requests"] = requests,
            },
        };
    }

    private static SandboxResponse Json(int status, JObject body)
    {
        var response = SandboxResponse.RawJson(status, body.ToString(Newtonsoft.Json.Formatting.None));
        response.Headers["Server"] = "kong/" + Version;
        if (status >= 400)
        {
            response.ErrorCode = (string?)body["name"] ?? (string?)body["message"];
        }

        return response;
    }

    private static SandboxResponse NotFound() => Json(404, new JObject { ["message"] = "Not found" });

    private static SandboxResponse MethodNotAllowed() => Json(405, new JObject { ["message"] = "Method not allowed" });
}
