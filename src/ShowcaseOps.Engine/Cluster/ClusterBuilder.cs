using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.SimpleSystemsManagement;
using GetParameterRequest = Amazon.SimpleSystemsManagement.Model.GetParameterRequest;
using Filter = Amazon.EC2.Model.Filter;
using ResourceType = Amazon.EC2.ResourceType;
using Tag = Amazon.EC2.Model.Tag;
using ShowcaseOps.Core.Execution;
using ShowcaseOps.Core.Ssm;

namespace ShowcaseOps.Core.Cluster;

/// <summary>A plan for one cluster: what exists, and the dependency graph of steps that completes it.</summary>
public sealed class ClusterPlan
{
    internal ClusterPlan(ClusterSpec spec, ClusterInfo existing, IReadOnlyList<PlanStep> steps, string region, IReadOnlyList<string> warnings, BuildContext context, Ec2Calls calls)
    {
        Calls = calls;
        Spec = spec;
        Existing = existing;
        Steps = steps;
        Region = region;
        Warnings = warnings;
        Context = context;
    }

    public ClusterSpec Spec { get; }

    /// <summary>What discovery found before planning (an empty cluster when nothing is tagged with the name).</summary>
    public ClusterInfo Existing { get; }

    public IReadOnlyList<PlanStep> Steps { get; }

    public string Region { get; }

    public IReadOnlyList<string> Warnings { get; }

    internal BuildContext Context { get; }

    /// <summary>The call wrapper the steps use (its reporter is pointed at whoever applies the plan).</summary>
    internal Ec2Calls Calls { get; }

    /// <summary>True when every resource exists as wanted: applying the plan makes no AWS call that changes anything.</summary>
    public bool ChangesNothing => Steps.All(s => s.Action is StepAction.Exists or StepAction.Read);

    /// <summary>Approximate cost per hour of the whole cluster once complete (USD, on-demand).</summary>
    public decimal EstimatedHourlyCost => Steps.Sum(s => s.HourlyCost ?? 0m);

    /// <summary>The plan as text (what -WhatIf prints): one line per step, then the cost estimate.</summary>
    public string Describe()
    {
        var sb = new StringBuilder();
        sb.AppendFormat(CultureInfo.InvariantCulture, "Cluster '{0}' in {1} (VPC {2}, domain {3}, image {4}):", Spec.Name, Region, Existing.VpcCidr ?? Spec.VpcCidr, Existing.Domain ?? Spec.Domain, Context.ImageId ?? Spec.ImageId ?? Spec.ImageParameter).AppendLine();
        foreach (var step in PlanExecutor.TopologicalOrder(Steps))
        {
            sb.AppendFormat(CultureInfo.InvariantCulture, "  {0,-8} {1,-27} {2}", step.Action.ToString().ToLowerInvariant(), step.Id, step.Description);
            if (step.HourlyCost is { } cost)
            {
                sb.AppendFormat(CultureInfo.InvariantCulture, "  (~${0:0.000}/h)", cost);
            }

            sb.AppendLine();
        }

        sb.AppendLine(ClusterPlanText.Counts(Steps));
        sb.AppendFormat(CultureInfo.InvariantCulture, "Estimated cost while it runs: about ${0:0.00} per hour (${1:0} per 30 days); approximate eu-west-1 on-demand prices, data transfer extra.", EstimatedHourlyCost, EstimatedHourlyCost * 720m);
        return sb.ToString();
    }
}

/// <summary>The outcome of applying a plan.</summary>
public sealed class ClusterBuildResult
{
    public ClusterBuildResult(ClusterInfo cluster, PlanRunReport report, IReadOnlyList<string> addedInstanceIds, IReadOnlyList<string> changedSteps)
    {
        Cluster = cluster;
        Report = report;
        AddedInstanceIds = addedInstanceIds;
        ChangedSteps = changedSteps;
    }

    /// <summary>The cluster as discovery sees it after the run.</summary>
    public ClusterInfo Cluster { get; }

    public PlanRunReport Report { get; }

    /// <summary>Instances this run launched (the bootstrap hook installs the platform on these).</summary>
    public IReadOnlyList<string> AddedInstanceIds { get; }

    /// <summary>Ids of the steps that created or completed something.</summary>
    public IReadOnlyList<string> ChangedSteps { get; }
}

/// <summary>Ids the steps of one run hand to each other (each written by one step before its dependents start).</summary>
internal sealed class BuildContext
{
    public string? VpcId { get; set; }

    public string? InternetGatewayId { get; set; }

    public string? Zone { get; set; }

    public string? PublicSubnetId { get; set; }

    public string? PrivateSubnetId { get; set; }

    public string? PublicRouteTableId { get; set; }

    public string? PrivateRouteTableId { get; set; }

    public ConcurrentDictionary<string, string> SecurityGroupIds { get; } = new(StringComparer.Ordinal);

    public string? NatAllocationId { get; set; }

    public string? GatewayAllocationId { get; set; }

    public string? NatGatewayId { get; set; }

    public string? ImageId { get; set; }

    public string RootDeviceName { get; set; } = "/dev/sda1";

    public string? KeyName { get; set; }

    public string? GatewayInstanceId { get; set; }

    public ConcurrentQueue<string> AddedInstanceIds { get; } = new();

    /// <summary>Host steps (by step id) signal here once their instance is launched or found: their writes are done.</summary>
    public ConcurrentDictionary<string, TaskCompletionSource<bool>> Launched { get; } = new(StringComparer.Ordinal);

    /// <summary>The master and agents as their waits last read them, running (no step changes them afterwards).</summary>
    public ConcurrentDictionary<string, Instance> RunningAnswers { get; } = new(StringComparer.Ordinal);

    public ConcurrentQueue<string> ChangedSteps { get; } = new();

    /// <summary>
    /// The cluster's generation (the VPC's <c>showcase:generation</c> tag): part of every client token, so a re-run of
    /// the same cluster sends the same tokens (a create whose answer was lost returns the first result), and a cluster
    /// created again after a remove does not meet the tokens of the one before.
    /// </summary>
    public string Generation { get; set; } = ClusterTags.NewGeneration();
}

/// <summary>
/// Creates (or completes) a cluster: discovers what exists by tags, plans the missing resources as a dependency graph
/// and runs independent steps concurrently. Every resource is tagged at creation, so an interrupted run is completed by
/// running it again.
/// </summary>
internal sealed partial class ClusterBuilder
{
    private const string Any = "0.0.0.0/0";
    private readonly IAmazonEC2 _ec2;
    private readonly IAmazonSimpleSystemsManagement? _ssm;
    private readonly Ec2Calls _calls;

    public ClusterBuilder(IAmazonEC2 ec2, IAmazonSimpleSystemsManagement? ssm, IOperationReporter reporter, ClusterEngineOptions options)
    {
        _ec2 = ec2 ?? throw new ArgumentNullException(nameof(ec2));
        _ssm = ssm;
        _calls = new Ec2Calls(reporter ?? throw new ArgumentNullException(nameof(reporter)), options ?? throw new ArgumentNullException(nameof(options)));
    }

    private IOperationReporter Reporter => _calls.Reporter;

    private ClusterEngineOptions Options => _calls.Options;

    public async Task<ClusterBuildResult> BuildAsync(ClusterSpec spec, CancellationToken cancellationToken)
    {
        var plan = await PlanAsync(spec, cancellationToken).ConfigureAwait(false);
        return await ApplyAsync(plan, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Validates the spec, discovers what exists and plans the rest. Makes read calls only.</summary>
    public async Task<ClusterPlan> PlanAsync(ClusterSpec spec, CancellationToken cancellationToken)
    {
        if (spec is null)
        {
            throw new ArgumentNullException(nameof(spec));
        }

        spec.Validate();

        // Reads only, concurrently: what exists, and the image (so a bad image fails before anything is created).
        var image = new BuildContext();
        var discovery = ClusterDiscovery.DiscoverAsync(_ec2, spec.Name, _calls, cancellationToken);
        var resolve = ResolveImageAsync(spec, image, cancellationToken);
        await Task.WhenAll(discovery, resolve).ConfigureAwait(false);
        return Plan(spec, discovery.Result, image);
    }

    /// <summary>Runs the plan's steps (concurrently where the graph allows), then rediscovers the cluster.</summary>
    public async Task<ClusterBuildResult> ApplyAsync(ClusterPlan plan, CancellationToken cancellationToken)
    {
        if (plan is null)
        {
            throw new ArgumentNullException(nameof(plan));
        }

        plan.Calls.Reporter = Reporter;

        // One run at a time per cluster. A plan made before the lock is made again when another run held it, or when
        // the VPC it means to create has appeared meanwhile.
        var held = plan.ChangesNothing || LockHeld ? null : await ClusterLock.AcquireAsync(_ec2, _calls, plan.Spec.Name, cancellationToken).ConfigureAwait(false);
        PlanRunReport report;
        Task<ClusterInfo>? check = null;
        try
        {
            if (held is { Waited: true })
            {
                plan = await ReplanAsync(plan, "changed while this run waited for its lock", cancellationToken).ConfigureAwait(false);
            }

            foreach (var warning in plan.Warnings)
            {
                Reporter.Warning(warning);
            }

            try
            {
                if (plan.ChangesNothing)
                {
                    report = await PlanExecutor.RunAsync(plan.Steps, Options.MaxConcurrency, Reporter, $"Building cluster {plan.Spec.Name}", cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    (report, check) = await RunWithCheckAsync(plan, held, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (StalePlanException)
            {
                plan = await ReplanAsync(plan, "was created by another run after this plan was made", cancellationToken).ConfigureAwait(false);
                report = await PlanExecutor.RunAsync(plan.Steps, Options.MaxConcurrency, Reporter, $"Building cluster {plan.Spec.Name}", cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            if (held is not null)
            {
                await held.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }

        Reporter.Verbose("Plan: " + report);

        // Every change is made: the lock is released while the result is read (reads need no lock).
        var release = held is null ? Task.CompletedTask : held.DisposeAsync().AsTask();
        ClusterInfo cluster;
        try
        {
            cluster = plan.ChangesNothing ? plan.Existing : await VerifyCompleteAsync(plan.Spec.Name, cancellationToken, KnownAfter(plan), check).ConfigureAwait(false);
        }
        finally
        {
            await release.ConfigureAwait(false);
        }

        if (ClusterTeardown.Duplicates(cluster).Count > 0)
        {
            await new ClusterTeardown(_ec2, Reporter, Options).RemoveDuplicatesAsync(cluster, cancellationToken).ConfigureAwait(false);
            cluster = await VerifyCompleteAsync(plan.Spec.Name, cancellationToken).ConfigureAwait(false);
        }

        if (cluster.State != ClusterState.Complete)
        {
            throw NotComplete(cluster);
        }

        return new ClusterBuildResult(cluster, report, plan.Context.AddedInstanceIds.ToList(), plan.Context.ChangedSteps.ToList());
    }

    private async Task<ClusterPlan> ReplanAsync(ClusterPlan plan, string why, CancellationToken cancellationToken)
    {
        Reporter.Verbose($"Cluster '{plan.Spec.Name}' {why}: planning again.");
        var fresh = await ClusterDiscovery.DiscoverAsync(_ec2, plan.Spec.Name, _calls, cancellationToken).ConfigureAwait(false);
        return Plan(plan.Spec, fresh, plan.Context);
    }

    /// <summary>A step found that what the plan was made from is no longer true.</summary>
    private sealed class StalePlanException : Exception
    {
        public StalePlanException()
            : base("The plan is stale.")
        {
        }
    }

    /// <summary>Set by a caller that already holds the cluster's lock (Set-ShowcaseCluster).</summary>
    internal bool LockHeld { get; init; }

    private async Task<bool> TaggedVpcExistsAsync(string name, CancellationToken ct)
    {
        var vpcs = await ClusterDiscovery.OwnedVpcsAsync(_ec2, name, _calls, ct).ConfigureAwait(false);
        return vpcs.Count > 0;
    }

    /// <summary>
    /// Discovery after the steps ran: the result must be Complete. Tag-filtered Describe calls may lag behind a create
    /// for a moment, so a Partial answer is read again within the retry budget before it counts.
    /// </summary>
    private async Task<ClusterInfo> VerifyCompleteAsync(string name, CancellationToken cancellationToken, KnownIds? known = null, Task<ClusterInfo>? first = null)
    {
        var started = DateTime.UtcNow;
        var random = new Random();
        for (var attempt = 0; ; attempt++)
        {
            var cluster = attempt == 0 && first is not null ? await first.ConfigureAwait(false) : await ClusterDiscovery.DiscoverAsync(_ec2, name, _calls, cancellationToken, known).ConfigureAwait(false);
            var delay = Options.Retry.DelayFor(attempt, random);
            if (cluster.State == ClusterState.Complete || DateTime.UtcNow - started + delay > Options.Retry.Budget)
            {
                return cluster;
            }

            Reporter.Verbose($"Cluster '{name}' reads as partial right after the run (missing: {string.Join(", ", cluster.Missing)}); reading again in {delay.TotalMilliseconds:0} ms.");
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        }
    }

    internal static ShowcaseException NotComplete(ClusterInfo cluster) =>
        new(ShowcaseErrors.ShowcaseClusterNotComplete, cluster.Name, $"Cluster '{cluster.Name}' is not complete after the run (missing: {string.Join(", ", cluster.Missing)}).")
        {
            RecommendedAction = $"Run New-ShowcaseCluster -Name {cluster.Name} again with the same parameters: it completes what exists. Get-ShowcaseCluster {cluster.Name} shows the current state.",
        };

    internal ClusterPlan Plan(ClusterSpec spec, ClusterInfo existing, BuildContext? resolvedImage = null)
    {
        var st = new PlanState(spec, existing);
        if (resolvedImage?.ImageId is not null)
        {
            st.Ctx.ImageId = resolvedImage.ImageId;
            st.Ctx.RootDeviceName = resolvedImage.RootDeviceName;
        }

        st.WarnAboutIgnoredSettings();
        PlanReads(st);
        PlanVpc(st);
        PlanSubnets(st);
        PlanSecurityGroups(st);
        PlanAddresses(st);
        PlanRouteTables(st);
        PlanNatGateway(st);
        PlanHosts(st);
        return new ClusterPlan(spec, existing, st.Steps, existing.Region, st.Warnings, st.Ctx, _calls);
    }

    /// <summary>Reads (image, availability zone) and the key pair.</summary>
    private void PlanReads(PlanState st)
    {
        var (spec, existing, ctx, name) = (st.Spec, st.Existing, st.Ctx, st.Name);
        // ---- reads: image and availability zone ----
        if (st.MissingHosts > 0 && ctx.ImageId is null)
        {
            st.Add("image", "image", spec.ImageId ?? "AMI from SSM parameter " + spec.ImageParameter, StepAction.Read, Array.Empty<string>(), ct => ResolveImageAsync(spec, ctx, ct));
            st.ImageDeps.Add("image");
        }

        ctx.Zone = existing.AvailabilityZone ?? spec.AvailabilityZone;
        if (ctx.Zone is null && (existing.PublicSubnet is null || existing.PrivateSubnet is null))
        {
            st.Add("zone", "availability-zone", "first available zone of " + existing.Region, StepAction.Read, Array.Empty<string>(), ct => ResolveZoneAsync(ctx, ct));
            st.ZoneDeps.Add("zone");
        }

        // ---- key pair ----
        ctx.KeyName = spec.EffectiveKeyName ?? existing.KeyPairName;
        if (spec.PublicKey is not null)
        {
            var keyName = spec.EffectiveKeyName!;
            var exists = existing.KeyPairNames.Contains(keyName);
            st.Add("key-pair", ClusterRoles.KeyPair, "key pair " + keyName, exists ? StepAction.Exists : StepAction.Create, Array.Empty<string>(), ct => exists ? Task.CompletedTask : ImportKeyPairAsync(spec, keyName, ct));
            st.KeyDeps.Add("key-pair");
        }
    }

    /// <summary>The VPC, the internet gateway and its attachment.</summary>
    private void PlanVpc(PlanState st)
    {
        var (spec, existing, ctx, name) = (st.Spec, st.Existing, st.Ctx, st.Name);
        // ---- VPC and internet gateway ----
        ctx.VpcId = existing.VpcId;
        if (existing.Generation is not null)
        {
            ctx.Generation = existing.Generation;
        }
        st.Add("vpc", ClusterRoles.Vpc, $"{name}-vpc {st.VpcCidr}", existing.VpcId is null ? StepAction.Create : StepAction.Exists, Array.Empty<string>(), async ct =>
        {
            if (ctx.VpcId is null)
            {
                // CreateVpc has no ClientToken: look for the cluster's VPC first. One made since this plan was made (by
                // a run that finished just before this one took the lock) means the plan is stale.
                if (await TaggedVpcExistsAsync(name, ct).ConfigureAwait(false))
                {
                    throw new StalePlanException();
                }

                var tags = ClusterTags.For(name, ClusterRoles.Vpc);
                tags[ClusterTags.Domain] = spec.Domain;
                tags[ClusterTags.Generation] = ctx.Generation;
                ctx.VpcId = await _calls.CreateWithoutTokenAsync(
                    "CreateVpc",
                    spec.VpcCidr,
                    c => SdkCall.MapAsync(_ec2.CreateVpcAsync(new CreateVpcRequest { CidrBlock = spec.VpcCidr, TagSpecifications = Tagging("vpc", tags) }, c), r => r.Vpc.VpcId),
                    async c => (await ClusterDiscovery.OwnedVpcsAsync(_ec2, name, _calls, c).ConfigureAwait(false)).Select(v => v.VpcId).ToList(),
                    ct).ConfigureAwait(false);
            }
        });

        ctx.InternetGatewayId = existing.InternetGatewayId;
        st.Add("internet-gateway", ClusterRoles.InternetGateway, $"{name}-internet-gateway", existing.InternetGatewayId is null ? StepAction.Create : StepAction.Exists, Array.Empty<string>(), async ct =>
        {
            if (ctx.InternetGatewayId is null)
            {
                ctx.InternetGatewayId = await _calls.CreateWithoutTokenAsync(
                    "CreateInternetGateway",
                    name + "-internet-gateway",
                    c => SdkCall.MapAsync(_ec2.CreateInternetGatewayAsync(new CreateInternetGatewayRequest { TagSpecifications = Tagging("internet-gateway", ClusterTags.For(name, ClusterRoles.InternetGateway)) }, c), r => r.InternetGateway.InternetGatewayId),
                    async c => (await ClusterDiscovery.OwnedInternetGatewaysAsync(_ec2, name, _calls, c).ConfigureAwait(false)).Where(g => ClusterDiscovery.Role(g.Tags) == ClusterRoles.InternetGateway).Select(g => g.InternetGatewayId).ToList(),
                    ct).ConfigureAwait(false);
            }
        });

        var attached = existing.InternetGatewayId is not null && existing.VpcId is not null && existing.InternetGatewayVpcId == existing.VpcId;
        if (existing.InternetGatewayVpcId is not null && existing.InternetGatewayVpcId != existing.VpcId)
        {
            throw new ShowcaseException(ShowcaseErrors.ShowcaseClusterConflict, existing.InternetGatewayId, $"The internet gateway {existing.InternetGatewayId} of cluster '{name}' is attached to {existing.InternetGatewayVpcId}, not to the cluster's VPC {existing.VpcId}.")
            {
                Terminating = true,
                RecommendedAction = "Remove the cluster with Remove-ShowcaseCluster and create it again.",
            };
        }

        st.Add("internet-gateway-attachment", ClusterRoles.InternetGateway, "attach internet gateway to the VPC", attached ? StepAction.Exists : StepAction.Create, Deps("vpc", "internet-gateway"), async ct =>
        {
            if (!attached)
            {
                try
                {
                    await _calls.Ec2Async("AttachInternetGateway", $"{ctx.InternetGatewayId} to {ctx.VpcId}", c => _ec2.AttachInternetGatewayAsync(new AttachInternetGatewayRequest { InternetGatewayId = ctx.InternetGatewayId, VpcId = ctx.VpcId }, c), ct).ConfigureAwait(false);
                }
                catch (ShowcaseException ex) when (Code(ex) == "Resource.AlreadyAssociated")
                {
                    if (!await GatewayAttachedAsync(ctx.InternetGatewayId!, ctx.VpcId!, ct).ConfigureAwait(false))
                    {
                        throw;
                    }

                    Reporter.Verbose($"{ctx.InternetGatewayId} is already attached to {ctx.VpcId} (a retried call whose first answer was lost).");
                }
            }
        });
    }

    /// <summary>The public and the private subnet.</summary>
    private void PlanSubnets(PlanState st)
    {
        var (spec, existing, ctx, name) = (st.Spec, st.Existing, st.Ctx, st.Name);
        // ---- subnets ----
        void Subnet(string role, SubnetInfo? found, string cidr, Action<string> set)
        {
            if (found is not null)
            {
                set(found.Id);
            }

            st.Add(role, role, $"{name}-{role} {found?.Cidr ?? cidr}", found is null ? StepAction.Create : StepAction.Exists, Deps("vpc").Concat(st.ZoneDeps).ToArray(), async ct =>
            {
                if (found is null)
                {
                    try
                    {
                        var response = await _calls.Ec2Async("CreateSubnet", $"{cidr} in {ctx.Zone}", c => _ec2.CreateSubnetAsync(new CreateSubnetRequest { VpcId = ctx.VpcId, CidrBlock = cidr, AvailabilityZone = ctx.Zone, TagSpecifications = Tagging("subnet", ClusterTags.For(name, role)) }, c), ct).ConfigureAwait(false);
                        set(response.Subnet.SubnetId);
                    }
                    catch (ShowcaseException ex) when (Code(ex) == "InvalidSubnet.Conflict")
                    {
                        // CreateSubnet has no ClientToken: the SDK's retry of a create whose answer was lost meets our own subnet.
                        var own = await OwnSubnetAsync(name, role, cidr, ctx.VpcId!, ct).ConfigureAwait(false);
                        if (own is null)
                        {
                            throw;
                        }

                        Reporter.Verbose($"The subnet {cidr} already exists as {own} with this cluster's tags (a create whose answer was lost): adopting it.");
                        set(own);
                    }
                }
            });
        }

        Subnet(ClusterRoles.PublicSubnet, existing.PublicSubnet, spec.PublicSubnetCidr, id => ctx.PublicSubnetId = id);
        Subnet(ClusterRoles.PrivateSubnet, existing.PrivateSubnet, spec.PrivateSubnetCidr, id => ctx.PrivateSubnetId = id);
    }

    /// <summary>The three security groups (created empty) and their ingress from the flow table.</summary>
    private void PlanSecurityGroups(PlanState st)
    {
        var (spec, existing, ctx, name) = (st.Spec, st.Existing, st.Ctx, st.Name);
        // ---- security groups (created empty) and their ingress (the flow table, sources as group references) ----
        var groupRoles = new[] { (Role: ClusterRoles.GatewaySecurityGroup, Found: existing.GatewaySecurityGroup), (Role: ClusterRoles.MasterSecurityGroup, Found: existing.MasterSecurityGroup), (Role: ClusterRoles.AgentSecurityGroup, Found: existing.AgentSecurityGroup) };
        foreach (var (role, found) in groupRoles)
        {
            if (found is not null)
            {
                ctx.SecurityGroupIds[role] = found.Id;
            }

            st.Add(role, role, $"{name}-{role} (no SSH)", found is null ? StepAction.Create : StepAction.Exists, Deps("vpc"), ct => EnsureSecurityGroupAsync(name, role, found?.Id, ctx, ct));
        }

        foreach (var (role, found) in groupRoles)
        {
            var action = IngressAction(role, groupRoles, st.VpcCidr);
            st.Add(role + "-ingress", role, $"ingress of {name}-{role} from the flow table (sources: the cluster's groups)", action, groupRoles.Select(g => g.Role).ToArray(), ct =>
                action == StepAction.Exists ? Task.CompletedTask : EnsureIngressAsync(role, found, st.VpcCidr, ctx, ct));
        }
    }

    /// <summary>The two Elastic IPs (NAT gateway, gateway host).</summary>
    private void PlanAddresses(PlanState st)
    {
        var (spec, existing, ctx, name) = (st.Spec, st.Existing, st.Ctx, st.Name);
        // ---- Elastic IPs ----
        ctx.NatAllocationId = existing.NatAddress?.AllocationId;
        ctx.GatewayAllocationId = existing.GatewayAddress?.AllocationId;
        st.Add(ClusterRoles.NatEip, ClusterRoles.NatEip, $"{name}-nat-eip", existing.NatAddress is null ? StepAction.Create : StepAction.Exists, Array.Empty<string>(), async ct =>
        {
            ctx.NatAllocationId ??= await AllocateAsync(name, ClusterRoles.NatEip, ct).ConfigureAwait(false);
        }, ClusterCost.PublicIpv4Hourly);
        st.Add(ClusterRoles.GatewayEip, ClusterRoles.GatewayEip, $"{name}-gateway-eip", existing.GatewayAddress is null ? StepAction.Create : StepAction.Exists, Array.Empty<string>(), async ct =>
        {
            ctx.GatewayAllocationId ??= await AllocateAsync(name, ClusterRoles.GatewayEip, ct).ConfigureAwait(false);
        }, ClusterCost.PublicIpv4Hourly);
    }

    /// <summary>Route tables, the public route and both associations.</summary>
    private void PlanRouteTables(PlanState st)
    {
        var (spec, existing, ctx, name) = (st.Spec, st.Existing, st.Ctx, st.Name);
        // ---- route tables, routes, associations ----
        void RouteTable(string role, RouteTableInfo? found, Action<string> set)
        {
            if (found is not null)
            {
                set(found.Id);
            }

            st.Add(role, role, $"{name}-{role}", found is null ? StepAction.Create : StepAction.Exists, Deps("vpc"), async ct =>
            {
                if (found is null)
                {
                    var table = await WithTokenAsync(name, role, ctx, token => _calls.Ec2Async("CreateRouteTable", "in " + ctx.VpcId, c => _ec2.CreateRouteTableAsync(new CreateRouteTableRequest { VpcId = ctx.VpcId, ClientToken = token, TagSpecifications = Tagging("route-table", ClusterTags.For(name, role)) }, c), ct), r => r.RouteTable.VpcId == ctx.VpcId).ConfigureAwait(false);
                    set(table.RouteTable.RouteTableId);
                }
            });
        }

        RouteTable(ClusterRoles.PublicRouteTable, existing.PublicRouteTable, id => ctx.PublicRouteTableId = id);
        RouteTable(ClusterRoles.PrivateRouteTable, existing.PrivateRouteTable, id => ctx.PrivateRouteTableId = id);

        var publicRouteOk = existing.PublicRouteTable?.DefaultRouteTarget is { } pt && pt == existing.InternetGatewayId;
        st.Add("public-route", ClusterRoles.PublicRouteTable, "route 0.0.0.0/0 to the internet gateway", publicRouteOk ? StepAction.Exists : StepAction.Create, Deps(ClusterRoles.PublicRouteTable, "internet-gateway-attachment"), ct =>
            publicRouteOk ? Task.CompletedTask : EnsureDefaultRouteAsync(ctx.PublicRouteTableId!, existing.PublicRouteTable?.DefaultRouteTarget, gatewayId: ctx.InternetGatewayId, natGatewayId: null, ct));

        var publicAssociated = existing.PublicRouteTable is not null && existing.PublicSubnet is not null && existing.PublicRouteTable.Associations.Any(a => a.SubnetId == existing.PublicSubnet.Id);
        st.Add("public-association", ClusterRoles.PublicRouteTable, "public subnet uses the public route table", publicAssociated ? StepAction.Exists : StepAction.Create, Deps(ClusterRoles.PublicRouteTable, ClusterRoles.PublicSubnet), ct =>
            publicAssociated ? Task.CompletedTask : AssociateAsync(ctx.PublicRouteTableId!, ctx.PublicSubnetId!, ct));
    }

    /// <summary>The NAT gateway and the private route through it.</summary>
    private void PlanNatGateway(PlanState st)
    {
        var (spec, existing, ctx, name) = (st.Spec, st.Existing, st.Ctx, st.Name);
        // ---- NAT gateway ----
        var nat = existing.NatGateway;
        ctx.NatGatewayId = nat?.Id;
        st.Add(ClusterRoles.NatGateway, ClusterRoles.NatGateway, $"{name}-nat-gateway (waits until available)", nat is null ? StepAction.Create : nat.State == "available" ? StepAction.Exists : StepAction.Complete,
            Deps(ClusterRoles.NatEip, ClusterRoles.PublicSubnet, "internet-gateway-attachment", "public-route"), async ct =>
            {
                if (nat is { State: "available" })
                {
                    return;
                }

                if (nat is null)
                {
                    // A token that already made a gateway since deleted returns that gateway: the next generation then.
                    var response = await WithTokenAsync(name, "nat", ctx, token => _calls.Ec2Async("CreateNatGateway", $"in {ctx.PublicSubnetId} with {ctx.NatAllocationId}", c => _ec2.CreateNatGatewayAsync(new CreateNatGatewayRequest
                    {
                        SubnetId = ctx.PublicSubnetId,
                        AllocationId = ctx.NatAllocationId,
                        ClientToken = token,
                        TagSpecifications = Tagging("natgateway", ClusterTags.For(name, ClusterRoles.NatGateway)),
                    }, c), ct), r => r.NatGateway.State?.Value is not ("deleting" or "deleted" or "failed")).ConfigureAwait(false);
                    ctx.NatGatewayId = response.NatGateway.NatGatewayId;
                }

                await WaitNatAvailableAsync(ctx.NatGatewayId!, ct).ConfigureAwait(false);
            }, ClusterCost.NatGatewayHourly);

        var privateRouteOk = nat is not null && existing.PrivateRouteTable?.DefaultRouteTarget == nat.Id;
        st.Add("private-route", ClusterRoles.PrivateRouteTable, "route 0.0.0.0/0 to the NAT gateway", privateRouteOk ? StepAction.Exists : StepAction.Create, Deps(ClusterRoles.PrivateRouteTable, ClusterRoles.NatGateway), ct =>
            privateRouteOk ? Task.CompletedTask : EnsureDefaultRouteAsync(ctx.PrivateRouteTableId!, existing.PrivateRouteTable?.DefaultRouteTarget, gatewayId: null, natGatewayId: ctx.NatGatewayId, ct));

        var privateAssociated = existing.PrivateRouteTable is not null && existing.PrivateSubnet is not null && existing.PrivateRouteTable.Associations.Any(a => a.SubnetId == existing.PrivateSubnet.Id);
        st.Add("private-association", ClusterRoles.PrivateRouteTable, "private subnet uses the private route table", privateAssociated ? StepAction.Exists : StepAction.Create, Deps(ClusterRoles.PrivateRouteTable, ClusterRoles.PrivateSubnet), ct =>
            privateAssociated ? Task.CompletedTask : AssociateAsync(ctx.PrivateRouteTableId!, ctx.PrivateSubnetId!, ct));
    }

    /// <summary>Gateway, master and agents, and the gateway's Elastic IP association.</summary>
    private void PlanHosts(PlanState st)
    {
        var (spec, existing, ctx, name) = (st.Spec, st.Existing, st.Ctx, st.Name);
        // ---- hosts ----
        void Host(string id, string role, int? index, ClusterHostInfo? found, string securityGroupRole, string[] network)
        {
            var label = index is null ? $"{name}-{role}" : $"{name}-{role}-{index.Value.ToString(CultureInfo.InvariantCulture)}";
            var action = found is null ? StepAction.Create : found.State == "running" ? StepAction.Exists : found.State == "pending" ? StepAction.Complete : StepAction.Exists;
            if (found is { State: "stopped" or "stopping" })
            {
                st.Warnings.Add($"Host {found.Name} ({found.InstanceId}) is {found.State}; New-ShowcaseCluster does not start stopped hosts.");
            }

            var deps = network.Concat(new[] { securityGroupRole }).Concat(st.KeyDeps).Concat(found is null ? st.ImageDeps : new List<string>()).ToArray();
            st.Add(id, role, $"{label} ({found?.InstanceId ?? spec.InstanceType}; waits until running)", action, deps, async ct =>
            {
                string instanceId;
                if (found is null)
                {
                    instanceId = await RunInstanceAsync(spec, role, index, id, network[0] == ClusterRoles.PublicSubnet ? ctx.PublicSubnetId! : ctx.PrivateSubnetId!, ctx.SecurityGroupIds[securityGroupRole], ctx, ct).ConfigureAwait(false);
                }
                else
                {
                    instanceId = found.InstanceId;
                }

                if (role == ClusterRoles.Gateway)
                {
                    ctx.GatewayInstanceId = instanceId;
                }

                if (ctx.Launched.TryGetValue(id, out var launched))
                {
                    launched.TrySetResult(true);
                }

                if (found is null || found.State == "pending")
                {
                    await WaitInstanceRunningAsync(instanceId, label, ct, role == ClusterRoles.Gateway ? null : ctx.RunningAnswers).ConfigureAwait(false);
                }
            }, st.InstanceCost);
        }

        Host(ClusterRoles.Gateway, ClusterRoles.Gateway, null, existing.Gateway, ClusterRoles.GatewaySecurityGroup, Deps(ClusterRoles.PublicSubnet, "public-route", "public-association"));
        Host(ClusterRoles.Master, ClusterRoles.Master, null, existing.Master, ClusterRoles.MasterSecurityGroup, Deps(ClusterRoles.PrivateSubnet, "private-route", "private-association"));
        foreach (var index in Enumerable.Range(1, spec.AgentCount))
        {
            Host("agent-" + index.ToString(CultureInfo.InvariantCulture), ClusterRoles.Agent, index, existing.Agents.FirstOrDefault(a => a.Index == index), ClusterRoles.AgentSecurityGroup, Deps(ClusterRoles.PrivateSubnet, "private-route", "private-association"));
        }

        var eipAssociated = existing.Gateway is not null && existing.GatewayAddress?.InstanceId == existing.Gateway.InstanceId;
        st.Add("gateway-eip-association", ClusterRoles.GatewayEip, "gateway's Elastic IP on the gateway", eipAssociated ? StepAction.Exists : StepAction.Create, Deps(ClusterRoles.Gateway, ClusterRoles.GatewayEip, "internet-gateway-attachment"), async ct =>
        {
            if (!eipAssociated)
            {
                await _calls.Ec2Async("AssociateAddress", $"{ctx.GatewayAllocationId} to {ctx.GatewayInstanceId}", c => _ec2.AssociateAddressAsync(new AssociateAddressRequest { AllocationId = ctx.GatewayAllocationId, InstanceId = ctx.GatewayInstanceId }, c), ct).ConfigureAwait(false);
            }
        });
    }

    private static string[] Deps(params string[] ids) => ids;

    private static List<TagSpecification> Tagging(string resourceType, Dictionary<string, string> tags, params string[] alsoFor)
    {
        var list = new List<TagSpecification>();
        foreach (var type in new[] { resourceType }.Concat(alsoFor))
        {
            list.Add(new TagSpecification { ResourceType = ResourceType.FindValue(type), Tags = tags.Select(t => new Tag(t.Key, t.Value)).ToList() });
        }

        return list;
    }

    /// <summary>
    /// The client token of a create: cluster, step (role and index), generation, and an attempt number that grows only when
    /// a token was already used for something that is gone (terminated, deleted) or was sent with other parameters.
    /// </summary>
    internal static string Token(string cluster, string step, string generation, int attempt)
    {
        var token = $"{cluster}-{step}-{generation}" + (attempt > 1 ? "-" + attempt.ToString(CultureInfo.InvariantCulture) : string.Empty);
        if (token.Length <= 64)
        {
            return token;
        }

        using var sha = System.Security.Cryptography.SHA256.Create();
        var hash = BitConverter.ToString(sha.ComputeHash(Encoding.UTF8.GetBytes(token))).Replace("-", string.Empty).Substring(0, 16).ToLowerInvariant();
        return token.Substring(0, 47) + "-" + hash;
    }

    private const int MaxTokenAttempts = 20;

    /// <summary>Runs a create with the step's token; moves to the next attempt number when the token's earlier result is gone or mismatched.</summary>
    private async Task<T> WithTokenAsync<T>(string cluster, string step, BuildContext ctx, Func<string, Task<T>> create, Func<T, bool> usable)
    {
        for (var attempt = 1; ; attempt++)
        {
            var token = Token(cluster, step, ctx.Generation, attempt);
            try
            {
                var result = await create(token).ConfigureAwait(false);
                if (usable(result) || attempt >= MaxTokenAttempts)
                {
                    return result;
                }

                Reporter.Verbose($"Client token {token} returned a resource that is gone: using the next one.");
            }
            catch (ShowcaseException ex) when (Code(ex) is "IdempotentInstanceTerminated" or "IdempotentParameterMismatch" && attempt < MaxTokenAttempts)
            {
                Reporter.Verbose($"Client token {token}: {Code(ex)}; using the next one.");
            }
        }
    }

    private static string? Code(ShowcaseException ex) => (ex.InnerException as Amazon.Runtime.AmazonServiceException)?.ErrorCode;

    private async Task<bool> GatewayAttachedAsync(string gatewayId, string vpcId, CancellationToken ct)
    {
        var gateways = await _calls.Ec2PagesAsync("DescribeInternetGateways", gatewayId, (token, c) => _ec2.DescribeInternetGatewaysAsync(new DescribeInternetGatewaysRequest { InternetGatewayIds = new List<string> { gatewayId }, NextToken = token }, c), r => r.InternetGateways, r => r.NextToken, ct).ConfigureAwait(false);
        return gateways.SelectMany(g => g.Attachments ?? new List<InternetGatewayAttachment>()).Any(a => a.VpcId == vpcId);
    }

    /// <summary>The subnet with <paramref name="cidr"/> in the VPC if it carries this cluster's tags for <paramref name="role"/>.</summary>
    private async Task<string?> OwnSubnetAsync(string cluster, string role, string cidr, string vpcId, CancellationToken ct)
    {
        var subnets = await _calls.Ec2PagesAsync("DescribeSubnets", $"{cidr} in {vpcId}", (token, c) => _ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest
        {
            Filters = new List<Filter> { new("vpc-id", new List<string> { vpcId }), new("cidr-block", new List<string> { cidr }) },
            NextToken = token,
        }, c), r => r.Subnets, r => r.NextToken, ct).ConfigureAwait(false);
        return subnets.FirstOrDefault(sn => ClusterDiscovery.Owned(sn.Tags, cluster) && ClusterDiscovery.Role(sn.Tags) == role && sn.CidrBlock == cidr)?.SubnetId;
    }

    private async Task ResolveImageAsync(ClusterSpec spec, BuildContext ctx, CancellationToken ct)
    {
        var imageId = spec.ImageId;
        if (imageId is null)
        {
            if (_ssm is null)
            {
                throw new ShowcaseException(ShowcaseErrors.ShowcaseClusterImageNotFound, spec.ImageParameter, "No SSM client to read the image parameter; pass -ImageId.") { Terminating = true };
            }

            try
            {
                var response = await _calls.CallAsync("SSM", "GetParameter", spec.ImageParameter, c => _ssm.GetParameterAsync(new GetParameterRequest { Name = spec.ImageParameter }, c), ct, ex => Ec2Calls.ErrorCode(ex) == "ParameterNotFound" ? null : Ec2Calls.Transient(ex)).ConfigureAwait(false);
                imageId = response.Parameter?.Value;
            }
            catch (ShowcaseException ex) when (ex.InnerException is Amazon.SimpleSystemsManagement.Model.ParameterNotFoundException or Amazon.Runtime.AmazonServiceException { ErrorCode: "ParameterNotFound" })
            {
                throw new ShowcaseException(ShowcaseErrors.ShowcaseClusterImageNotFound, ShowcaseErrorCategory.ObjectNotFound, spec.ImageParameter, $"The SSM parameter {spec.ImageParameter} does not exist in this region.", ex) { Terminating = true, RecommendedAction = "Pass -ImageId with an AMI id of this region." };
            }

            if (string.IsNullOrEmpty(imageId))
            {
                throw new ShowcaseException(ShowcaseErrors.ShowcaseClusterImageNotFound, ShowcaseErrorCategory.InvalidResult, spec.ImageParameter, $"The SSM parameter {spec.ImageParameter} has no value.") { Terminating = true };
            }

            Reporter.Verbose($"Image {imageId} (from {spec.ImageParameter}).");
        }

        List<Image> images;
        try
        {
            images = await _calls.Ec2PagesAsync("DescribeImages", imageId!, (token, c) => _ec2.DescribeImagesAsync(new DescribeImagesRequest { ImageIds = new List<string> { imageId! }, NextToken = token }, c), r => r.Images, r => r.NextToken, ct, Ec2Calls.TransientButNotFound).ConfigureAwait(false);
        }
        catch (ShowcaseException ex) when (ex.Category == ShowcaseErrorCategory.ObjectNotFound || (ex.InnerException as Amazon.Runtime.AmazonServiceException)?.ErrorCode?.StartsWith("InvalidAMIID", StringComparison.Ordinal) == true)
        {
            throw new ShowcaseException(ShowcaseErrors.ShowcaseClusterImageNotFound, ShowcaseErrorCategory.ObjectNotFound, imageId, $"The image {imageId} does not exist in this region or is not available to this account.", ex) { Terminating = true, RecommendedAction = "Pass an AMI id of this region with -ImageId, or omit it to use the current Ubuntu 24.04 image." };
        }

        var image = images.FirstOrDefault(i => i.ImageId == imageId);
        if (image is null)
        {
            throw new ShowcaseException(ShowcaseErrors.ShowcaseClusterImageNotFound, ShowcaseErrorCategory.ObjectNotFound, imageId, $"The image {imageId} does not exist in this region or is not available to this account.") { Terminating = true };
        }

        ctx.ImageId = imageId;
        ctx.RootDeviceName = string.IsNullOrEmpty(image.RootDeviceName) ? "/dev/sda1" : image.RootDeviceName;
    }

    private async Task ResolveZoneAsync(BuildContext ctx, CancellationToken ct)
    {
        var request = new DescribeAvailabilityZonesRequest
        {
            Filters = new List<Filter> { new("state", new List<string> { "available" }), new("opt-in-status", new List<string> { "opt-in-not-required" }) },
        };
        var response = await _calls.Ec2Async("DescribeAvailabilityZones", "available", c => _ec2.DescribeAvailabilityZonesAsync(request, c), ct).ConfigureAwait(false);
        ctx.Zone = (response.AvailabilityZones ?? new List<AvailabilityZone>()).Where(z => z.ZoneType is null or "availability-zone").Select(z => z.ZoneName).OrderBy(z => z, StringComparer.Ordinal).FirstOrDefault()
                   ?? throw new ShowcaseException(ShowcaseErrors.ShowcaseClusterZoneNotFound, null, "The region has no available availability zone.") { Terminating = true };
    }

    private async Task ImportKeyPairAsync(ClusterSpec spec, string keyName, CancellationToken ct)
    {
        var request = new ImportKeyPairRequest
        {
            KeyName = keyName,
            PublicKeyMaterial = spec.PublicKey!.Trim(),
            TagSpecifications = Tagging("key-pair", ClusterTags.For(spec.Name, ClusterRoles.KeyPair)),
        };
        try
        {
            await _calls.Ec2Async("ImportKeyPair", keyName, c => _ec2.ImportKeyPairAsync(request, c), ct).ConfigureAwait(false);
        }
        catch (ShowcaseException ex) when (Code(ex) == "InvalidKeyPair.Duplicate")
        {
            // ImportKeyPair has no ClientToken: after a lost answer the SDK's retry meets the key the first call made.
            var keys = await _calls.Ec2Async("DescribeKeyPairs", keyName, c => _ec2.DescribeKeyPairsAsync(new DescribeKeyPairsRequest { KeyNames = new List<string> { keyName } }, c), ct).ConfigureAwait(false);
            if ((keys.KeyPairs ?? new List<KeyPairInfo>()).Any(k => k.KeyName == keyName && ClusterDiscovery.Owned(k.Tags, spec.Name) && ClusterDiscovery.Role(k.Tags) == ClusterRoles.KeyPair))
            {
                Reporter.Verbose($"The key pair {keyName} already exists with this cluster's tags (an import whose answer was lost): using it.");
                return;
            }

            throw new ShowcaseException(ShowcaseErrors.ShowcaseClusterKeyPairExists, keyName, $"A key pair named '{keyName}' already exists and does not belong to cluster '{spec.Name}'.", ex)
            {
                Terminating = true,
                RecommendedAction = "Pass -KeyName with another name, or -KeyName alone (without -PublicKeyPath) to use the existing key pair.",
            };
        }
    }

    private async Task EnsureSecurityGroupAsync(string cluster, string role, string? groupId, BuildContext ctx, CancellationToken ct)
    {
        if (groupId is null)
        {
            var groupName = cluster + "-" + role;
            try
            {
                var response = await _calls.Ec2Async("CreateSecurityGroup", groupName, c => _ec2.CreateSecurityGroupAsync(new CreateSecurityGroupRequest
                {
                    GroupName = groupName,
                    Description = $"Showcase {cluster} {role.Replace("-sg", string.Empty)}: no SSH; cluster ports from the cluster groups only",
                    VpcId = ctx.VpcId,
                    TagSpecifications = Tagging("security-group", ClusterTags.For(cluster, role)),
                }, c), ct).ConfigureAwait(false);
                groupId = response.GroupId;
            }
            catch (ShowcaseException ex) when ((ex.InnerException as Amazon.Runtime.AmazonServiceException)?.ErrorCode == "InvalidGroup.Duplicate")
            {
                // A retried create whose first answer was lost: adopt the group of that name in our VPC.
                var found = await _calls.Ec2PagesAsync("DescribeSecurityGroups", groupName, (token, c) => _ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest
                {
                    Filters = new List<Filter> { new("vpc-id", new List<string> { ctx.VpcId! }), new("group-name", new List<string> { groupName }) },
                    NextToken = token,
                }, c), r => r.SecurityGroups, r => r.NextToken, ct).ConfigureAwait(false);
                var group = found.FirstOrDefault(g => g.GroupName == groupName && g.VpcId == ctx.VpcId);
                if (group is null)
                {
                    throw;
                }

                groupId = group.GroupId;
            }
        }

        ctx.SecurityGroupIds[role] = groupId;
    }

    private async Task<string> AllocateAsync(string cluster, string role, CancellationToken ct)
    {
        return await _calls.CreateWithoutTokenAsync(
            "AllocateAddress",
            cluster + "-" + role,
            c => SdkCall.MapAsync(_ec2.AllocateAddressAsync(new AllocateAddressRequest { Domain = DomainType.Vpc, TagSpecifications = Tagging("elastic-ip", ClusterTags.For(cluster, role)) }, c), r => r.AllocationId),
            async c => (await ClusterDiscovery.OwnedAddressesAsync(_ec2, cluster, _calls, c).ConfigureAwait(false)).Where(a => ClusterDiscovery.Role(a.Tags) == role && a.AssociationId is null).Select(a => a.AllocationId).ToList(),
            ct).ConfigureAwait(false);
    }

    private async Task EnsureDefaultRouteAsync(string routeTableId, string? currentTarget, string? gatewayId, string? natGatewayId, CancellationToken ct)
    {
        if (currentTarget is not null)
        {
            // A route left pointing elsewhere (a deleted NAT gateway: a blackhole) is replaced.
            await _calls.Ec2Async("DeleteRoute", $"{Any} from {routeTableId}", c => _ec2.DeleteRouteAsync(new DeleteRouteRequest { RouteTableId = routeTableId, DestinationCidrBlock = Any }, c), ct).ConfigureAwait(false);
        }

        try
        {
            await _calls.Ec2Async("CreateRoute", $"{Any} via {gatewayId ?? natGatewayId} in {routeTableId}", c => _ec2.CreateRouteAsync(new CreateRouteRequest { RouteTableId = routeTableId, DestinationCidrBlock = Any, GatewayId = gatewayId, NatGatewayId = natGatewayId }, c), ct).ConfigureAwait(false);
        }
        catch (ShowcaseException ex) when ((ex.InnerException as Amazon.Runtime.AmazonServiceException)?.ErrorCode == "RouteAlreadyExists")
        {
            Reporter.Verbose($"The route {Any} already exists in {routeTableId} (a retried call).");
        }
    }

    private async Task AssociateAsync(string routeTableId, string subnetId, CancellationToken ct)
    {
        try
        {
            await _calls.Ec2Async("AssociateRouteTable", $"{routeTableId} with {subnetId}", c => _ec2.AssociateRouteTableAsync(new AssociateRouteTableRequest { RouteTableId = routeTableId, SubnetId = subnetId }, c), ct).ConfigureAwait(false);
        }
        catch (ShowcaseException ex) when (Code(ex) == "Resource.AlreadyAssociated")
        {
            var tables = await _calls.Ec2PagesAsync("DescribeRouteTables", routeTableId, (token, c) => _ec2.DescribeRouteTablesAsync(new DescribeRouteTablesRequest { RouteTableIds = new List<string> { routeTableId }, NextToken = token }, c), r => r.RouteTables, r => r.NextToken, ct).ConfigureAwait(false);
            if (!tables.SelectMany(t => t.Associations ?? new List<RouteTableAssociation>()).Any(a => a.SubnetId == subnetId))
            {
                throw;
            }

            Reporter.Verbose($"{subnetId} already uses {routeTableId} (a retried call whose first answer was lost).");
        }
    }

    private async Task<string> RunInstanceAsync(ClusterSpec spec, string role, int? index, string stepId, string subnetId, string securityGroupId, BuildContext ctx, CancellationToken ct)
    {
        var tags = ClusterTags.For(spec.Name, role, index);
        var request = new RunInstancesRequest
        {
            ImageId = ctx.ImageId,
            InstanceType = InstanceType.FindValue(spec.InstanceType),
            MinCount = 1,
            MaxCount = 1,
            SubnetId = subnetId,
            SecurityGroupIds = new List<string> { securityGroupId },
            IamInstanceProfile = new IamInstanceProfileSpecification { Name = spec.InstanceProfileName },
            KeyName = ctx.KeyName,
            MetadataOptions = new InstanceMetadataOptionsRequest { HttpTokens = HttpTokensState.Required, HttpEndpoint = InstanceMetadataEndpointState.Enabled, HttpPutResponseHopLimit = 1 },
            BlockDeviceMappings = new List<BlockDeviceMapping>
            {
                new() { DeviceName = ctx.RootDeviceName, Ebs = new EbsBlockDevice { Encrypted = true, VolumeSize = spec.RootVolumeSizeGiB, VolumeType = VolumeType.Gp3, DeleteOnTermination = true } },
            },
            ClientToken = Token(spec.Name, stepId, ctx.Generation, 1),
            TagSpecifications = Tagging("instance", tags, "volume", "network-interface"),
        };
        var started = DateTime.UtcNow;
        string? Transient(Exception ex)
        {
            if (IsProfileError(ex))
            {
                return DateTime.UtcNow - started < Options.InstanceProfileRetryBudget ? "instance profile not visible yet" : null;
            }

            return Ec2Calls.Transient(ex);
        }

        try
        {
            // The token is the same for every run of this cluster: a launch whose answer was lost (or a run that crashed
            // before the instance was visible by tag) returns the instance that launch made instead of a second one.
            var response = await WithTokenAsync(spec.Name, stepId, ctx, token =>
            {
                request.ClientToken = token;
                return _calls.Ec2Async("RunInstances", $"{tags[ClusterTags.Name]} ({spec.InstanceType}, {ctx.ImageId}) in {subnetId}", c => _ec2.RunInstancesAsync(request, c), ct, Transient);
            }, r => r.Reservation.Instances[0].State?.Name?.Value is not ("shutting-down" or "terminated")).ConfigureAwait(false);
            var instanceId = response.Reservation.Instances[0].InstanceId;
            ctx.AddedInstanceIds.Enqueue(instanceId);
            Reporter.Verbose($"Launched {tags[ClusterTags.Name]} as {instanceId}.");
            return instanceId;
        }
        catch (ShowcaseException ex) when (ex.InnerException is not null && IsProfileError(ex.InnerException))
        {
            throw new ShowcaseException(ShowcaseErrors.ShowcaseInstanceProfileNotFound, spec.InstanceProfileName, $"EC2 does not know the instance profile '{spec.InstanceProfileName}' (still refused after {Options.InstanceProfileRetryBudget.TotalSeconds:0} s).", ex)
            {
                Terminating = true,
                RecommendedAction = "Check the name ('aws iam list-instance-profiles'), or create one with terraform/iam.tf; then run New-ShowcaseCluster again: it continues from what exists.",
            };
        }
    }

    private static bool IsProfileError(Exception ex) =>
        ex is Amazon.Runtime.AmazonServiceException { ErrorCode: "InvalidParameterValue" } service
        && service.Message?.IndexOf("Invalid IAM Instance Profile", StringComparison.OrdinalIgnoreCase) >= 0;

    private async Task WaitInstanceRunningAsync(string instanceId, string label, CancellationToken ct, ConcurrentDictionary<string, Instance>? answers = null)
    {
        Reporter.Verbose($"Waiting for {label} ({instanceId}) to run.");
        await _calls.WaitAsync($"{label} ({instanceId}) to run", async c =>
        {
            var reservations = await _calls.Ec2PagesAsync("DescribeInstances", instanceId, (token, cc) => _ec2.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = new List<string> { instanceId }, NextToken = token }, cc), r => r.Reservations, r => r.NextToken, c).ConfigureAwait(false);
            var instance = reservations.SelectMany(r => r.Instances ?? new List<Instance>()).FirstOrDefault(i => i.InstanceId == instanceId);
            var state = instance?.State?.Name?.Value;
            if (state is "shutting-down" or "terminated")
            {
                throw new ShowcaseException(ShowcaseErrors.ShowcaseClusterInstanceFailed, instanceId, $"{label} ({instanceId}) went to {state} while starting: {instance?.StateReason?.Message ?? "no reason given"}.")
                {
                    RecommendedAction = "Check the instance type and image in this region, then run the command again.",
                };
            }

            if (state == "running" && answers is not null)
            {
                answers[instanceId] = instance!;
            }

            return state == "running";
        }, ct).ConfigureAwait(false);
    }

    private async Task WaitNatAvailableAsync(string natGatewayId, CancellationToken ct)
    {
        Reporter.Verbose($"Waiting for NAT gateway {natGatewayId} to become available.");
        await _calls.WaitAsync($"NAT gateway {natGatewayId} to become available", async c =>
        {
            var gateways = await _calls.Ec2PagesAsync("DescribeNatGateways", natGatewayId, (token, cc) => _ec2.DescribeNatGatewaysAsync(new DescribeNatGatewaysRequest { NatGatewayIds = new List<string> { natGatewayId }, NextToken = token }, cc), r => r.NatGateways, r => r.NextToken, c).ConfigureAwait(false);
            var nat = gateways.FirstOrDefault(n => n.NatGatewayId == natGatewayId);
            var state = nat?.State?.Value;
            if (state is "failed" or "deleting" or "deleted")
            {
                throw new ShowcaseException(ShowcaseErrors.ShowcaseClusterNatGatewayFailed, natGatewayId, $"NAT gateway {natGatewayId} is {state}: {nat?.FailureCode} {nat?.FailureMessage}".TrimEnd())
                {
                    RecommendedAction = "Run the command again: a new NAT gateway is created (the failed one goes away by itself).",
                };
            }

            return state == "available";
        }, ct).ConfigureAwait(false);
    }
}
