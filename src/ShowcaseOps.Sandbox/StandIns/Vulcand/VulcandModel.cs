using System.Collections.Generic;
using Newtonsoft.Json.Linq;

namespace ShowcaseOps.Sandbox.StandIns.Vulcand;

/// <summary>A Vulcand host (TLS settings; routing lives in frontends).</summary>
public sealed class VulcandHost
{
    internal VulcandHost(string name, JToken? settings)
    {
        Name = name;
        Settings = settings;
    }

    public string Name { get; }

    public JToken? Settings { get; }

    internal JObject ToJson() => new() { [nameof(Name)] = Name, [nameof(Settings)] = Settings?.DeepClone() ?? new JObject { ["Default"] = false, ["KeyPair"] = null, ["OCSP"] = new JObject { ["Enabled"] = false, ["Period"] = "1h0m0s", ["Responders"] = null, ["SkipSignatureCheck"] = false } } };
}

/// <summary>A Vulcand backend and its servers.</summary>
public sealed class VulcandBackend
{
    internal VulcandBackend(string id, string type, JToken? settings, IReadOnlyList<VulcandServer> servers)
    {
        Id = id;
        Type = type;
        Settings = settings;
        Servers = servers;
    }

    public string Id { get; }

    public string Type { get; }

    public JToken? Settings { get; }

    public IReadOnlyList<VulcandServer> Servers { get; }

    internal VulcandBackend WithServers(IReadOnlyList<VulcandServer> servers) => new(Id, Type, Settings, servers);

    internal JObject ToJson() => new() { [nameof(Id)] = Id, [nameof(Type)] = Type, [nameof(Settings)] = Settings?.DeepClone() ?? new JObject { ["Timeouts"] = new JObject { ["Read"] = string.Empty, ["Dial"] = string.Empty, ["TLSHandshake"] = string.Empty }, ["KeepAlive"] = new JObject { ["Period"] = string.Empty, ["MaxIdleConnsPerHost"] = 0 }, ["TLS"] = null } };
}

/// <summary>A server of a Vulcand backend.</summary>
public sealed class VulcandServer
{
    internal VulcandServer(string id, string url)
    {
        Id = id;
        Url = url;
    }

    public string Id { get; }

    public string Url { get; }

    internal JObject ToJson() => new() { [nameof(Id)] = Id, ["URL"] = Url };
}

/// <summary>A Vulcand frontend: a route expression bound to a backend.</summary>
public sealed class VulcandFrontend
{
    internal VulcandFrontend(string id, string route, string type, string backendId, JToken? settings)
    {
        Id = id;
        Route = route;
        Type = type;
        BackendId = backendId;
        Settings = settings;
    }

    public string Id { get; }

    public string Route { get; }

    public string Type { get; }

    public string BackendId { get; }

    public JToken? Settings { get; }

    internal JObject ToJson() => new() { [nameof(Id)] = Id, [nameof(Route)] = Route, [nameof(Type)] = Type, [nameof(BackendId)] = BackendId, [nameof(Settings)] = Settings?.DeepClone() ?? new JObject { ["Limits"] = new JObject { ["MaxMemBodyBytes"] = 0, ["MaxBodyBytes"] = 0 }, ["FailoverPredicate"] = string.Empty, ["Hostname"] = string.Empty, ["TrustForwardHeader"] = false, ["PassHostHeader"] = false } };
}

/// <summary>A Vulcand listener (a socket the proxy serves on).</summary>
public sealed class VulcandListener
{
    internal VulcandListener(string id, string protocol, string network, string address, string scope, JToken? settings)
    {
        Id = id;
        Protocol = protocol;
        Network = network;
        Address = address;
        Scope = scope;
        Settings = settings;
    }

    public string Id { get; }

    public string Protocol { get; }

    public string Network { get; }

    /// <summary>host:port, for example <c>0.0.0.0:10000</c>.</summary>
    public string Address { get; }

    public string Scope { get; }

    public JToken? Settings { get; }

    internal JObject ToJson() => new() { [nameof(Id)] = Id, [nameof(Protocol)] = Protocol, [nameof(Address)] = new JObject { [nameof(Network)] = Network, [nameof(Address)] = Address }, [nameof(Scope)] = Scope, [nameof(Settings)] = Settings?.DeepClone() };
}
