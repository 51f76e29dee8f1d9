using System;
using System.IO;
using System.Management.Automation;
using ShowcaseOps.Cmdlets;
using ShowcaseOps.Core;
using ShowcaseOps.Core.Cluster;
using ShowcaseOps.Model;

namespace ShowcaseOps.Commands.Cluster;

/// <summary>Creates a cluster on EC2 (VPC, subnets, gateways, security groups, hosts), or completes one that exists partly.</summary>
[Cmdlet(VerbsCommon.New, "ShowcaseCluster", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ShowcaseCluster))]
public sealed class NewShowcaseClusterCommand : AwsCmdlet
{
    /// <summary>The cluster's name: a DNS label of at most 32 characters (the showcase:cluster tag).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateClusterName]
    public string Name { get; set; } = string.Empty;

    /// <summary>An existing IAM instance profile with AmazonSSMManagedInstanceCore, attached to every host.</summary>
    [Parameter(Mandatory = true)]
    [ValidateInstanceProfileName]
    public string InstanceProfileName { get; set; } = string.Empty;

    /// <summary>Number of Mesos agents (default 3).</summary>
    [Parameter]
    [ValidateRange(0, 100)]
    public int AgentCount { get; set; } = 3;

    /// <summary>EC2 instance type of every host (default t3.medium).</summary>
    [Parameter]
    [ValidateInstanceType]
    public string InstanceType { get; set; } = "t3.medium";

    /// <summary>AMI id; default: the current Ubuntu 24.04 image from Canonical's public SSM parameter.</summary>
    [Parameter]
    [ValidateImageId]
    public string? ImageId { get; set; }

    /// <summary>CIDR block of the VPC (default 10.0.0.0/16).</summary>
    [Parameter]
    [ValidateIpv4Cidr]
    public string VpcCidr { get; set; } = "10.0.0.0/16";

    /// <summary>CIDR block of the public subnet (default 10.0.5.0/24).</summary>
    [Parameter]
    [ValidateIpv4Cidr]
    public string PublicSubnetCidr { get; set; } = "10.0.5.0/24";

    /// <summary>CIDR block of the private subnet (default 10.0.12.0/24).</summary>
    [Parameter]
    [ValidateIpv4Cidr]
    public string PrivateSubnetCidr { get; set; } = "10.0.12.0/24";

    /// <summary>Availability zone of both subnets; default: the first available zone of the region.</summary>
    [Parameter]
    [ValidateAvailabilityZone]
    public string? AvailabilityZone { get; set; }

    /// <summary>The DNS domain of the platform's services (default service.consul).</summary>
    [Parameter]
    [ValidateDomain]
    public string Domain { get; set; } = "service.consul";

    /// <summary>An OpenSSH public key file to import as the hosts' key pair (no SSH port is opened).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ValidateRegularFile]
    public string? PublicKeyPath { get; set; }

    /// <summary>Key pair name: the name to import -PublicKeyPath under (default: the cluster name), or an existing key pair.</summary>
    [Parameter]
    [ValidateKeyName]
    public string? KeyName { get; set; }

    /// <summary>Size in GiB of each host's encrypted gp3 root volume (default 30).</summary>
    [Parameter]
    [ValidateRange(8, 16384)]
    public int RootVolumeSize { get; set; } = 30;

    /// <summary>Creates the hosts without installing the platform on them.</summary>
    [Parameter]
    public SwitchParameter SkipBootstrap { get; set; }

    protected override void ProcessRecordCore()
    {
        var spec = new ClusterSpec(Name)
        {
            InstanceProfileName = InstanceProfileName,
            AgentCount = AgentCount,
            InstanceType = InstanceType,
            ImageId = ImageId,
            VpcCidr = VpcCidr,
            PublicSubnetCidr = PublicSubnetCidr,
            PrivateSubnetCidr = PrivateSubnetCidr,
            AvailabilityZone = AvailabilityZone,
            Domain = Domain,
            KeyName = KeyName,
            RootVolumeSizeGiB = RootVolumeSize,
            PublicKey = PublicKeyPath is null ? null : ReadPublicKey(PublicKeyPath),
        };

        // Bad input fails here, before any AWS call.
        spec.Validate();
        Create(spec);
    }

    private void Create(ClusterSpec spec)
    {
        using var session = new ClusterSession(ConnectionSettings);
        var plan = Run((reporter, ct) => session.PlanAsync(spec, reporter, ct));
        if (plan.ChangesNothing)
        {
            // Nothing to create; the bootstrap of hosts not yet bootstrapped is still a change to confirm.
            WriteVerbose($"Cluster '{spec.Name}' is complete: nothing to create.");
            if (!SkipBootstrap && !ShouldChange($"cluster '{spec.Name}'", "Bootstrap the hosts not yet bootstrapped with the current scripts"))
            {
                return;
            }
        }
        else if (!ShouldChange(plan.Describe(), $"Create or complete cluster '{spec.Name}' (about ${plan.EstimatedHourlyCost:0.00} per hour while it runs)"))
        {
            return;
        }

        var leftover = $"Cluster '{spec.Name}' may now exist in part (what was created stays tagged; a NAT gateway, Elastic IPs and instances cost money while they exist): run New-ShowcaseCluster -Name {spec.Name} again to complete it, or Remove-ShowcaseCluster -Name {spec.Name} to delete what was created. Get-ShowcaseCluster {spec.Name} shows what exists.";
        StopHint = leftover;
        ClusterBuildResult result;
        try
        {
            result = Run((reporter, ct) => session.ApplyAsync(plan, reporter, ct));
        }
        catch (ShowcaseException ex) when (ex.Terminating && !plan.ChangesNothing)
        {
            throw new ShowcaseException(ex.Error, ex.Category, ex.Target, ex.Message + " " + leftover.Replace(" may now exist", " now exists", StringComparison.Ordinal), ex.InnerException ?? ex)
            {
                Terminating = true,
                RecommendedAction = (ex.RecommendedAction is null ? string.Empty : ex.RecommendedAction + " ") + $"Or delete what was created: Remove-ShowcaseCluster -Name {spec.Name}.",
            };
        }

        StopHint = $"Cluster '{spec.Name}' exists; the bootstrap of some hosts may not have finished: run Invoke-ShowcaseBootstrap -Name {spec.Name} to finish it, or Remove-ShowcaseCluster -Name {spec.Name} to delete the cluster.";
        var cluster = new ShowcaseCluster(result.Cluster);
        if (!SkipBootstrap)
        {
            // Every host not yet bootstrapped with the current scripts (the new ones, and any left by an interrupted run).
            Bootstrap(session, result.Cluster, null);
        }

        Session.UseCluster(cluster.Name, "New-ShowcaseCluster");
        WriteOutput(cluster);
    }

    private void Bootstrap(ClusterSession session, ClusterInfo info, System.Collections.Generic.IReadOnlyList<string>? onlyInstanceIds)
    {
        try
        {
            Run((reporter, ct) => session.BootstrapAddedHostsAsync(info, onlyInstanceIds, reporter, ct));
        }
        catch (ShowcaseException ex) when (!ex.Terminating)
        {
            // The cluster exists: report the bootstrap failure and still return the cluster.
            WriteShowcaseError(ex);
        }
    }

    private string ReadPublicKey(string path)
    {
        var resolved = GetUnresolvedProviderPathFromPSPath(path);
        if (!File.Exists(resolved))
        {
            throw new ShowcaseException(ShowcaseErrors.ShowcaseClusterPublicKeyNotFound, path, $"The public key file '{resolved}' does not exist.")
            {
                Terminating = true,
                RecommendedAction = "Pass the path of an OpenSSH public key (for example ~/.ssh/id_ed25519.pub).",
            };
        }

        try
        {
            return RegularFile.ReadAllText(resolved).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ShowcaseException(ShowcaseErrors.ShowcaseClusterPublicKeyUnreadable, path, $"Cannot read the public key file '{resolved}': {ex.Message}")
            {
                Terminating = true,
                RecommendedAction = "Pass the path of an OpenSSH public key file (for example ~/.ssh/id_ed25519.pub).",
            };
        }
    }
}
