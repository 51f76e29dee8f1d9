using System;
using System.Collections.Generic;
using System.Linq;
using ShowcaseOps.Sandbox.Hosting;
using ShowcaseOps.Sandbox.StandIns;

namespace ShowcaseOps.Sandbox;

/// <summary>
/// The zero-cost AWS and platform: stand-ins for EC2, SSM, Consul, Vulcand, Kong and Marathon, each on its own
/// loopback port, sharing one request log, one fault plan and one latency plan. Usable in-process from xunit
/// and from PowerShell (<c>Start-ShowcaseSandbox</c>).
/// </summary>
public sealed class SandboxHost : IDisposable
{
    private readonly List<StandInListener> _listeners = new();
    private readonly Dictionary<string, StandIn> _standIns = new(StringComparer.Ordinal);
    private readonly StandIn[] _dataPlane;
    private bool _disposed;

    private SandboxHost(SandboxOptions options)
    {
        Options = options;
        Pages = new PageSizer(options);
        Ec2 = new Ec2StandIn();
        Ssm = new SsmStandIn();
        Consul = new ConsulStandIn();
        Vulcand = new VulcandStandIn();
        Kong = new KongStandIn();
        Marathon = new MarathonStandIn();
        Imds = new ImdsStandIn { Host = this };
        TaskNetwork = new DataPlane.TaskNetworkStandIn();
        _dataPlane = new StandIn[] { TaskNetwork, new DataPlane.GatewayProxyStandIn("http"), new DataPlane.GatewayProxyStandIn("https") };
        foreach (var standIn in _dataPlane)
        {
            standIn.Host = this;
        }

        foreach (var standIn in new StandIn[] { Ec2, Ssm, Consul, Vulcand, Kong, Marathon })
        {
            standIn.Host = this;
            _standIns.Add(standIn.Service, standIn);
        }
    }

    /// <summary>Services in start order; also the keys of <see cref="Endpoints"/>.</summary>
    public static IReadOnlyList<string> Services { get; } = new[] { "ec2", "ssm", "consul", "vulcand", "kong", "marathon" };

    public SandboxOptions Options { get; }

    public RequestLog Log { get; } = new();

    public FaultInjector Faults { get; } = new();

    public LatencyInjector Latency { get; } = new();

    /// <summary>Page sizes of paginated answers (see <see cref="SandboxOptions.PageSizeMax"/>).</summary>
    public PageSizer Pages { get; }

    public DateTime StartedAt { get; private set; }

    public bool IsRunning => !_disposed && _listeners.Count > 0;

    public Ec2StandIn Ec2 { get; }

    public SsmStandIn Ssm { get; }

    public ConsulStandIn Consul { get; }

    public VulcandStandIn Vulcand { get; }

    public KongStandIn Kong { get; }

    public MarathonStandIn Marathon { get; }

    /// <summary>The instance metadata service (IMDSv2) of every instance, for the scripts the SSM stand-in runs (see <see cref="ImdsStandIn"/>).</summary>
    public ImdsStandIn Imds { get; }

    /// <summary>The metadata service's loopback URL (stands for <c>http://169.254.169.254/</c>; the first path segment names the instance).</summary>
    public Uri ImdsEndpoint { get; private set; } = new("http://127.0.0.1:9/");

    /// <summary>The data plane's task network: one loopback listener where every task answers (see <see cref="DataPlane.TaskNetworkStandIn"/>).</summary>
    public DataPlane.TaskNetworkStandIn TaskNetwork { get; }

    /// <summary>The task network's loopback URL (a request's Host header names the task's address and port).</summary>
    public Uri TaskNetworkEndpoint { get; private set; } = new("http://127.0.0.1:9/");

    /// <summary>Kong's proxy over plain HTTP (port 80 of the gateway on AWS), on loopback.</summary>
    public Uri GatewayHttpEndpoint { get; private set; } = new("http://127.0.0.1:9/");

    /// <summary>Kong's proxy over TLS (port 443 of the gateway on AWS), on loopback: the certificate Kong holds for the SNI.</summary>
    public Uri GatewayHttpsEndpoint { get; private set; } = new("https://127.0.0.1:9/");

    /// <summary>Service name → base URL (<c>http://127.0.0.1:port/</c>).</summary>
    public IReadOnlyDictionary<string, Uri> Endpoints { get; private set; } = new Dictionary<string, Uri>();

    /// <summary>The default port of the real service behind each stand-in (Consul 8500, Vulcand 8182, Kong 8001, Marathon 8080).</summary>
    public static IReadOnlyDictionary<string, int> RealPorts { get; } = new Dictionary<string, int>
    {
        ["consul"] = 8500,
        ["vulcand"] = 8182,
        ["kong"] = 8001,
        ["marathon"] = 8080,
    };

    public static SandboxHost Start(SandboxOptions? options = null)
    {
        var host = new SandboxHost(options ?? new SandboxOptions());
        try
        {
            host.StartListeners();
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return host;
    }

    public Uri Endpoint(string service) =>
        Endpoints.TryGetValue(service, out var uri) ? uri : throw new ArgumentException($"The sandbox has no service '{service}'. Known: {string.Join(", ", Services)}.", nameof(service));

    public StandIn StandIn(string service) =>
        _standIns.TryGetValue(service, out var standIn) ? standIn : throw new ArgumentException($"The sandbox has no service '{service}'.", nameof(service));

    /// <summary>Forgets every resource, log entry, fault and delay; the endpoints stay.</summary>
    public void Reset()
    {
        foreach (var standIn in _standIns.Values.Concat(_dataPlane))
        {
            standIn.Reset();
        }

        Imds.Reset();

        Log.Clear();
        Faults.Clear();
        Latency.Clear();
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var listener in _listeners)
        {
            listener.Dispose();
        }

        foreach (var standIn in _standIns.Values.OfType<IDisposable>())
        {
            standIn.Dispose();
        }
    }

    private void StartListeners()
    {
        var endpoints = new Dictionary<string, Uri>(StringComparer.Ordinal);
        foreach (var service in Services)
        {
            var listener = new StandInListener(_standIns[service], this);
            _listeners.Add(listener);
            endpoints[service] = listener.Endpoint;
        }

        Endpoints = endpoints;
        var imds = new StandInListener(Imds, this);
        _listeners.Add(imds);
        ImdsEndpoint = imds.Endpoint;
        var tasks = new StandInListener(_dataPlane[0], this);
        var http = new StandInListener(_dataPlane[1], this);
        var https = new StandInListener(_dataPlane[2], this, Kong.ServerCertificate);
        _listeners.AddRange(new[] { tasks, http, https });
        TaskNetworkEndpoint = tasks.Endpoint;
        GatewayHttpEndpoint = http.Endpoint;
        GatewayHttpsEndpoint = https.Endpoint;
        StartedAt = DateTime.UtcNow;
        foreach (var listener in _listeners)
        {
            listener.Start();
        }
    }
}
