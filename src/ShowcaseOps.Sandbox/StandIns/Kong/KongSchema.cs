using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using Newtonsoft.Json.Linq;

namespace ShowcaseOps.Sandbox.StandIns.Kong;

internal enum KongFieldType
{
    String,
    Name,
    Integer,
    Boolean,
    StringSet,
    Tags,
    Hosts,
    Paths,
    Protocols,
    Protocol,
    Foreign,
    Map,
    Config,
}

/// <summary>Kong 3 entity schemas, as far as the stand-in needs them: fields, types, defaults, the checks that matter.</summary>
internal static class KongSchema
{
    private static readonly string[] RouteMatchFields = { "methods", "hosts", "headers", "paths" };

    /// <summary>What a route answers to a plain-HTTP request when its protocols are https only (426 Upgrade Required by default, or a redirect).</summary>
    public static readonly long[] HttpsRedirectCodes = { 426, 301, 302, 307, 308 };

    public static readonly string[] AllProtocols = { "grpc", "grpcs", "http", "https", "tcp", "tls", "tls_passthrough", "udp", "ws", "wss" };

    private static readonly Regex NamePattern = new("^[A-Za-z0-9.\\-_~\\u0080-\\uFFFF]+$", RegexOptions.CultureInvariant);
    private static readonly Regex UrlPattern = new("^([a-z_]+)://([^/:?#]+)(?::([0-9]+))?(/[^?#]*)?$", RegexOptions.CultureInvariant);

    private static readonly Dictionary<string, KongFieldType> ServiceFields = new()
    {
        ["id"] = KongFieldType.String, ["name"] = KongFieldType.Name, ["protocol"] = KongFieldType.Protocol, ["host"] = KongFieldType.String,
        ["port"] = KongFieldType.Integer, ["path"] = KongFieldType.String, ["retries"] = KongFieldType.Integer,
        ["connect_timeout"] = KongFieldType.Integer, ["write_timeout"] = KongFieldType.Integer, ["read_timeout"] = KongFieldType.Integer,
        ["tags"] = KongFieldType.Tags, ["client_certificate"] = KongFieldType.Foreign, ["tls_verify"] = KongFieldType.Boolean,
        ["tls_verify_depth"] = KongFieldType.Integer, ["ca_certificates"] = KongFieldType.StringSet, ["enabled"] = KongFieldType.Boolean,
        ["url"] = KongFieldType.String,
    };

    private static readonly Dictionary<string, KongFieldType> RouteFields = new()
    {
        ["id"] = KongFieldType.String, ["name"] = KongFieldType.Name, ["protocols"] = KongFieldType.Protocols, ["methods"] = KongFieldType.StringSet,
        ["hosts"] = KongFieldType.Hosts, ["paths"] = KongFieldType.Paths, ["headers"] = KongFieldType.Map,
        ["https_redirect_status_code"] = KongFieldType.Integer, ["regex_priority"] = KongFieldType.Integer, ["strip_path"] = KongFieldType.Boolean,
        ["path_handling"] = KongFieldType.String, ["preserve_host"] = KongFieldType.Boolean, ["request_buffering"] = KongFieldType.Boolean,
        ["response_buffering"] = KongFieldType.Boolean, ["snis"] = KongFieldType.StringSet, ["sources"] = KongFieldType.Map,
        ["destinations"] = KongFieldType.Map, ["tags"] = KongFieldType.Tags, ["service"] = KongFieldType.Foreign,
    };

    private static readonly Dictionary<string, KongFieldType> PluginFields = new()
    {
        ["id"] = KongFieldType.String, ["name"] = KongFieldType.String, ["instance_name"] = KongFieldType.Name, ["config"] = KongFieldType.Config,
        ["service"] = KongFieldType.Foreign, ["route"] = KongFieldType.Foreign, ["consumer"] = KongFieldType.Foreign,
        ["protocols"] = KongFieldType.Protocols, ["enabled"] = KongFieldType.Boolean, ["tags"] = KongFieldType.Tags, ["ordering"] = KongFieldType.Map,
    };

    private static readonly Dictionary<string, KongFieldType> ConsumerFields = new()
    {
        ["id"] = KongFieldType.String, ["username"] = KongFieldType.String, ["custom_id"] = KongFieldType.String, ["tags"] = KongFieldType.Tags,
    };

    private static readonly Dictionary<string, KongFieldType> KeyAuthFields = new()
    {
        ["id"] = KongFieldType.String, ["key"] = KongFieldType.String, ["consumer"] = KongFieldType.Foreign, ["tags"] = KongFieldType.Tags,
        ["ttl"] = KongFieldType.Integer,
    };

    public static JObject Defaults(string kind) => kind switch
    {
        KongKinds.Services => new JObject
        {
            ["name"] = null, ["protocol"] = "http", ["host"] = null, ["port"] = 80, ["path"] = null, ["retries"] = 5,
            ["connect_timeout"] = 60000, ["write_timeout"] = 60000, ["read_timeout"] = 60000, ["tags"] = null,
            ["client_certificate"] = null, ["tls_verify"] = null, ["tls_verify_depth"] = null, ["ca_certificates"] = null, ["enabled"] = true,
        },
        KongKinds.Routes => new JObject
        {
            ["name"] = null, ["protocols"] = new JArray("http", "https"), ["methods"] = null, ["hosts"] = null, ["paths"] = null,
            ["headers"] = null, ["https_redirect_status_code"] = 426, ["regex_priority"] = 0, ["strip_path"] = true,
            ["path_handling"] = "v0", ["preserve_host"] = false, ["request_buffering"] = true, ["response_buffering"] = true,
            ["snis"] = null, ["sources"] = null, ["destinations"] = null, ["tags"] = null, ["service"] = null,
        },
        KongKinds.Plugins => new JObject
        {
            ["name"] = null, ["instance_name"] = null, ["config"] = null, ["service"] = null, ["route"] = null, ["consumer"] = null,
            ["protocols"] = new JArray("grpc", "grpcs", "http", "https"), ["enabled"] = true, ["tags"] = null, ["ordering"] = null,
        },
        KongKinds.Consumers => new JObject { ["username"] = null, ["custom_id"] = null, ["tags"] = null },
        KongKinds.KeyAuth => new JObject { ["key"] = null, ["consumer"] = null, ["tags"] = null, ["ttl"] = null },
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>Kong's <c>name</c> type: null when valid, else the schema violation's text.</summary>
    public static string? CheckName(string name) =>
        NamePattern.IsMatch(name) ? null : $"invalid value '{name}': the only accepted ascii characters are alphanumerics or ., -, _, and ~";

    /// <summary>Copies <paramref name="input"/> onto <paramref name="entity"/>, recording schema violations in <paramref name="errors"/>.</summary>
    public static void Apply(string kind, JObject entity, JObject input, JObject errors, bool fromForm)
    {
        var fields = kind switch
        {
            KongKinds.Services => ServiceFields,
            KongKinds.Routes => RouteFields,
            KongKinds.Plugins => PluginFields,
            KongKinds.Consumers => ConsumerFields,
            _ => KeyAuthFields,
        };

        foreach (var property in input.Properties())
        {
            if (!fields.TryGetValue(property.Name, out var type))
            {
                errors[property.Name] = "unknown field";
                continue;
            }

            var value = property.Value;
            if (value.Type == JTokenType.Null)
            {
                entity[property.Name] = null;
                continue;
            }

            var error = Check(type, ref value, fromForm);
            if (error is not null)
            {
                errors[property.Name] = error;
                continue;
            }

            if (kind == KongKinds.Services && property.Name == "url")
            {
                ApplyUrl(entity, (string)value!, errors);
                continue;
            }

            entity[property.Name] = value.DeepClone();
        }

        if (kind == KongKinds.Plugins && entity["name"] is JValue { Type: JTokenType.String } pluginName)
        {
            entity["config"] = KongPlugins.Config((string)pluginName!, entity["config"] as JObject ?? new JObject(), errors, fromForm);
        }
    }

    /// <summary>Whole-entity checks after the fields are in (required fields, cross-field rules).</summary>
    public static void CheckEntity(string kind, JObject entity, JObject errors)
    {
        switch (kind)
        {
            case KongKinds.Services:
                if (entity["host"] is null || entity["host"]!.Type == JTokenType.Null)
                {
                    errors["host"] ??= "required field missing";
                }

                if (entity["port"] is JValue port && port.Type == JTokenType.Integer && ((long)port < 0 || (long)port > 65535))
                {
                    errors["port"] ??= "value should be between 0 and 65535";
                }

                if (entity["path"] is JValue { Type: JTokenType.String, Value: string pathText } && !pathText.StartsWith("/", StringComparison.Ordinal))
                {
                    errors["path"] ??= "should start with: /";
                }

                break;
            case KongKinds.Routes:
                if (entity["https_redirect_status_code"] is JValue { Type: JTokenType.Integer } redirect && !HttpsRedirectCodes.Contains((long)redirect))
                {
                    // Kong 3's routes schema: one_of { 426, 301, 302, 307, 308 }.
                    errors["https_redirect_status_code"] ??= "expected one of: 426, 301, 302, 307, 308";
                }

                var protocols = (entity["protocols"] as JArray)?.Select(p => (string)p!).ToArray() ?? Array.Empty<string>();
                if (protocols.Any(p => p is "http" or "https") && RouteMatchFields.All(f => IsEmpty(entity[f])))
                {
                    var which = protocols.Contains("https") && !protocols.Contains("http") ? "https" : "http";
                    var names = which == "https" ? "'methods', 'hosts', 'headers', 'paths', 'snis'" : "'methods', 'hosts', 'headers', 'paths'";
                    errors["@entity"] = new JArray($"must set one of {names} when 'protocols' is '{which}'");
                }

                break;
            case KongKinds.Plugins:
                if (IsEmpty(entity["name"]))
                {
                    errors["name"] ??= "required field missing";
                }

                break;
            case KongKinds.Consumers:
                if (IsEmpty(entity["username"]) && IsEmpty(entity["custom_id"]))
                {
                    errors["@entity"] = new JArray("at least one of these fields must be non-empty: 'custom_id', 'username'");
                }

                break;
        }
    }

    public static bool IsEmpty(JToken? token) =>
        token is null || token.Type == JTokenType.Null || (token is JArray { Count: 0 }) || (token is JObject { Count: 0 }) || (token.Type == JTokenType.String && (string)token! == string.Empty);

    /// <summary>Kong's error body for schema violations (400).</summary>
    public static JObject SchemaViolation(JObject errors)
    {
        var flat = new List<string>();
        Flatten(errors, string.Empty, flat);
        var message = flat.Count == 1 ? $"schema violation ({flat[0]})" : $"{flat.Count} schema violations ({string.Join("; ", flat)})";
        return new JObject { ["code"] = 2, ["name"] = "schema violation", ["message"] = message, ["fields"] = errors };
    }

    private static void Flatten(JToken token, string prefix, List<string> into)
    {
        switch (token)
        {
            case JObject obj:
                foreach (var p in obj.Properties())
                {
                    Flatten(p.Value, p.Name == "@entity" ? prefix : prefix + p.Name + ".", into);
                }

                break;
            case JArray array:
                foreach (var item in array)
                {
                    Flatten(item, prefix, into);
                }

                break;
            default:
                var name = prefix.TrimEnd('.');
                into.Add(name.Length == 0 ? (string)token! : name + ": " + (string)token!);
                break;
        }
    }

    private static string? Check(KongFieldType type, ref JToken value, bool fromForm)
    {
        switch (type)
        {
            case KongFieldType.String:
                return value.Type == JTokenType.String ? null : "expected a string";
            case KongFieldType.Name:
                if (value.Type != JTokenType.String)
                {
                    return "expected a string";
                }

                var name = (string)value!;
                return NamePattern.IsMatch(name) ? null : $"invalid value '{name}': the only accepted ascii characters are alphanumerics or ., -, _, and ~";
            case KongFieldType.Integer:
                if (fromForm && value.Type == JTokenType.String && long.TryParse((string)value!, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed))
                {
                    value = parsed;
                }

                return value.Type == JTokenType.Integer ? null : "expected an integer";
            case KongFieldType.Boolean:
                if (fromForm && value.Type == JTokenType.String && ((string)value! is "true" or "false"))
                {
                    value = (string)value! == "true";
                }

                return value.Type == JTokenType.Boolean ? null : "expected a boolean";
            case KongFieldType.Protocol:
                return value.Type == JTokenType.String && AllProtocols.Contains((string)value!) ? null : "expected one of: " + string.Join(", ", AllProtocols);
            case KongFieldType.StringSet or KongFieldType.Tags or KongFieldType.Hosts or KongFieldType.Paths or KongFieldType.Protocols:
                if (fromForm && value.Type == JTokenType.String)
                {
                    value = new JArray(value);
                }

                if (value is not JArray array)
                {
                    return "expected a set";
                }

                foreach (var item in array)
                {
                    if (item.Type != JTokenType.String)
                    {
                        return "expected a string";
                    }

                    var s = (string)item!;
                    var problem = type switch
                    {
                        KongFieldType.Tags when s.Length == 0 || s.Any(c => c is ',' or '/' || char.IsControl(c)) => $"invalid tag '{s}': expected printable ascii (except `,` and `/`) or valid utf-8 sequences",
                        KongFieldType.Hosts when s.Length == 0 || s.Any(c => c is '/' or ' ' or '?' or '#' || char.IsControl(c)) => $"invalid hostname: {s}",
                        KongFieldType.Paths when !s.StartsWith("/", StringComparison.Ordinal) && !s.StartsWith("~/", StringComparison.Ordinal) => "should start with: / (fixed path) or ~/ (regex path)",
                        KongFieldType.Protocols when !AllProtocols.Contains(s) => "expected one of: " + string.Join(", ", AllProtocols),
                        _ => null,
                    };
                    if (problem is not null)
                    {
                        return problem;
                    }
                }

                return null;
            case KongFieldType.Foreign:
                return value is JObject ? null : "expected a record";
            case KongFieldType.Map or KongFieldType.Config:
                return value is JObject ? null : "expected a record";
            default:
                return null;
        }
    }

    private static void ApplyUrl(JObject entity, string url, JObject errors)
    {
        var match = UrlPattern.Match(url);
        if (!match.Success || !AllProtocols.Contains(match.Groups[1].Value))
        {
            errors["url"] = "missing host in url";
            return;
        }

        var protocol = match.Groups[1].Value;
        entity["protocol"] = protocol;
        entity["host"] = match.Groups[2].Value;
        entity["port"] = match.Groups[3].Success
            ? int.Parse(match.Groups[3].Value, CultureInfo.InvariantCulture)
            : protocol is "https" or "grpcs" or "tls" or "wss" ? 443 : 80;
        entity["path"] = match.Groups[4].Success && match.Groups[4].Value.Length > 0 ? new JValue(match.Groups[4].Value) : JValue.CreateNull();
    }
}

/// <summary>The bundled plugins the stand-in knows: <c>ip-restriction</c> and <c>key-auth</c> (Kong 3 field names).</summary>
internal static class KongPlugins
{
    public static readonly string[] Available = { "ip-restriction", "key-auth" };

    public static JObject Config(string plugin, JObject input, JObject errors, bool fromForm)
    {
        JObject config;
        Dictionary<string, Func<JToken, string?>> fields;
        switch (plugin)
        {
            case "ip-restriction":
                config = new JObject { ["allow"] = null, ["deny"] = null, ["status"] = null, ["message"] = null };
                fields = new()
                {
                    ["allow"] = IpList,
                    ["deny"] = IpList,
                    ["status"] = v => v.Type == JTokenType.Integer ? null : "expected an integer",
                    ["message"] = v => v.Type == JTokenType.String ? null : "expected a string",
                };
                break;
            case "key-auth":
                config = new JObject
                {
                    ["key_names"] = new JArray("apikey"), ["hide_credentials"] = false, ["anonymous"] = null, ["key_in_header"] = true,
                    ["key_in_query"] = true, ["key_in_body"] = false, ["run_on_preflight"] = true, ["realm"] = null,
                };
                fields = new()
                {
                    ["key_names"] = v => v is JArray { Count: > 0 } a && a.All(i => i.Type == JTokenType.String) ? null : "expected an array of strings",
                    ["hide_credentials"] = Bool, ["key_in_header"] = Bool, ["key_in_query"] = Bool, ["key_in_body"] = Bool, ["run_on_preflight"] = Bool,
                    ["anonymous"] = v => v.Type == JTokenType.String ? null : "expected a string",
                    ["realm"] = v => v.Type == JTokenType.String ? null : "expected a string",
                };
                break;
            default:
                errors["name"] = $"plugin '{plugin}' not enabled; add it to the 'plugins' configuration property";
                return input;
        }

        var configErrors = new JObject();
        foreach (var property in input.Properties())
        {
            var value = property.Value;
            if (!fields.TryGetValue(property.Name, out var check))
            {
                configErrors[property.Name] = "unknown field";
                continue;
            }

            if (value.Type == JTokenType.Null)
            {
                config[property.Name] = null;
                continue;
            }

            if (fromForm && value.Type == JTokenType.String)
            {
                value = (string)value! switch
                {
                    "true" => true,
                    "false" => false,
                    var s when int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && property.Name == "status" => n,
                    var s when property.Name is "allow" or "deny" or "key_names" => new JArray(s),
                    _ => value,
                };
            }

            var problem = check(value);
            if (problem is not null)
            {
                configErrors[property.Name] = problem;
                continue;
            }

            config[property.Name] = value.DeepClone();
        }

        if (plugin == "ip-restriction" && configErrors.Count == 0 && KongSchema.IsEmpty(config["allow"]) && KongSchema.IsEmpty(config["deny"]))
        {
            configErrors["@entity"] = new JArray("at least one of these fields must be non-empty: 'config.allow', 'config.deny'");
        }

        if (configErrors.Count > 0)
        {
            errors["config"] = configErrors;
        }

        return config;
    }

    private static string? Bool(JToken v) => v.Type == JTokenType.Boolean ? null : "expected a boolean";

    private static string? IpList(JToken v)
    {
        if (v is not JArray array)
        {
            return "expected an array";
        }

        foreach (var item in array)
        {
            if (item.Type != JTokenType.String || !Regex.IsMatch((string)item!, "^[0-9a-fA-F:.]+(/[0-9]{1,3})?$", RegexOptions.CultureInvariant))
            {
                return $"invalid ip or cidr range: '{item}'";
            }
        }

        return null;
    }
}
