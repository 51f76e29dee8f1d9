using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.SimpleSystemsManagement;
using ShowcaseOps.Core.Cluster;
using ShowcaseOps.Core.Execution;
using ShowcaseOps.Core.Ssm;
using ShowcaseOps.Core.Bootstrap;
using ShowcaseOps.Core.Marathon;

namespace ShowcaseOps.Core.Bootstrap;

/// <summary>The tags that record a host's bootstrap (state lives in tags, like the rest of the cluster).</summary>
public static class BootstrapTags
{
    /// <summary><c>ok</c> or <c>failed</c>.</summary>
    public const string Status = "showcase:bootstrap";

    /// <summary>The version (hash) of the role's scripts of the last run.</summary>
    public const string Version = "showcase:bootstrap-version";

    public const string Ok = "ok";
    public const string Failed = "failed";
}

/// <summary>What to bootstrap.</summary>
public sealed class BootstrapRequest
{
    /// <summary>Only hosts of these roles (gateway, master, agent); null or empty: every role.</summary>
    public IReadOnlyCollection<string>? Roles { get; init; }

    /// <summary>Only these instances; null or empty: every host of the roles.</summary>
    public IReadOnlyCollection<string>? InstanceIds { get; init; }

    /// <summary>Re-run on hosts already bootstrapped with the current scripts.</summary>
    public bool Force { get; init; }

    /// <summary>How long to wait for the hosts to be Online in SSM (SsmInstanceNotOnline after that).</summary>
    public TimeSpan OnlineTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Called once per host as soon as its outcome is known (skipped, succeeded or failed), from any thread.</summary>
    public Action<HostRunResult>? HostCompleted { get; init; }
}

/// <summary>Timings of the bootstrap. <see cref="Default"/> suits real AWS; tests pass shorter ones.</summary>
public sealed class BootstrapOptions
{
    public static BootstrapOptions Default { get; } = new();

    /// <summary>AWS-RunShellScript executionTimeout (a master builds Vulcand and pulls several images: 30 minutes at least).</summary>
    public TimeSpan ExecutionTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Delay between DescribeInstanceInformation polls while waiting for the hosts to be Online.</summary>
    public TimeSpan OnlinePollInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>First delay between status polls (one ListCommandInvocations per command; it grows ×1.5 up to <see cref="MaxPollInterval"/>).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxPollInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Backoff of SSM and EC2 calls on throttling and server errors.</summary>
    public RetryPolicy RetryPolicy { get; init; } = RetryPolicy.Aws;

    /// <summary>Where the scripts are (null: bootstrap/ next to ShowcaseOps.dll).</summary>
    public string? ScriptsDirectory { get; init; }
}

/// <summary>The hosts one bootstrap will run, skip or cannot reach (from <see cref="BootstrapOrchestrator.Plan"/>).</summary>
public sealed class BootstrapPlan
{
    internal BootstrapPlan(ClusterInfo cluster, BootstrapRequest request, BootstrapScripts scripts)
    {
        Cluster = cluster;
        Request = request;
        Scripts = scripts;
    }

    public ClusterInfo Cluster { get; }

    public BootstrapRequest Request { get; }

    public BootstrapScripts Scripts { get; }

    /// <summary>Hosts to bootstrap, master first (a caller may remove some, e.g. when ShouldProcess declines).</summary>
    public List<ClusterHostInfo> ToRun { get; } = new();

    /// <summary>Results known without running: Skipped (already ok with this version) and NotSent (stopped, no address).</summary>
    public List<HostRunResult> Skipped { get; } = new();

    /// <summary>The version of the scripts a host of <paramref name="role"/> gets.</summary>
    public string VersionOf(string role) => Scripts.VersionOf(role);
}

/// <summary>
/// Installs the platform on a cluster's hosts through SSM Run Command: waits until the hosts are Online, runs the
/// master's script first, then the gateway's and the agents' concurrently (one SendCommand per role and per 50 hosts:
/// per-host values travel in a table the script picks its row from), and records each host's outcome in its tags
/// (<see cref="BootstrapTags"/>). By default only hosts whose tags do not say <c>ok</c> with the current scripts' version
/// are run. See docs/bootstrap.md, "How bootstrap runs".
/// </summary>
public sealed class BootstrapOrchestrator
{
    private const int ParentActivity = 4710;
    private const int HostActivityBase = 4800;
    private const int MaxTagResources = 100;

    private readonly IAmazonEC2 _ec2;
    private readonly IAmazonSimpleSystemsManagement _ssm;
    private readonly BootstrapOptions _options;
    private readonly BootstrapScripts? _scripts;

    private BootstrapOrchestrator(IAmazonEC2 ec2, IAmazonSimpleSystemsManagement ssm, BootstrapOptions options, BootstrapScripts? scripts)
    {
        _ec2 = ec2 ?? throw new ArgumentNullException(nameof(ec2));
        _ssm = ssm ?? throw new ArgumentNullException(nameof(ssm));
        _options = options;
        _scripts = scripts;
    }

    /// <summary>
    /// An orchestrator on these clients. (A factory, not a public constructor: PowerShell inspects public constructors on
    /// import, and an SDK type in one would load the AWS SDK.)
    /// </summary>
    public static BootstrapOrchestrator Create(IAmazonEC2 ec2, IAmazonSimpleSystemsManagement ssm, BootstrapOptions? options = null, BootstrapScripts? scripts = null) =>
        new(ec2, ssm, options ?? TestHooks.EffectiveBootstrapOptions, scripts);

    /// <summary>
    /// Bootstraps the hosts of <paramref name="cluster"/> (as discovered: its instance tags say what is done already) that
    /// <paramref name="request"/> selects: <see cref="Plan"/> then <see cref="ExecuteAsync"/>.
    /// </summary>
    public Task<IReadOnlyList<HostRunResult>> RunAsync(ClusterInfo cluster, BootstrapRequest request, IOperationReporter reporter, CancellationToken cancellationToken) =>
        ExecuteAsync(Plan(cluster, request, reporter), reporter, cancellationToken);

    /// <summary>
    /// Decides, without any AWS call, which selected hosts run (their tags do not say <c>ok</c> with the current version
    /// of their role's scripts, or <see cref="BootstrapRequest.Force"/>), which are skipped, and which cannot run
    /// (stopped, no address). Bad input throws a terminating error; an instance id that is not a host of the cluster is
    /// reported as <c>ShowcaseHostNotFound</c>. A caller may drop hosts from <see cref="BootstrapPlan.ToRun"/> (ShouldProcess).
    /// </summary>
    public BootstrapPlan Plan(ClusterInfo cluster, BootstrapRequest request, IOperationReporter reporter)
    {
        if (cluster is null)
        {
            throw new ArgumentNullException(nameof(cluster));
        }

        request ??= new BootstrapRequest();
        reporter ??= NullReporter.Instance;
        ClusterHostSelection.Validate(request.Roles, request.InstanceIds);
        var scripts = _scripts ?? BootstrapScripts.Load(_options.ScriptsDirectory);
        var plan = new BootstrapPlan(cluster, request, scripts);
        var selected = ClusterHostSelection.Select(cluster, request.Roles, request.InstanceIds, reporter)
            .OrderBy(h => RoleOrder(h.Role))
            .ThenBy(h => h.Index ?? 0)
            .ToList();
        foreach (var host in selected)
        {
            if (!BootstrapScripts.Roles.Contains(host.Role, StringComparer.Ordinal))
            {
                reporter.Warning($"{host.Name} ({host.InstanceId}) has no bootstrap role (showcase:role '{host.Role}'): skipped.");
                continue;
            }

            var version = scripts.VersionOf(host.Role);
            var tags = InstanceTags(cluster, host.InstanceId);
            var done = tags.TryGetValue(BootstrapTags.Status, out var status) && status == BootstrapTags.Ok
                       && tags.TryGetValue(BootstrapTags.Version, out var tagged) && tagged == version;
            if (done && !request.Force)
            {
                reporter.Verbose($"{host.Name} ({host.InstanceId}): already bootstrapped with version {version}; skipped (use -Force to run it again).");
                plan.Skipped.Add(new HostRunResult
                {
                    Cluster = cluster.Name,
                    InstanceId = host.InstanceId,
                    Name = host.Name,
                    Role = host.Role,
                    Status = HostRunStatus.Skipped,
                    ExitCode = 0,
                    BootstrapVersion = version,
                    Message = $"Already bootstrapped with version {version}.",
                });
            }
            else if (!ClusterHostSelection.IsRunnable(host) || host.PrivateIpAddress is null)
            {
                var result = ClusterHostSelection.NotSent(cluster.Name, host, $"{host.Name} ({host.InstanceId}) is {host.State}{(host.PrivateIpAddress is null ? " and has no private address" : string.Empty)}: it cannot be bootstrapped.");
                result.BootstrapVersion = version;
                plan.Skipped.Add(result);
            }
            else
            {
                plan.ToRun.Add(host);
            }
        }

        return plan;
    }

    /// <summary>
    /// Runs a plan: waits until its hosts are Online in SSM, runs the master first, then the gateway and the agents
    /// concurrently, and tags each host with the outcome. Returns one result per host of the plan (skipped ones too), in
    /// role order. A failing host is a result plus a non-terminating failure on the reporter (<c>ShowcaseBootstrapFailed</c>,
    /// <c>…TimedOut</c>, <c>…NotSent</c>); the others complete. Cancelling cancels the commands on the hosts and throws.
    /// </summary>
    public async Task<IReadOnlyList<HostRunResult>> ExecuteAsync(BootstrapPlan plan, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        if (plan is null)
        {
            throw new ArgumentNullException(nameof(plan));
        }

        reporter ??= NullReporter.Instance;
        var cluster = plan.Cluster;
        var request = plan.Request;
        var scripts = plan.Scripts;
        var toRun = plan.ToRun.ToList();
        var results = new List<HostRunResult>();

        void Done(HostRunResult result)
        {
            lock (results)
            {
                results.Add(result);
            }

            request.HostCompleted?.Invoke(result);
        }

        foreach (var skipped in plan.Skipped)
        {
            Done(skipped);
            if (skipped.Status != HostRunStatus.Skipped)
            {
                reporter.Failure(ToFailure(skipped));
            }
        }

        if (toRun.Count == 0)
        {
            reporter.Verbose($"Cluster '{cluster.Name}': no host to bootstrap.");
            return Ordered(results);
        }

        var masterIp = cluster.Master?.PrivateIpAddress;
        if (masterIp is null || cluster.VpcCidr is null)
        {
            throw new ShowcaseException(ShowcaseErrors.ShowcaseBootstrapClusterIncomplete, cluster.Name, $"Cluster '{cluster.Name}' has no master with a private address (or no VPC): every host's bootstrap needs the master's address.")
            {
                RecommendedAction = $"Complete the cluster first: New-ShowcaseCluster -Name {cluster.Name} adopts what exists and creates the rest.",
            };
        }

        using var progress = new BootstrapProgress(reporter, cluster.Name, toRun);
        try
        {
            // The hosts read the cluster's secrets (Consul ACL tokens, gossip key, Marathon credentials) at bootstrap.
            progress.All("Creating the cluster's secrets in Parameter Store");
            await Services.ClusterSecrets.EnsureAsync(_ssm, cluster.Name, _options.RetryPolicy, reporter, cancellationToken).ConfigureAwait(false);
            progress.All("Waiting for the hosts to be Online in SSM");
            await SsmReadiness.WaitOnlineAsync(_ssm, toRun.Select(h => h.InstanceId).ToList(), request.OnlineTimeout, reporter, cancellationToken, _options.OnlinePollInterval).ConfigureAwait(false);

            var calls = new Ec2Calls(reporter, new ClusterEngineOptions { Retry = _options.RetryPolicy });
            var context = new RoleRun(this, cluster, scripts, masterIp, cluster.VpcCidr, progress, calls, reporter, Done);
            var master = toRun.Where(h => h.Role == ClusterRoles.Master).ToList();
            var others = toRun.Where(h => h.Role != ClusterRoles.Master).ToList();
            foreach (var host in others)
            {
                progress.Host(host, master.Count > 0 ? "Waiting for the master's bootstrap" : "Waiting to start");
            }

            var masterOk = true;
            if (master.Count > 0)
            {
                progress.Phase("running the master's bootstrap (the other hosts wait for it)");
                var outcome = await context.RunAsync(ClusterRoles.Master, master, cancellationToken).ConfigureAwait(false);
                masterOk = outcome.All(r => r.Status == HostRunStatus.Success);
                if (!masterOk && others.Count > 0)
                {
                    reporter.Warning($"The master's bootstrap failed; the gateway and agents are bootstrapped anyway (their Consul and Mesos agents keep retrying the master). Fix the master and run Invoke-ShowcaseBootstrap -Name {cluster.Name} again.");
                }
            }

            var gateways = others.Count(h => h.Role == ClusterRoles.Gateway);
            var agents = others.Count(h => h.Role == ClusterRoles.Agent);
            progress.Phase($"running the bootstrap of {gateways} gateway(s) and {agents} agent(s)");
            await Task.WhenAll(
                context.RunAsync(ClusterRoles.Gateway, others.Where(h => h.Role == ClusterRoles.Gateway).ToList(), cancellationToken),
                context.RunAsync(ClusterRoles.Agent, others.Where(h => h.Role == ClusterRoles.Agent).ToList(), cancellationToken)).ConfigureAwait(false);
        }
        finally
        {
            progress.Complete();
        }

        return Ordered(results);
    }

    /// <summary>Parses the bootstrap's last stdout line: <c>SHOWCASE-BOOTSTRAP-OK role</c> or <c>SHOWCASE-BOOTSTRAP-FAILED role step=… exit=…</c>.</summary>
    internal static (bool? Ok, string? Step) ParseMarker(string stdout)
    {
        var last = (stdout ?? string.Empty).Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.Length > 0) ?? string.Empty;
        if (last.StartsWith("SHOWCASE-BOOTSTRAP-OK ", StringComparison.Ordinal))
        {
            return (true, null);
        }

        if (last.StartsWith("SHOWCASE-BOOTSTRAP-FAILED ", StringComparison.Ordinal))
        {
            var step = last.Split(' ').FirstOrDefault(p => p.StartsWith("step=", StringComparison.Ordinal))?.Substring(5);
            return (false, step);
        }

        return (null, null);
    }

    internal static ShowcaseException ToFailure(HostRunResult result)
    {
        var host = $"{result.Name} ({result.Role}, {result.InstanceId})";
        var tail = result.StderrTail.Trim();
        var stderr = tail.Length == 0 ? string.Empty : " stderr: " + tail;
        return result.Status switch
        {
            HostRunStatus.TimedOut => new ShowcaseException(ShowcaseErrors.ShowcaseBootstrapTimedOut, result.InstanceId, $"The bootstrap of {host} timed out.{stderr}")
            {
                RecommendedAction = $"Look at /var/log/showcaseops/bootstrap.log on the host (Invoke-ShowcaseCommand -Name {result.Cluster} -InstanceId {result.InstanceId} -Script 'tail -n 50 /var/log/showcaseops/bootstrap.log'), then run Invoke-ShowcaseBootstrap again.",
            },
            HostRunStatus.NotSent => new ShowcaseException(ShowcaseErrors.ShowcaseBootstrapNotSent, result.InstanceId, $"The bootstrap could not be sent to {host}: {result.Message}")
            {
                RecommendedAction = "Check that the instance is running and Online in SSM, then run Invoke-ShowcaseBootstrap again.",
            },
            _ => new ShowcaseException(
                ShowcaseErrors.ShowcaseBootstrapFailed,
                result.InstanceId,
                $"The bootstrap of {host} failed{(result.FailedStep is null ? string.Empty : " at step " + result.FailedStep)} with exit code {result.ExitCode}.{stderr}")
            {
                RecommendedAction = $"Read the step's error above and /var/log/showcaseops/bootstrap.log on the host, fix the cause, then run Invoke-ShowcaseBootstrap -Name {result.Cluster} again (it re-runs only the hosts that have not succeeded).",
            },
        };
    }

    private static int RoleOrder(string role) => role switch
    {
        ClusterRoles.Master => 0,
        ClusterRoles.Gateway => 1,
        ClusterRoles.Agent => 2,
        _ => 3,
    };

    private static List<HostRunResult> Ordered(List<HostRunResult> results)
    {
        lock (results)
        {
            return results.OrderBy(r => RoleOrder(r.Role)).ToList();
        }
    }

    private static IReadOnlyDictionary<string, string> InstanceTags(ClusterInfo cluster, string instanceId) =>
        cluster.Resources.FirstOrDefault(r => r.ResourceType == "instance" && r.Id == instanceId)?.Tags
        ?? new Dictionary<string, string>();

    /// <summary>The table of per-host values the script picks its row from (see <see cref="BootstrapScripts.HostSelector"/>).</summary>
    internal static string HostTable(string cluster, IEnumerable<ClusterHostInfo> hosts)
    {
        var table = new StringBuilder();
        foreach (var host in hosts)
        {
            table.Append(host.InstanceId).Append(' ').Append(host.PrivateIpAddress).Append(' ').Append(NodeName(cluster, host)).Append('\n');
        }

        return table.ToString();
    }

    /// <summary>The host and Consul node name: the Name tag when it is a valid host name, else cluster-role[-index].</summary>
    internal static string NodeName(string cluster, ClusterHostInfo host)
    {
        var name = host.Name ?? string.Empty;
        if (name.Length is > 0 and <= 63 && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-') && name[0] != '-' && name[name.Length - 1] != '-')
        {
            return name;
        }

        return host.Index is { } index ? $"{cluster}-{host.Role}-{index.ToString(CultureInfo.InvariantCulture)}" : $"{cluster}-{host.Role}";
    }

    /// <summary>Runs one role's script on its hosts and records the outcomes.</summary>
    private sealed class RoleRun
    {
        private readonly BootstrapOrchestrator _owner;
        private readonly ClusterInfo _cluster;
        private readonly BootstrapScripts _scripts;
        private readonly string _masterIp;
        private readonly string _vpcCidr;
        private readonly BootstrapProgress _progress;
        private readonly Ec2Calls _calls;
        private readonly IOperationReporter _reporter;
        private readonly Action<HostRunResult> _done;

        public RoleRun(BootstrapOrchestrator owner, ClusterInfo cluster, BootstrapScripts scripts, string masterIp, string vpcCidr, BootstrapProgress progress, Ec2Calls calls, IOperationReporter reporter, Action<HostRunResult> done)
        {
            _owner = owner;
            _cluster = cluster;
            _scripts = scripts;
            _masterIp = masterIp;
            _vpcCidr = vpcCidr;
            _progress = progress;
            _calls = calls;
            _reporter = reporter;
            _done = done;
        }

        public async Task<IReadOnlyList<HostRunResult>> RunAsync(string role, List<ClusterHostInfo> hosts, CancellationToken cancellationToken)
        {
            if (hosts.Count == 0)
            {
                return Array.Empty<HostRunResult>();
            }

            // One runner call per 50 hosts (the SendCommand limit), so each command's host table lists only its own hosts.
            var chunks = hosts.Select((h, i) => (h, i)).GroupBy(x => x.i / SsmCommandEncoder.MaxInstanceIdsPerCommand, x => x.h).Select(g => g.ToList()).ToList();
            var outcomes = await Task.WhenAll(chunks.Select((chunk, i) => RunChunkAsync(role, chunk, i, cancellationToken))).ConfigureAwait(false);
            return outcomes.SelectMany(o => o).ToList();
        }

        private async Task<IReadOnlyList<HostRunResult>> RunChunkAsync(string role, List<ClusterHostInfo> hosts, int chunk, CancellationToken cancellationToken)
        {
            var version = _scripts.VersionOf(role);
            var environment = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["SHOWCASE_CLUSTER"] = _cluster.Name,
                ["SHOWCASE_ROLE"] = role,
                ["SHOWCASE_DOMAIN"] = _cluster.Domain ?? ClusterSpec.DefaultDomain,
                ["SHOWCASE_MASTER_IP"] = _masterIp,
                ["SHOWCASE_VPC_CIDR"] = _vpcCidr,
                ["SHOWCASE_HOSTS"] = HostTable(_cluster.Name, hosts),
            };
            var options = new SsmRunOptions
            {
                Comment = $"showcaseops:bootstrap {role} {_cluster.Name} {version}",
                ExecutionTimeout = _owner._options.ExecutionTimeout,
                PollInterval = _owner._options.PollInterval,
                MaxPollInterval = _owner._options.MaxPollInterval,
                RetryPolicy = _owner._options.RetryPolicy,
                ProgressActivityId = ParentActivity + 10 + (chunk * 3) + RoleOrder(role),
                ParentProgressActivityId = ParentActivity,
            };
            foreach (var host in hosts)
            {
                _progress.Host(host, $"Running the {role} bootstrap (version {version})");
            }

            _reporter.Verbose($"Bootstrapping {hosts.Count} {role} host(s) of '{_cluster.Name}' with script version {version}: {string.Join(", ", hosts.Select(h => h.Name))}.");
            var targets = hosts.Select(h => new SsmTarget(h.InstanceId, role, h.Name)).ToList();
            var ssmResults = await SsmRunner.Create(_owner._ssm).RunAsync(new SsmScript(_scripts.For(role), environment), targets, options, _reporter, cancellationToken).ConfigureAwait(false);

            var results = ssmResults.Select(r => ToResult(r, version)).ToList();
            await TagAsync(results, version, cancellationToken).ConfigureAwait(false);
            foreach (var result in results)
            {
                _progress.HostDone(result);
                _done(result);
                if (result.Status != HostRunStatus.Success)
                {
                    _reporter.Failure(ToFailure(result));
                }
            }

            return results;
        }

        private HostRunResult ToResult(SsmHostResult ssm, string version)
        {
            var result = ClusterHostSelection.FromSsm(_cluster.Name, ssm);
            result.BootstrapVersion = version;
            var (ok, step) = ParseMarker(ssm.StandardOutput);
            result.FailedStep = step;
            if (result.Status == HostRunStatus.Success && ok == false)
            {
                result.Status = HostRunStatus.Failed;
            }
            else if (result.Status == HostRunStatus.Success && ok is null)
            {
                _reporter.Verbose($"{ssm.Name} ({ssm.InstanceId}): exit code 0 without the 'SHOWCASE-BOOTSTRAP-OK {ssm.Role}' line (the sandbox only syntax-checks bootstrap scripts); counted as success.");
            }

            if (result.Status != HostRunStatus.Success && result.Message.Length == 0)
            {
                result.Message = $"The bootstrap failed with exit code {result.ExitCode}.";
            }

            return result;
        }

        /// <summary>Records the outcomes: showcase:bootstrap = ok|failed and showcase:bootstrap-version (one CreateTags per outcome and 100 hosts).</summary>
        private async Task TagAsync(IReadOnlyList<HostRunResult> results, string version, CancellationToken cancellationToken)
        {
            foreach (var group in results.GroupBy(r => r.Status == HostRunStatus.Success ? BootstrapTags.Ok : BootstrapTags.Failed))
            {
                var ids = group.Select(r => r.InstanceId).ToList();
                for (var start = 0; start < ids.Count; start += MaxTagResources)
                {
                    var chunk = ids.Skip(start).Take(MaxTagResources).ToList();
                    var value = group.Key;
                    try
                    {
                        await ((Task)_calls.Ec2Async(
                            "CreateTags",
                            $"{BootstrapTags.Status}={value} {BootstrapTags.Version}={version} on {string.Join(", ", chunk)}",
                            ct => _owner._ec2.CreateTagsAsync(
                                new CreateTagsRequest
                                {
                                    Resources = chunk,
                                    Tags = new List<Tag> { new(BootstrapTags.Status, value), new(BootstrapTags.Version, version) },
                                },
                                ct),
                            cancellationToken)).ConfigureAwait(false);
                    }
                    catch (ShowcaseException ex)
                    {
                        _reporter.Warning($"Could not record the bootstrap outcome in the tags of {string.Join(", ", chunk)} ({ex.Message}); the next Invoke-ShowcaseBootstrap runs them again.");
                    }
                }
            }
        }
    }

    /// <summary>A parent progress activity for the bootstrap and a child per host; always completed.</summary>
    private sealed class BootstrapProgress : IDisposable
    {
        private readonly IOperationReporter _reporter;
        private readonly Dictionary<string, (int Id, ClusterHostInfo Host)> _hosts = new(StringComparer.Ordinal);
        private readonly HashSet<string> _finished = new(StringComparer.Ordinal);
        private readonly object _gate = new();
        private readonly ProgressTicker _parent;
        private string _phase = "starting";

        public BootstrapProgress(IOperationReporter reporter, string cluster, IReadOnlyList<ClusterHostInfo> hosts)
        {
            _reporter = reporter;
            _parent = new ProgressTicker(reporter, ParentActivity, $"Bootstrapping cluster '{cluster}'");
            for (var i = 0; i < hosts.Count; i++)
            {
                _hosts[hosts[i].InstanceId] = (HostActivityBase + i, hosts[i]);
            }
        }

        /// <summary>What the bootstrap does now (the parent's status line, which keeps moving while hosts run).</summary>
        public void Phase(string phase)
        {
            int finished;
            lock (_gate)
            {
                _phase = phase;
                finished = _finished.Count;
            }

            Parent($"{phase} ({finished} of {_hosts.Count} hosts done)", _hosts.Count == 0 ? 100 : finished * 100 / _hosts.Count);
        }

        public void All(string status)
        {
            _phase = status;
            Parent(status);
            foreach (var host in _hosts.Values)
            {
                Host(host.Host, status);
            }
        }

        public void Host(ClusterHostInfo host, string status)
        {
            if (_hosts.TryGetValue(host.InstanceId, out var entry))
            {
                _reporter.Progress(new ProgressUpdate(entry.Id, $"{host.Name} ({host.Role})", status) { ParentActivityId = ParentActivity });
            }
        }

        public void HostDone(HostRunResult result)
        {
            if (!_hosts.TryGetValue(result.InstanceId, out var entry))
            {
                return;
            }

            int finished;
            string phase;
            lock (_gate)
            {
                _finished.Add(result.InstanceId);
                finished = _finished.Count;
                phase = _phase;
            }

            var status = result.Status == HostRunStatus.Success ? "ok" : $"{result.Status}{(result.FailedStep is null ? string.Empty : " at step " + result.FailedStep)} (exit code {result.ExitCode})";
            _reporter.Progress(new ProgressUpdate(entry.Id, $"{result.Name} ({result.Role})", status) { ParentActivityId = ParentActivity, PercentComplete = 100, Completed = true });
            Parent($"{phase} ({finished} of {_hosts.Count} hosts done)", finished * 100 / _hosts.Count);
        }

        public void Complete()
        {
            foreach (var entry in _hosts.Values)
            {
                _reporter.Progress(new ProgressUpdate(entry.Id, $"{entry.Host.Name} ({entry.Host.Role})", "Done") { ParentActivityId = ParentActivity, PercentComplete = 100, Completed = true });
            }

            _parent.Complete("Done");
        }

        public void Dispose() => _parent.Dispose();

        private void Parent(string status, int percent = 0) => _parent.Update(status, percent);
    }
}
