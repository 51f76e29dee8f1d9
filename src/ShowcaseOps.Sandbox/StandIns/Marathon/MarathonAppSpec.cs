using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using Newtonsoft.Json.Linq;

namespace ShowcaseOps.Sandbox.StandIns.Marathon;

/// <summary>One entry of Marathon's <c>details</c> array: <c>{"path": "/id", "errors": ["…"]}</c>.</summary>
internal sealed class MarathonProblem
{
    public MarathonProblem(string path, string error)
    {
        Path = path;
        Error = error;
    }

    public string Path { get; }

    public string Error { get; }

    public static JArray ToDetails(IEnumerable<MarathonProblem> problems) =>
        new(problems.GroupBy(p => p.Path, StringComparer.Ordinal)
            .Select(g => new JObject { ["path"] = g.Key, ["errors"] = new JArray(g.Select(p => p.Error).Distinct(StringComparer.Ordinal)) }));
}

/// <summary>
/// What Marathon 1.10 does to an app definition on the way in: type checks (422 "Invalid JSON"), normalization
/// (defaults, legacy <c>container.docker.network</c>/<c>portMappings</c> moved to <c>networks</c>/<c>container.portMappings</c>,
/// service ports assigned), then validation (422 "Object is not valid").
/// </summary>
internal static class MarathonAppSpec
{
    /// <summary>Marathon's path segment rule, quoted as Marathon quotes it in its error message.</summary>
    public const string SegmentPatternText = "^(([a-z0-9]|[a-z0-9][a-z0-9\\-]*[a-z0-9])\\.)*([a-z0-9]|[a-z0-9][a-z0-9\\-]*[a-z0-9])|(\\.|\\.\\.)$";

    private static readonly Regex Segment = new("^(?:(([a-z0-9]|[a-z0-9][a-z0-9\\-]*[a-z0-9])\\.)*([a-z0-9]|[a-z0-9][a-z0-9\\-]*[a-z0-9])|(\\.|\\.\\.))$", RegexOptions.CultureInvariant);

    private static readonly string[] NumberFields = { "cpus", "mem", "disk", "gpus", "backoffSeconds", "backoffFactor", "maxLaunchDelaySeconds" };
    private static readonly string[] ArrayFields = { "args", "constraints", "healthChecks", "networks", "portDefinitions", "ports", "dependencies", "fetch", "uris", "readinessChecks" };
    private static readonly string[] ObjectFields = { "labels", "env", "container", "upgradeStrategy" };

    private static readonly char[] Slash = { '/' };

    /// <summary><c>web</c> → <c>/web</c>, <c>/a//b/</c> → <c>/a/b</c>.</summary>
    public static string NormalizeId(string raw) =>
        "/" + string.Join("/", raw.Split(Slash, StringSplitOptions.RemoveEmptyEntries));

    /// <summary>JSON-shape errors (Marathon answers them as 422 with message "Invalid JSON").</summary>
    public static List<MarathonProblem> ShapeErrors(JObject app, bool requireId)
    {
        var problems = new List<MarathonProblem>();
        var id = app["id"];
        if (id is null || id.Type == JTokenType.Null)
        {
            if (requireId)
            {
                problems.Add(new("/id", "error.path.missing"));
            }
        }
        else if (id.Type != JTokenType.String)
        {
            problems.Add(new("/id", "error.expected.jsstring"));
        }

        if (app["cmd"] is { } cmd && cmd.Type is not (JTokenType.String or JTokenType.Null))
        {
            problems.Add(new("/cmd", "error.expected.jsstring"));
        }

        if (app["instances"] is { } instances && instances.Type != JTokenType.Integer)
        {
            problems.Add(new("/instances", "error.expected.jsnumber"));
        }

        foreach (var field in NumberFields)
        {
            if (app[field] is { } value && value.Type is not (JTokenType.Integer or JTokenType.Float))
            {
                problems.Add(new("/" + field, "error.expected.jsnumber"));
            }
        }

        foreach (var field in ArrayFields)
        {
            if (app[field] is { } value && value.Type is not (JTokenType.Array or JTokenType.Null))
            {
                problems.Add(new("/" + field, "error.expected.jsarray"));
            }
        }

        foreach (var field in ObjectFields)
        {
            if (app[field] is { } value && value.Type is not (JTokenType.Object or JTokenType.Null))
            {
                problems.Add(new("/" + field, "error.expected.jsobject"));
            }
        }

        if (app["labels"] is JObject labels)
        {
            foreach (var label in labels.Properties().Where(p => p.Value.Type != JTokenType.String))
            {
                problems.Add(new("/labels/" + label.Name, "error.expected.jsstring"));
            }
        }

        return problems;
    }

    /// <summary>Fills Marathon's defaults and migrates legacy fields. <paramref name="assignServicePort"/> hands out free service ports.</summary>
    public static JObject Normalize(JObject app, string id, Func<int> assignServicePort)
    {
        var n = (JObject)app.DeepClone();
        n.Remove("id");
        n.AddFirst(new JProperty("id", id));
        DefaultTopLevel(n);
        var legacyNetwork = NormalizeContainer(n);
        if (n["networks"] is not JArray { Count: > 0 })
        {
            var mode = legacyNetwork?.ToUpperInvariant() switch
            {
                "BRIDGE" => "container/bridge",
                "USER" => "container",
                _ => "host",
            };
            n["networks"] = new JArray(new JObject { ["mode"] = mode });
        }

        if (IsContainerNetworking(n))
        {
            NormalizePortMappings(n, assignServicePort);
        }
        else
        {
            NormalizePortDefinitions(n, assignServicePort);
        }

        foreach (var check in ((JArray)n["healthChecks"]!).OfType<JObject>())
        {
            DefaultHealthCheck(check);
        }

        return n;
    }

    private static void DefaultTopLevel(JObject n)
    {
        Default(n, "instances", 1);
        Default(n, "cpus", 1.0);
        Default(n, "mem", 128.0);
        Default(n, "disk", 0.0);
        Default(n, "gpus", 0);
        Default(n, "backoffSeconds", 1);
        Default(n, "backoffFactor", 1.15);
        Default(n, "maxLaunchDelaySeconds", 300);
        Default(n, "executor", string.Empty);
        Default(n, "requirePorts", false);
        Default(n, "killSelection", "YOUNGEST_FIRST");
        foreach (var field in new[] { "constraints", "healthChecks", "readinessChecks", "dependencies", "fetch" })
        {
            Default(n, field, new JArray());
        }

        foreach (var field in new[] { "env", "labels" })
        {
            Default(n, field, new JObject());
        }

        Default(n, "upgradeStrategy", new JObject { ["minimumHealthCapacity"] = 1.0, ["maximumOverCapacity"] = 1.0 });
        Default(n, "unreachableStrategy", new JObject { ["inactiveAfterSeconds"] = 0, ["expungeAfterSeconds"] = 0 });
        Default(n, "role", "*");
    }

    /// <summary>Container defaults; moves the legacy <c>docker.portMappings</c> up. Returns the legacy <c>docker.network</c>, if any.</summary>
    private static string? NormalizeContainer(JObject n)
    {
        if (n["container"] is not JObject container)
        {
            return null;
        }

        string? legacyNetwork = null;
        var docker = container["docker"] as JObject;
        Default(container, "type", docker is null ? "MESOS" : "DOCKER");
        if (docker is not null)
        {
            legacyNetwork = (string?)docker["network"];
            docker.Remove("network");
            if (docker["portMappings"] is JArray legacyMappings && container["portMappings"] is null)
            {
                container["portMappings"] = legacyMappings;
            }

            docker.Remove("portMappings");
            Default(docker, "forcePullImage", false);
            Default(docker, "privileged", false);
            Default(docker, "parameters", new JArray());
        }

        Default(container, "volumes", new JArray());
        return legacyNetwork;
    }

    /// <summary>Container networking: ports live in <c>container.portMappings</c>; the host-networking fields go.</summary>
    private static void NormalizePortMappings(JObject n, Func<int> assignServicePort)
    {
        var bridge = NetworkMode(n) == "container/bridge";
        if (n["container"] is JObject c)
        {
            // (Assigning a JArray that already has a parent stores a copy: only assign a new one.)
            if (c["portMappings"] is not JArray mappings)
            {
                mappings = new JArray();
                c["portMappings"] = mappings;
            }

            foreach (var mapping in mappings.OfType<JObject>())
            {
                if (bridge)
                {
                    Default(mapping, "hostPort", 0);
                }

                Default(mapping, "protocol", "tcp");
                if ((int?)mapping["servicePort"] is null or 0)
                {
                    mapping["servicePort"] = assignServicePort();
                }
            }
        }

        n.Remove("ports");
        n.Remove("portDefinitions");
    }

    /// <summary>Host networking: <c>portDefinitions</c> (from the legacy <c>ports</c> when that is all there is).</summary>
    private static void NormalizePortDefinitions(JObject n, Func<int> assignServicePort)
    {
        if (n["portDefinitions"] is not JArray && n["ports"] is JArray ports)
        {
            n["portDefinitions"] = new JArray(ports.Select(p => new JObject { ["port"] = p.DeepClone() }));
        }

        n.Remove("ports");
        if (n["portDefinitions"] is not JArray definitions)
        {
            definitions = new JArray(new JObject { ["port"] = 0 });
            n["portDefinitions"] = definitions;
        }

        foreach (var definition in definitions.OfType<JObject>())
        {
            Default(definition, "protocol", "tcp");
            if ((int?)definition["port"] is null or 0)
            {
                definition["port"] = assignServicePort();
            }
        }
    }

    private static void DefaultHealthCheck(JObject check)
    {
        Default(check, "protocol", "HTTP");
        if (((string?)check["protocol"])?.Contains("HTTP") == true)
        {
            Default(check, "path", "/");
        }

        if (check["port"] is null && check["command"] is null)
        {
            Default(check, "portIndex", 0);
        }

        Default(check, "gracePeriodSeconds", 300);
        Default(check, "intervalSeconds", 60);
        Default(check, "timeoutSeconds", 20);
        Default(check, "maxConsecutiveFailures", 3);
        Default(check, "delaySeconds", 15);
        Default(check, "ignoreHttp1xx", false);
    }

    /// <summary>Semantic errors (Marathon answers 422 "Object is not valid").</summary>
    public static List<MarathonProblem> Validate(JObject n)
    {
        var problems = new List<MarathonProblem>();
        var id = (string)n["id"]!;
        if (id == "/" || id.Substring(1).Split('/').Any(s => !Segment.IsMatch(s)))
        {
            problems.Add(new("/id", "must fully match regular expression '" + SegmentPatternText + "'"));
        }

        var hasCmd = n["cmd"] is { Type: JTokenType.String };
        var hasArgs = n["args"] is JArray { Count: > 0 };
        if (!hasCmd && !hasArgs && n["container"] is not JObject)
        {
            problems.Add(new("/", "AppDefinition must either contain one of 'cmd' or 'args', and/or a 'container'."));
        }

        if (hasCmd && hasArgs)
        {
            problems.Add(new("/", "AppDefinition must either contain one of 'cmd' or 'args', and/or a 'container'."));
        }

        if ((int)n["instances"]! < 0)
        {
            problems.Add(new("/instances", "got " + ((int)n["instances"]!).ToString(CultureInfo.InvariantCulture) + ", expected 0 or more"));
        }

        foreach (var field in new[] { "cpus", "mem", "disk" })
        {
            var value = (double)n[field]!;
            if (value < 0)
            {
                problems.Add(new("/" + field, "got " + value.ToString(CultureInfo.InvariantCulture) + ", expected 0.0 or more"));
            }
        }

        var mode = NetworkMode(n);
        if (mode is not ("host" or "container/bridge" or "container"))
        {
            problems.Add(new("/networks(0)/mode", "error.expected.validenumvalue"));
        }

        if (n["container"] is JObject container)
        {
            if (container["docker"] is JObject docker && string.IsNullOrWhiteSpace((string?)docker["image"]))
            {
                problems.Add(new("/container/docker/image", "must not be empty"));
            }

            if (mode == "host" && container["portMappings"] is JArray { Count: > 0 })
            {
                problems.Add(new("/container/portMappings", "Port mappings are not allowed with host networking"));
            }

            if (container["portMappings"] is JArray mappings)
            {
                for (var i = 0; i < mappings.Count; i++)
                {
                    if (mappings[i] is JObject m && (m["containerPort"] is null || (int?)m["containerPort"] is < 0 or > 65535))
                    {
                        problems.Add(new("/container/portMappings(" + i.ToString(CultureInfo.InvariantCulture) + ")/containerPort", "error.path.missing"));
                    }
                }
            }
        }

        var portCount = PortCount(n);
        var checks = (JArray)n["healthChecks"]!;
        for (var i = 0; i < checks.Count; i++)
        {
            if (checks[i] is JObject check && (int?)check["portIndex"] is { } index && (index < 0 || index >= portCount))
            {
                problems.Add(new("/healthChecks(" + i.ToString(CultureInfo.InvariantCulture) + ")", "Health check port indices must address an element of the ports array or container port mappings."));
            }
        }

        return problems;
    }

    public static string NetworkMode(JObject n) => (string?)n["networks"]?[0]?["mode"] ?? "host";

    public static bool IsContainerNetworking(JObject n) => NetworkMode(n).StartsWith("container", StringComparison.Ordinal);

    /// <summary>Host-port requests per task: 0 = any port, otherwise the fixed port.</summary>
    public static IReadOnlyList<int> HostPortRequests(JObject n)
    {
        if (IsContainerNetworking(n))
        {
            var mappings = n["container"]?["portMappings"] as JArray ?? new JArray();
            return mappings.OfType<JObject>().Where(m => m["hostPort"] is not null).Select(m => (int)m["hostPort"]!).ToArray();
        }

        var definitions = n["portDefinitions"] as JArray ?? new JArray();
        return (bool?)n["requirePorts"] == true
            ? definitions.Select(d => (int?)d["port"] ?? 0).ToArray()
            : definitions.Select(_ => 0).ToArray();
    }

    public static IReadOnlyList<int> ServicePorts(JObject n) =>
        IsContainerNetworking(n)
            ? (n["container"]?["portMappings"] as JArray ?? new JArray()).Select(m => (int?)m["servicePort"] ?? 0).ToArray()
            : (n["portDefinitions"] as JArray ?? new JArray()).Select(d => (int?)d["port"] ?? 0).ToArray();

    private static int PortCount(JObject n) =>
        IsContainerNetworking(n) ? (n["container"]?["portMappings"] as JArray)?.Count ?? 0 : (n["portDefinitions"] as JArray)?.Count ?? 0;

    private static void Default(JObject target, string name, JToken value)
    {
        if (target[name] is null || target[name]!.Type == JTokenType.Null)
        {
            target[name] = value;
        }
    }
}
