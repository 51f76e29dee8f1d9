using System.Collections.Generic;
using Newtonsoft.Json.Linq;

namespace ShowcaseOps.Sandbox.StandIns.Consul;

/// <summary>One service instance registered with the stand-in's (single) Consul agent.</summary>
public sealed class ConsulServiceEntry
{
    internal ConsulServiceEntry(string id, string name, IReadOnlyList<string> tags, IReadOnlyDictionary<string, string> meta, string address, int port, JToken? checks, long createIndex, long modifyIndex)
    {
        Id = id;
        Name = name;
        Tags = tags;
        Meta = meta;
        Address = address;
        Port = port;
        Checks = checks;
        CreateIndex = createIndex;
        ModifyIndex = modifyIndex;
    }

    public string Id { get; }

    public string Name { get; }

    public IReadOnlyList<string> Tags { get; }

    public IReadOnlyDictionary<string, string> Meta { get; }

    public string Address { get; }

    public int Port { get; }

    /// <summary>The Check/Checks definitions as registered (not evaluated: the stand-in reports every check passing).</summary>
    public JToken? Checks { get; }

    public long CreateIndex { get; }

    public long ModifyIndex { get; }

    public override string ToString() => $"{Id} ({Name} {Address}:{Port})";
}
