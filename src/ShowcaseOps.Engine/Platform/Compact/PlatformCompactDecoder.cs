using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace ShowcaseOps.Core.Platform.Compact;

/// <summary>One answer of a compact read: its status, its JSON (only the fields the module reads) and the host's digest.</summary>
public sealed record PlatformCompactAnswer(int Status, string Body, string? Digest, bool Same);

/// <summary>A server list the host read ahead (<see cref="Same"/>: unchanged from the one this side holds).</summary>
public sealed record PlatformCompactServers(string Backend, int Status, string Body, string? Digest, bool Same);

/// <summary>A decoded compact frame: the batch's answers by index, and the server lists the host read ahead.</summary>
public sealed record PlatformCompactResult(IReadOnlyList<PlatformCompactAnswer> Answers, IReadOnlyList<PlatformCompactServers> Servers);

/// <summary>
/// Turns the payload of a <c>@@SHOWCASE-COMPACT</c> frame back into answers: "SCR1", the UUID count, the UUIDs (16 bytes
/// each), then JSON in which each UUID is written <c>\u0001delta\u0002</c> (its table index minus the previous one's).
/// Columns become the JSON the readers parse; a port written as <c>["p", i]</c> is port <c>i</c> of the task the entry
/// names. Anything that does not fit the format throws <see cref="InvalidDataException"/>.
/// </summary>
public static class PlatformCompactDecoder
{
    private static readonly Regex Reference = new(@"\\u0001(-?[0-9]{1,9})\\u0002", RegexOptions.CultureInvariant);
    private static readonly byte[] Magic = Encoding.ASCII.GetBytes("SCR1");
    private static readonly string[] TaskColumns = { "id", "app", "host", "ip", "hc", "ports", "sp", "st", "ag", "v" };
    private static readonly string[] ConsulColumns = { "k", "sv", "id", "a", "p", "t", "m", "c", "ti" };

    /// <summary>Decodes <paramref name="base64"/>; <paramref name="known"/> holds the bodies of answers the host calls "same" (by index).</summary>
    public static PlatformCompactResult Decode(string base64, IReadOnlyList<string?> kinds, IReadOnlyList<string?> known, IReadOnlyDictionary<string, string>? knownServers)
    {
        var doc = Document(Ssm.SsmCommandEncoder.Gunzip(Convert.FromBase64String(base64)));
        var entries = doc["r"] as JArray ?? throw Bad("no answers");
        if (entries.Count != kinds.Count)
        {
            throw Bad($"{entries.Count} answers for {kinds.Count} requests");
        }

        var answers = new PlatformCompactAnswer?[kinds.Count];
        var tasks = new TaskTable();
        // Marathon first: the other answers name its tasks' ports.
        foreach (var i in Enumerable.Range(0, kinds.Count).OrderBy(i => kinds[i] == PlatformCompactKinds.MarathonApps ? 0 : 1))
        {
            answers[i] = Answer(entries[i] as JObject ?? throw Bad("an answer is not an object"), kinds[i], i < known.Count ? known[i] : null, tasks);
        }

        var servers = (doc["p"] as JArray ?? new JArray()).Select(s => Servers(s as JObject ?? throw Bad("a server list is not an object"), tasks, knownServers)).ToArray();
        return new PlatformCompactResult(answers!, servers);
    }

    private static PlatformCompactAnswer Answer(JObject entry, string? kind, string? known, TaskTable tasks)
    {
        var status = (int?)entry["s"] ?? throw Bad("an answer without a status");
        var digest = (string?)entry["d"];
        if (entry["same"] is not null)
        {
            var body = known ?? throw Bad("the host called an answer unchanged, but none was sent");
            if (kind == PlatformCompactKinds.MarathonApps)
            {
                IndexTasks(Parse(body), tasks);
            }

            return new PlatformCompactAnswer(status, body, digest, true);
        }

        if (entry["raw"] is JValue raw)
        {
            return new PlatformCompactAnswer(status, (string?)raw ?? string.Empty, null, false);
        }

        JToken json = kind switch
        {
            PlatformCompactKinds.MarathonApps => Marathon(entry["m"] as JObject ?? throw Bad("Marathon's apps are missing")),
            PlatformCompactKinds.ConsulServices => Consul(Compact(entry), tasks),
            PlatformCompactKinds.VulcandServers => ServerList(Compact(entry), tasks),
            PlatformCompactKinds.VulcandHosts => Listing(Compact(entry), "Hosts", false),
            PlatformCompactKinds.VulcandBackends => Listing(Compact(entry), "Backends", false),
            PlatformCompactKinds.VulcandFrontends => Listing(Compact(entry), "Frontends", false),
            PlatformCompactKinds.VulcandListeners => Listing(Compact(entry), "Listeners", false),
            PlatformCompactKinds.KongServices or PlatformCompactKinds.KongRoutes => Listing(Compact(entry), "data", true),
            _ => throw Bad($"an encoded answer of unknown kind '{kind}'"),
        };
        if (kind == PlatformCompactKinds.MarathonApps)
        {
            IndexTasks(json, tasks);
        }

        return new PlatformCompactAnswer(status, json.ToString(Formatting.None), digest, false);
    }

    private static JObject Compact(JObject entry) => entry["c"] as JObject ?? throw Bad("an encoded answer without columns");

    // {"apps": [...], "n": [task count per app, -1 without tasks], "t": {column: [...]}} → {"apps": [... "tasks": [...]]}
    private static JObject Marathon(JObject m)
    {
        var apps = Array(m["apps"]);
        var counts = Array(m["n"]);
        var t = m["t"] as JObject ?? throw Bad("Marathon's task columns are missing");
        var columns = TaskColumns.ToDictionary(c => c, c => Array(t[c]));
        var total = counts.Sum(c => Math.Max(0, (int)c));
        if (counts.Count != apps.Count || columns.Values.Any(c => c.Count != total))
        {
            throw Bad("Marathon's columns do not line up");
        }

        var row = 0;
        for (var a = 0; a < apps.Count; a++)
        {
            var app = apps[a] as JObject ?? throw Bad("an app is not an object");
            var count = (int)counts[a];
            if (count < 0)
            {
                continue;
            }

            var tasks = new JArray();
            for (var k = 0; k < count; k++, row++)
            {
                tasks.Add(Task(app, columns, row));
            }

            app["tasks"] = tasks;
        }

        return new JObject { ["apps"] = apps };
    }

    private static JObject Task(JObject app, Dictionary<string, JArray> c, int row)
    {
        var task = new JObject
        {
            ["id"] = c["id"][row],
            ["appId"] = IsZero(c["app"][row]) ? app["id"]?.DeepClone() : c["app"][row],
            ["host"] = c["host"][row],
        };
        if (c["ip"][row] is JArray ips)
        {
            task["ipAddresses"] = new JArray(ips.Select(ip => new JObject { ["ipAddress"] = ip }));
        }

        if (c["hc"][row] is JArray health)
        {
            task["healthCheckResults"] = new JArray(health.Select(alive => new JObject { ["alive"] = (int)alive == 1 }));
        }

        task["ports"] = c["ports"][row];
        task["servicePorts"] = c["sp"][row];
        task["state"] = c["st"][row];
        if (c["ag"][row] is JArray { Count: 2 } agent && (string?)agent[0] == "a")
        {
            task["agentId"] = agent[1];
        }
        else
        {
            task["slaveId"] = c["ag"][row];
        }

        task["version"] = IsZero(c["v"][row]) ? app["version"]?.DeepClone() : c["v"][row];
        return task;
    }

    private static void IndexTasks(JToken marathon, TaskTable tasks)
    {
        foreach (var task in (marathon["apps"] as JArray ?? new JArray()).OfType<JObject>().SelectMany(a => (a["tasks"] as JArray ?? new JArray()).OfType<JObject>()))
        {
            tasks.Add(task);
        }
    }

    /// <summary>Marathon's tasks in the program's order (apps as listed, each app's tasks by id), and by id (the first of an id).</summary>
    private sealed class TaskTable
    {
        private readonly List<JObject> _order = new();
        private readonly Dictionary<string, JObject> _byId = new(StringComparer.Ordinal);

        public void Add(JObject task)
        {
            _order.Add(task);
            if (task["id"] is JValue { Type: JTokenType.String } id)
            {
                _byId.TryAdd((string)id!, task);
            }
        }

        public bool TryGetValue(string id, out JObject? task) => _byId.TryGetValue(id, out task);

        /// <summary>A column of task references (each the difference from the previous; null: none) as task ids.</summary>
        public string?[] Ids(JArray refs)
        {
            var ids = new string?[refs.Count];
            var last = 0;
            for (var i = 0; i < refs.Count; i++)
            {
                if (refs[i].Type == JTokenType.Null)
                {
                    continue;
                }

                last += (int)refs[i];
                ids[i] = last >= 0 && last < _order.Count ? (string?)_order[last]["id"] : throw Bad($"task reference {last} is outside Marathon's {_order.Count} tasks");
            }

            return ids;
        }
    }

    // Columns k (key, 0: the ID), sv, id (1: service + "-" + the instance), a, p, t, m, c (1: Meta showcase-check "tcp:<port>").
    private static JObject Consul(JObject c, TaskTable tasks)
    {
        var columns = ConsulColumns.ToDictionary(n => n, n => Array(c[n]));
        var count = columns["k"].Count;
        if (columns.Values.Any(col => col.Count != count))
        {
            throw Bad("Consul's columns do not line up");
        }

        var services = new JObject();
        var named = tasks.Ids(columns["ti"]);
        for (var row = 0; row < count; row++)
        {
            var meta = columns["m"][row];
            if (named[row] is { } taskId)
            {
                ((meta as JObject) ?? throw Bad("a task reference in a Consul entry without Meta"))["showcase-instance"] = taskId;
            }

            var instance = (meta as JObject)?["showcase-instance"] is JValue { Type: JTokenType.String } v ? (string)v! : null;
            var service = columns["sv"][row];
            var id = IsOne(columns["id"][row])
                ? (string?)service + "-" + (instance ?? throw Bad("a predicted Consul ID without an instance"))
                : (string?)columns["id"][row] ?? throw Bad("a Consul entry without an ID");
            var port = Port(columns["p"][row], instance, tasks, out _);
            if (IsOne(columns["c"][row]))
            {
                ((JObject)meta)["showcase-check"] = "tcp:" + ((int)port).ToString(CultureInfo.InvariantCulture);
            }

            var key = IsZero(columns["k"][row]) ? id : (string?)columns["k"][row] ?? throw Bad("a Consul entry without a key");
            services[key] = new JObject
            {
                ["ID"] = id,
                ["Service"] = service,
                ["Tags"] = columns["t"][row],
                ["Meta"] = meta,
                ["Address"] = columns["a"][row],
                ["Port"] = port,
            };
        }

        return services;
    }

    private static JObject ServerList(JObject c, TaskTable tasks)
    {
        if (c["v"] is not JArray ids)
        {
            return new JObject { ["Servers"] = null };
        }

        var urls = Array(c["u"]);
        var named = tasks.Ids(Array(c["ti"]));
        if (urls.Count != ids.Count || named.Length != ids.Count)
        {
            throw Bad("a server list's columns do not line up");
        }

        var servers = new JArray();
        for (var row = 0; row < ids.Count; row++)
        {
            var id = named[row] is { } taskId ? new JValue(taskId) : ids[row];
            JToken url = urls[row];
            if (url is JArray)
            {
                var port = Port(url, (string?)id, tasks, out var task);
                url = "http://" + (string?)task!["host"] + ":" + ((int)port).ToString(CultureInfo.InvariantCulture);
            }

            servers.Add(new JObject { ["Id"] = id, ["URL"] = url });
        }

        return new JObject { ["Servers"] = servers };
    }

    private static PlatformCompactServers Servers(JObject entry, TaskTable tasks, IReadOnlyDictionary<string, string>? known)
    {
        var backend = (string?)entry["b"] ?? throw Bad("a server list without its backend");
        var status = (int?)entry["s"] ?? throw Bad("a server list without a status");
        var digest = (string?)entry["d"];
        if (entry["same"] is not null)
        {
            return known is not null && known.TryGetValue(backend, out var body)
                ? new PlatformCompactServers(backend, status, body, digest, true)
                : throw Bad($"the host called the servers of '{backend}' unchanged, but none were sent");
        }

        var text = entry["raw"] is JValue raw ? (string?)raw ?? string.Empty : ServerList(Compact(entry), tasks).ToString(Formatting.None);
        return new PlatformCompactServers(backend, status, text, entry["raw"] is null ? digest : null, false);
    }

    private static JObject Listing(JObject c, string key, bool kong)
    {
        var listing = new JObject { [key] = c["l"] };
        if (kong)
        {
            listing["next"] = c["next"];
        }

        return listing;
    }

    // ["p", i]: port i of the task named; anything else is the port itself.
    private static JToken Port(JToken written, string? taskId, TaskTable tasks, out JObject? task)
    {
        task = null;
        if (written is not JArray { Count: 2 } reference || (string?)reference[0] != "p")
        {
            return written;
        }

        if (taskId is null || !tasks.TryGetValue(taskId, out task) || task?["ports"] is not JArray ports)
        {
            throw Bad($"a port refers to task '{taskId}', which the Marathon answer does not hold");
        }

        var index = (int)reference[1];
        return index >= 0 && index < ports.Count ? ports[index] : throw Bad($"port #{index} of task '{taskId}' does not exist");
    }

    private static bool IsZero(JToken token) => token.Type == JTokenType.Integer && (long)token == 0;

    private static bool IsOne(JToken token) => token.Type == JTokenType.Integer && (long)token == 1;

    private static JArray Array(JToken? token) => token as JArray ?? throw Bad("a column is missing");

    private static JObject Document(byte[] payload)
    {
        if (payload.Length < 8 || !payload.Take(4).SequenceEqual(Magic))
        {
            throw Bad("not a compact read payload");
        }

        var count = (payload[4] << 24) | (payload[5] << 16) | (payload[6] << 8) | payload[7];
        if (count < 0 || 8L + (16L * count) > payload.Length)
        {
            throw Bad("the UUID table is cut short");
        }

        var table = new string[count];
        for (var i = 0; i < count; i++)
        {
            var hex = new StringBuilder(36);
            for (var b = 0; b < 16; b++)
            {
                if (b is 4 or 6 or 8 or 10)
                {
                    hex.Append('-');
                }

                hex.Append(payload[8 + (16 * i) + b].ToString("x2", CultureInfo.InvariantCulture));
            }

            table[i] = hex.ToString();
        }

        var text = Encoding.ASCII.GetString(payload, 8 + (16 * count), payload.Length - 8 - (16 * count));
        var last = 0;
        text = Reference.Replace(text, match =>
        {
            var index = last + int.Parse(match.Groups[1].Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            if (index < 0 || index >= table.Length)
            {
                throw Bad($"UUID reference {index} is outside the table of {table.Length}");
            }

            last = index;
            return table[index];
        });
        return Parse(text) as JObject ?? throw Bad("the document is not an object");
    }

    private static JToken Parse(string json)
    {
        try
        {
            using var reader = new JsonTextReader(new StringReader(json)) { DateParseHandling = DateParseHandling.None, FloatParseHandling = FloatParseHandling.Double };
            return JToken.ReadFrom(reader);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException("The compact read is not valid JSON: " + ex.Message, ex);
        }
    }

    private static InvalidDataException Bad(string why) => new("The compact read could not be decoded: " + why + ".");
}
