using System;
using System.Collections.Generic;
using System.Text.RegularExpressions;

namespace ShowcaseOps.Core.Cluster;

/// <summary>What New-ShowcaseCluster was asked to build. <see cref="Validate"/> runs before any AWS call.</summary>
public sealed class ClusterSpec
{
    /// <summary>Canonical's public SSM parameter for the current Ubuntu 24.04 amd64 AMI (gp3 root volume).</summary>
    public const string DefaultImageParameter = "/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id";

    public const string NamePattern = "^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$";
    public const string DomainPattern = "^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$";
    public const string InstanceProfilePattern = "^[A-Za-z0-9+=,.@_-]{1,128}$";
    public const string ImageIdPattern = "^ami-[0-9a-f]{8,17}$";
    public const string KeyNamePattern = "^[ -~]{1,255}$";
    public const string InstanceTypePattern = "^[a-z][a-z0-9-]*\\.[a-z0-9]+$";

    public ClusterSpec(string name) => Name = name;

    public string Name { get; }

    public string VpcCidr { get; set; } = "10.0.0.0/16";

    public string PublicSubnetCidr { get; set; } = "10.0.5.0/24";

    public string PrivateSubnetCidr { get; set; } = "10.0.12.0/24";

    public int AgentCount { get; set; } = 3;

    public string InstanceType { get; set; } = "t3.medium";

    /// <summary>The AMI; null: read <see cref="ImageParameter"/> with SSM GetParameter.</summary>
    public string? ImageId { get; set; }

    public string ImageParameter { get; set; } = DefaultImageParameter;

    /// <summary>An existing instance profile whose role has AmazonSSMManagedInstanceCore (the module cannot check IAM).</summary>
    public string? InstanceProfileName { get; set; }

    /// <summary>Key pair name: imported under this name when <see cref="PublicKey"/> is set, else an existing key pair.</summary>
    public string? KeyName { get; set; }

    /// <summary>An OpenSSH public key to import (no SSH port is opened for it).</summary>
    public string? PublicKey { get; set; }

    public const string DefaultDomain = "service.consul";

    public string Domain { get; set; } = DefaultDomain;

    /// <summary>Null: the first available zone of the region (or the zone of the existing subnets).</summary>
    public string? AvailabilityZone { get; set; }

    public int RootVolumeSizeGiB { get; set; } = 30;

    /// <summary>The key pair name instances use: the imported one (named after the cluster by default) or <see cref="KeyName"/>.</summary>
    public string? EffectiveKeyName => PublicKey is not null ? KeyName ?? Name : KeyName;

    /// <summary>Throws a <see cref="ShowcaseException"/> (InvalidArgument, terminating) for the first problem found.</summary>
    public void Validate()
    {
        if (Name is null || !Regex.IsMatch(Name, NamePattern))
        {
            throw Invalid("ShowcaseClusterNameInvalid", Name, $"'{Name}' is not a valid cluster name: use 1-32 lowercase letters, digits and '-', starting and ending with a letter or digit (a DNS label).");
        }

        var vpc = ParseCidr(VpcCidr, "VpcCidr");
        if (vpc.Prefix < 16 || vpc.Prefix > 28)
        {
            throw Invalid("ShowcaseClusterCidrInvalid", VpcCidr, $"The VPC CIDR {VpcCidr} must be between /16 and /28.");
        }

        var publicSubnet = ParseCidr(PublicSubnetCidr, "PublicSubnetCidr");
        var privateSubnet = ParseCidr(PrivateSubnetCidr, "PrivateSubnetCidr");
        foreach (var (subnet, text, label) in new[] { (publicSubnet, PublicSubnetCidr, "public"), (privateSubnet, PrivateSubnetCidr, "private") })
        {
            if (subnet.Prefix > 28)
            {
                throw Invalid("ShowcaseClusterCidrInvalid", text, $"The {label} subnet {text} is smaller than /28, the smallest subnet AWS allows.");
            }

            if (!vpc.Contains(subnet))
            {
                throw Invalid("ShowcaseClusterSubnetOutsideVpc", text, $"The {label} subnet {text} does not lie inside the VPC {VpcCidr}.");
            }
        }

        if (publicSubnet.Overlaps(privateSubnet))
        {
            throw Invalid("ShowcaseClusterSubnetsOverlap", PrivateSubnetCidr, $"The private subnet {PrivateSubnetCidr} overlaps the public subnet {PublicSubnetCidr}.");
        }

        if (AgentCount < 0 || AgentCount > 100)
        {
            throw Invalid("ShowcaseClusterAgentCountInvalid", AgentCount, $"AgentCount must be between 0 and 100, not {AgentCount}.");
        }

        if (Domain is null || Domain.Length > 253 || !Regex.IsMatch(Domain, DomainPattern))
        {
            throw Invalid("ShowcaseClusterDomainInvalid", Domain, $"'{Domain}' is not a valid domain: use a lowercase DNS name without a trailing dot, such as service.consul.");
        }

        if (string.IsNullOrEmpty(InstanceProfileName))
        {
            throw Invalid("ShowcaseInstanceProfileRequired", null, "An instance profile is required: SSM manages the hosts, and it needs a role with AmazonSSMManagedInstanceCore.", "Pass -InstanceProfileName (terraform/iam.tf creates one).");
        }

        if (!Regex.IsMatch(InstanceProfileName, InstanceProfilePattern))
        {
            throw Invalid("ShowcaseInstanceProfileNameInvalid", InstanceProfileName, $"'{InstanceProfileName}' is not a valid instance profile name (1-128 letters, digits and +=,.@_-).");
        }

        if (ImageId is not null && !Regex.IsMatch(ImageId, ImageIdPattern))
        {
            throw Invalid("ShowcaseClusterImageIdInvalid", ImageId, $"'{ImageId}' is not an AMI id such as ami-0123456789abcdef0.");
        }

        if (!Regex.IsMatch(InstanceType ?? string.Empty, InstanceTypePattern))
        {
            throw Invalid("ShowcaseClusterInstanceTypeInvalid", InstanceType, $"'{InstanceType}' is not an instance type such as t3.medium.");
        }

        if (KeyName is not null && !Regex.IsMatch(KeyName, KeyNamePattern))
        {
            throw Invalid("ShowcaseClusterKeyNameInvalid", KeyName, $"'{KeyName}' is not a valid key pair name (1-255 printable ASCII characters).");
        }

        if (PublicKey is not null && !Regex.IsMatch(PublicKey.Trim(), "^(ssh-(rsa|ed25519)|ecdsa-sha2-nistp(256|384|521)) [A-Za-z0-9+/=]+( .*)?$"))
        {
            throw Invalid("ShowcaseClusterPublicKeyInvalid", null, "The public key is not an OpenSSH public key (ssh-ed25519, ssh-rsa or ecdsa-sha2-*).");
        }

        if (RootVolumeSizeGiB < 8 || RootVolumeSizeGiB > 16384)
        {
            throw Invalid("ShowcaseClusterVolumeSizeInvalid", RootVolumeSizeGiB, "The root volume size must be between 8 and 16384 GiB.");
        }

        if (AvailabilityZone is not null && !Regex.IsMatch(AvailabilityZone, "^[a-z]{2}(-[a-z]+)+-[0-9]+[a-z]$"))
        {
            throw Invalid("ShowcaseClusterZoneInvalid", AvailabilityZone, $"'{AvailabilityZone}' is not an availability zone name such as eu-west-1a.");
        }
    }

    /// <summary>
    /// The ingress rules earlier versions of the module created (Kong's proxy from anywhere, every cluster port from the
    /// VPC CIDR). The rules now come from <see cref="ClusterFlows"/>; New-ShowcaseCluster revokes these where the flow
    /// table supersedes them (<see cref="ClusterFlows.Superseded"/>).
    /// </summary>
    public IReadOnlyList<IngressRule> IngressRules(string securityGroupRole)
    {
        var vpc = VpcCidr;
        var rules = new List<IngressRule>();
        void Vpc(string protocol, int from, int to, string description) => rules.Add(new IngressRule(protocol, from, to, vpc, description));

        // Consul (server RPC, Serf LAN/WAN, HTTP API, DNS) runs everywhere: servers on the master, clients on the others.
        Vpc("tcp", 8300, 8302, "Consul RPC and Serf");
        Vpc("udp", 8301, 8302, "Consul Serf");
        Vpc("tcp", 8500, 8500, "Consul HTTP API");
        Vpc("tcp", 8600, 8600, "Consul DNS");
        Vpc("udp", 8600, 8600, "Consul DNS");
        switch (securityGroupRole)
        {
            case ClusterRoles.GatewaySecurityGroup:
                rules.Add(new IngressRule("tcp", 80, 80, "0.0.0.0/0", "Kong proxy (HTTP)"));
                rules.Add(new IngressRule("tcp", 443, 443, "0.0.0.0/0", "Kong proxy (HTTPS)"));
                Vpc("tcp", 8000, 8001, "Kong proxy and Admin API");
                Vpc("tcp", 8443, 8444, "Kong proxy and Admin API (TLS)");
                break;
            case ClusterRoles.MasterSecurityGroup:
                Vpc("tcp", 2181, 2181, "ZooKeeper clients");
                Vpc("tcp", 2888, 2888, "ZooKeeper peers");
                Vpc("tcp", 3888, 3888, "ZooKeeper leader election");
                Vpc("tcp", 2379, 2380, "etcd");
                Vpc("tcp", 5050, 5050, "Mesos master");
                Vpc("tcp", 8080, 8080, "Marathon");
                Vpc("tcp", 8181, 8182, "Vulcand proxy and API");
                break;
            case ClusterRoles.AgentSecurityGroup:
                Vpc("tcp", 5051, 5051, "Mesos agent");
                Vpc("tcp", 50000, 60000, "Mesos task ports");
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(securityGroupRole), securityGroupRole, "Not a security group role.");
        }

        return rules;
    }

    private static Ipv4Cidr ParseCidr(string text, string parameter)
    {
        if (!Ipv4Cidr.TryParse(text, out var cidr))
        {
            throw Invalid("ShowcaseClusterCidrInvalid", text, $"-{parameter} '{text}' is not an IPv4 CIDR block with its network address (such as 10.0.5.0/24).");
        }

        return cidr;
    }

    private static ShowcaseException Invalid(string errorId, object? target, string message, string? action = null) =>
        new(errorId, ShowcaseErrorCategory.InvalidArgument, target, message) { Terminating = true, RecommendedAction = action };
}

/// <summary>One ingress rule the module wants on a security group.</summary>
public sealed class IngressRule
{
    public IngressRule(string protocol, int fromPort, int toPort, string cidr, string description)
    {
        Protocol = protocol;
        FromPort = fromPort;
        ToPort = toPort;
        Cidr = cidr;
        Description = description;
    }

    public string Protocol { get; }

    public int FromPort { get; }

    public int ToPort { get; }

    public string Cidr { get; }

    public string Description { get; }

    public override string ToString() => $"{Protocol} {FromPort}-{ToPort} from {Cidr} ({Description})";
}
