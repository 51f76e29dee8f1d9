using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using ShowcaseOps.Sandbox.Hosting;
using ShowcaseOps.Sandbox.StandIns.Ec2;

namespace ShowcaseOps.Sandbox.StandIns;

// Instances and key pairs.
public sealed partial class Ec2StandIn
{
    private static readonly Regex ImageIdPattern = new("^ami-[0-9a-f]{8,17}$", RegexOptions.CultureInvariant);
    private static readonly Regex InstanceTypePattern = new("^[a-z][a-z0-9-]*\\.[a-z0-9]+$", RegexOptions.CultureInvariant);
    private static readonly string[] InstanceTagTypes = { "instance", "volume", "network-interface" };

    private SandboxResponse RunInstances(Ec2Params p, DateTime now)
    {
        var token = p["ClientToken"];
        if (token is not null && token.Length > 64)
        {
            throw new Ec2Fault("InvalidParameterValue", "Value for parameter clientToken is invalid: it must be at most 64 ASCII characters.");
        }

        if (token is not null && EarlierLaunch(p, token, now) is { } earlier)
        {
            return WriteReservation(new Ec2Xml("RunInstances"), earlier, now).Build();
        }

        var launch = ValidateLaunch(p, now);
        var instanceTags = p.TagsFor("instance", InstanceTagTypes);
        var volumeTags = p.TagsFor("volume", InstanceTagTypes);
        var interfaceTags = p.TagsFor("network-interface", InstanceTagTypes);
        if (launch.Subnet.AvailableAddressCount < launch.Min)
        {
            throw new Ec2Fault("InsufficientFreeAddressesInSubnet", $"There are not enough free addresses in subnet '{launch.Subnet.Id}' to satisfy the requested number of instances.");
        }

        var count = Math.Min(launch.Max, launch.Subnet.AvailableAddressCount);
        var reservationId = NewId("r");
        var created = new List<Instance>();
        for (var n = 0; n < count; n++)
        {
            var instance = new Instance(NewId("i"), now)
            {
                ReservationId = reservationId,
                ImageId = launch.ImageId,
                InstanceType = launch.InstanceType,
                SubnetId = launch.Subnet.Id,
                VpcId = launch.Subnet.VpcId,
                AvailabilityZone = launch.Subnet.AvailabilityZone,
                PrivateIpAddress = launch.Subnet.AllocateAddress(),
                KeyName = launch.KeyName,
                InstanceProfileName = launch.Profile,
                HttpTokens = launch.HttpTokens,
                HttpEndpoint = p["MetadataOptions.HttpEndpoint"] ?? "enabled",
                HttpPutResponseHopLimit = p.Int("MetadataOptions.HttpPutResponseHopLimit") ?? 1,
                RootVolumeEncrypted = launch.Encrypted,
                RootVolumeSize = launch.Size,
                RootVolumeType = launch.VolumeType,
                VolumeId = NewId("vol"),
                NetworkInterfaceId = NewId("eni"),
                LaunchIndex = n,
                ClientToken = token,
            };
            instance.SecurityGroupIds.AddRange(launch.Groups);
            ApplyTags(instance, instanceTags);
            foreach (var tag in volumeTags)
            {
                instance.VolumeTags[tag.Key] = tag.Value;
            }

            foreach (var tag in interfaceTags)
            {
                instance.NetworkInterfaceTags[tag.Key] = tag.Value;
            }

            _instances.Add(instance.Id, instance);
            created.Add(instance);
        }

        return WriteReservation(new Ec2Xml("RunInstances"), created, now).Build();
    }

    /// <summary>As on AWS: the same token returns the first launch, unless its instances are terminated or the launch differs.</summary>
    private List<Instance>? EarlierLaunch(Ec2Params p, string token, DateTime now)
    {
        var earlier = _instances.Values.Where(i => i.ClientToken == token).OrderBy(i => i.LaunchIndex).ToList();
        if (earlier.Count == 0)
        {
            return null;
        }

        var first = earlier[0];
        if (first.ImageId != p["ImageId"] || first.SubnetId != p["SubnetId"] || (p["InstanceType"] is { } type && first.InstanceType != type))
        {
            throw IdempotentMismatch(token);
        }

        if (earlier.All(i => i.StateAt(now, Options) == "terminated"))
        {
            throw new Ec2Fault("IdempotentInstanceTerminated", $"The client token {token} was used by instances that are now terminated.");
        }

        return earlier;
    }

    /// <summary>What a RunInstances request asks for, checked as AWS checks it.</summary>
    private sealed record Launch(string ImageId, string InstanceType, int Min, int Max, Subnet Subnet, List<string> Groups, string? KeyName, string? Profile, string HttpTokens, bool Encrypted, int Size, string VolumeType);

    private Launch ValidateLaunch(Ec2Params p, DateTime now)
    {
        var imageId = p.Required("ImageId");
        if (!ImageIdPattern.IsMatch(imageId))
        {
            throw new Ec2Fault("InvalidAMIID.Malformed", $"Invalid id: \"{imageId}\" (expecting \"ami-...\")");
        }

        var instanceType = p["InstanceType"] ?? "m1.small";
        if (!InstanceTypePattern.IsMatch(instanceType))
        {
            throw new Ec2Fault("InvalidParameterValue", $"Invalid value '{instanceType}' for InstanceType.");
        }

        var min = p.Int("MinCount") ?? throw new Ec2Fault("MissingParameter", "The request must contain the parameter MinCount");
        var max = p.Int("MaxCount") ?? throw new Ec2Fault("MissingParameter", "The request must contain the parameter MaxCount");
        if (min < 1 || max < min)
        {
            throw new Ec2Fault("InvalidParameterValue", "MinCount must be at least 1 and MaxCount at least MinCount.");
        }

        var subnetId = p["SubnetId"] ?? throw new Ec2Fault("VPCIdNotSpecified", "No default VPC for this user. GroupName is only supported for EC2-Classic and default VPC.");
        var subnet = Require(_subnets, subnetId, now, "InvalidSubnetID.NotFound", "subnet");
        var groups = p.List("SecurityGroupId");
        foreach (var groupId in groups)
        {
            var group = Require(_securityGroups, groupId, now, "InvalidGroup.NotFound", "security group");
            if (group.VpcId != subnet.VpcId)
            {
                throw new Ec2Fault("InvalidParameter", $"Security group {group.Id} and subnet {subnet.Id} belong to different networks.");
            }
        }

        if (groups.Count == 0)
        {
            groups.Add(_securityGroups.Values.First(g => g.VpcId == subnet.VpcId && g.Name == "default").Id);
        }

        var keyName = p["KeyName"];
        if (keyName is not null && _keyPairs.Values.All(k => k.Name != keyName))
        {
            throw new Ec2Fault("InvalidKeyPair.NotFound", $"The key pair '{keyName}' does not exist");
        }

        var profile = ProfileName(p, now);
        var httpTokens = p["MetadataOptions.HttpTokens"] ?? "optional";
        if (httpTokens is not ("optional" or "required"))
        {
            throw new Ec2Fault("InvalidParameterValue", $"Value ({httpTokens}) for parameter metadataOptions.httpTokens is invalid.");
        }

        var (encrypted, size, volumeType) = RootVolume(p);
        return new Launch(imageId, instanceType, min, max, subnet, groups, keyName, profile, httpTokens, encrypted, size, volumeType);
    }

    private static (bool Encrypted, int Size, string VolumeType) RootVolume(Ec2Params p)
    {
        var encrypted = false;
        var size = 8;
        var volumeType = "gp3";
        foreach (var mapping in p.Members("BlockDeviceMapping"))
        {
            encrypted |= p.Bool(mapping + ".Ebs.Encrypted") == true;
            size = p.Int(mapping + ".Ebs.VolumeSize") ?? size;
            volumeType = p[mapping + ".Ebs.VolumeType"] ?? volumeType;
            if (size < 1 || size > 16384)
            {
                throw new Ec2Fault("InvalidParameterValue", $"Volume size {size} is out of range.");
            }
        }

        return (encrypted, size, volumeType);
    }

    /// <summary>The instance profile a launch names; unknown (or not yet propagated) ones are refused as AWS refuses them.</summary>
    private string? ProfileName(Ec2Params p, DateTime now)
    {
        var name = p["IamInstanceProfile.Name"];
        var arn = p["IamInstanceProfile.Arn"];
        if (name is null && arn is not null)
        {
            var marker = arn.IndexOf(":instance-profile/", StringComparison.Ordinal);
            name = marker < 0 ? arn : arn.Substring(arn.LastIndexOf('/') + 1);
        }

        if (name is null)
        {
            return null;
        }

        if (!_instanceProfiles.TryGetValue(name, out var visibleFrom) || now < visibleFrom)
        {
            var parameter = arn is not null && p["IamInstanceProfile.Name"] is null ? "iamInstanceProfile.arn" : "iamInstanceProfile.name";
            throw new Ec2Fault("InvalidParameterValue", $"Value ({name}) for parameter {parameter} is invalid. Invalid IAM Instance Profile name");
        }

        return name;
    }

    private Ec2Xml WriteReservation(Ec2Xml x, List<Instance> instances, DateTime now)
    {
        x.Element("reservationId", instances[0].ReservationId).Element("ownerId", OwnerId).Open("groupSet").Close("groupSet");
        return x.Set("instancesSet", instances, (y, i) => WriteInstance(y, i, now));
    }

    private void WriteInstance(Ec2Xml x, Instance i, DateTime now)
    {
        var state = i.StateAt(now, Options);
        var publicIp = _addresses.Values.FirstOrDefault(a => a.InstanceId == i.Id && state != "terminated")?.PublicIp;
        var privateDns = i.PrivateIpAddress.Length == 0 ? string.Empty : "ip-" + i.PrivateIpAddress.Replace('.', '-') + "." + Options.Region + ".compute.internal";
        x.Element("instanceId", i.Id).Element("imageId", i.ImageId)
            .Open("instanceState").Element("code", Instance.StateCode(state)).Element("name", state).Close("instanceState")
            .Element("privateDnsName", privateDns).Element("dnsName", string.Empty)
            .Element("reason", i.TerminateRequestedAt is { } asked ? "User initiated (" + asked.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'GMT'", CultureInfo.InvariantCulture) + ")" : string.Empty)
            .Element("keyName", i.KeyName).Element("amiLaunchIndex", i.LaunchIndex).Open("productCodes").Close("productCodes")
            .Element("instanceType", i.InstanceType).Element("launchTime", i.CreatedAt)
            .Open("placement").Element("availabilityZone", i.AvailabilityZone).Element("availabilityZoneId", ZoneId(i.AvailabilityZone)).Element("groupName", string.Empty).Element("tenancy", "default").Close("placement")
            .Open("monitoring").Element("state", "disabled").Close("monitoring")
            .Element("subnetId", i.SubnetId).Element("vpcId", i.VpcId)
            .Element("privateIpAddress", i.PrivateIpAddress.Length == 0 ? null : i.PrivateIpAddress).Element("ipAddress", publicIp)
            .Element("sourceDestCheck", true)
            .Set("groupSet", i.SecurityGroupIds, (y, g) => y.Element("groupId", g).Element("groupName", _securityGroups.TryGetValue(g, out var sg) ? sg.Name : null))
            .Element("architecture", "x86_64").Element("rootDeviceType", "ebs").Element("rootDeviceName", "/dev/sda1");
        if (state != "terminated" && i.VolumeId.Length > 0)
        {
            x.Set("blockDeviceMapping", new[] { i }, (y, ii) => y.Element("deviceName", "/dev/sda1").Open("ebs").Element("volumeId", ii.VolumeId).Element("status", "attached")
                .Element("attachTime", ii.CreatedAt).Element("deleteOnTermination", true).Close("ebs"));
        }
        else
        {
            x.Open("blockDeviceMapping").Close("blockDeviceMapping");
        }

        x.Element("virtualizationType", "hvm").Element("clientToken", i.ClientToken ?? string.Empty).TagSet(i.Tags).Element("hypervisor", "xen");
        if (state != "terminated" && i.NetworkInterfaceId.Length > 0)
        {
            x.Set("networkInterfaceSet", new[] { i }, (y, ii) => y.Element("networkInterfaceId", ii.NetworkInterfaceId).Element("subnetId", ii.SubnetId).Element("vpcId", ii.VpcId)
                .Element("ownerId", OwnerId).Element("status", "in-use").Element("privateIpAddress", ii.PrivateIpAddress).Element("sourceDestCheck", true)
                .Set("groupSet", ii.SecurityGroupIds, (z, g) => z.Element("groupId", g).Element("groupName", _securityGroups.TryGetValue(g, out var sg) ? sg.Name : null))
                .Element("macAddress", MacAddress(ii.NetworkInterfaceId))
                .Open("attachment").Element("attachmentId", "eni-attach-" + ii.NetworkInterfaceId.Substring(4)).Element("deviceIndex", 0).Element("status", "attached")
                .Element("attachTime", ii.CreatedAt).Element("deleteOnTermination", true).Close("attachment")
                .Set("privateIpAddressesSet", new[] { ii }, (z, iii) => z.Element("privateIpAddress", iii.PrivateIpAddress).Element("privateDnsName", "ip-" + iii.PrivateIpAddress.Replace('.', '-') + "." + Options.Region + ".compute.internal").Element("primary", true))
                .Element("interfaceType", "interface"));
        }

        if (i.InstanceProfileName is not null)
        {
            x.Open("iamInstanceProfile").Element("arn", "arn:aws:iam::" + OwnerId + ":instance-profile/" + i.InstanceProfileName)
                .Element("id", "AIPA" + Convert.ToBase64String(Encoding.UTF8.GetBytes(i.InstanceProfileName)).Replace("=", string.Empty).ToUpperInvariant())
                .Close("iamInstanceProfile");
        }

        x.Element("ebsOptimized", false).Element("enaSupport", true)
            .Open("metadataOptions").Element("state", "applied").Element("httpTokens", i.HttpTokens).Element("httpPutResponseHopLimit", i.HttpPutResponseHopLimit)
            .Element("httpEndpoint", i.HttpEndpoint).Element("httpProtocolIpv6", "disabled").Element("instanceMetadataTags", "disabled").Close("metadataOptions");
        if (i.TerminateRequestedAt is not null)
        {
            x.Open("stateReason").Element("code", "Client.UserInitiatedShutdown").Element("message", "Client.UserInitiatedShutdown: User initiated shutdown").Close("stateReason");
        }
    }

    private SandboxResponse DescribeInstances(Ec2Params p, DateTime now)
    {
        var instances = SelectPage(p, "DescribeInstances", _instances.Values, p.List("InstanceId"), now, "InvalidInstanceID.NotFound", "instance", p.Filters(), (i, name) => name switch
        {
            "instance-id" => new[] { i.Id },
            "instance-state-name" => new[] { i.StateAt(now, Options) },
            "instance-state-code" => new[] { Instance.StateCode(i.StateAt(now, Options)).ToString(CultureInfo.InvariantCulture) },
            "vpc-id" => new[] { i.VpcId },
            "subnet-id" => new[] { i.SubnetId },
            "private-ip-address" => new[] { i.PrivateIpAddress },
            "instance.group-id" => i.SecurityGroupIds,
            "key-name" => new[] { i.KeyName },
            "image-id" => new[] { i.ImageId },
            "instance-type" => new[] { i.InstanceType },
            "reservation-id" => new[] { i.ReservationId },
            "client-token" => new[] { i.ClientToken },
            "availability-zone" => new[] { i.AvailabilityZone },
            "iam-instance-profile.arn" => new[] { i.InstanceProfileName is null ? null : "arn:aws:iam::" + OwnerId + ":instance-profile/" + i.InstanceProfileName },
            _ => null,
        }, 1000, out var next, idsRejectMaxResults: "instancesSet");
        var reservations = instances.GroupBy(i => i.ReservationId).ToList();
        return new Ec2Xml("DescribeInstances").Set("reservationSet", reservations, (x, r) => WriteReservation(x, r.ToList(), now)).Element("nextToken", next).Build();
    }

    private SandboxResponse TerminateInstances(Ec2Params p, DateTime now)
    {
        var ids = p.List("InstanceId");
        if (ids.Count == 0)
        {
            throw new Ec2Fault("MissingParameter", "The request must contain the parameter InstanceId");
        }

        var missing = ids.Where(id => !_instances.TryGetValue(id, out var i) || !Visible(i, now)).ToList();
        if (missing.Count > 0)
        {
            throw new Ec2Fault("InvalidInstanceID.NotFound", missing.Count == 1
                ? $"The instance ID '{missing[0]}' does not exist"
                : $"The instance IDs '{string.Join(", ", missing)}' do not exist");
        }

        var changes = new List<(Instance Instance, string Previous)>();
        foreach (var id in ids)
        {
            var instance = _instances[id];
            var previous = instance.StateAt(now, Options);
            if (instance.FixedState is not null)
            {
                instance.FixedState = "terminated";
            }
            else
            {
                instance.TerminateRequestedAt ??= now;
            }

            changes.Add((instance, previous));
        }

        return new Ec2Xml("TerminateInstances").Set("instancesSet", changes, (x, c) =>
            {
                var current = c.Instance.StateAt(now, Options);
                x.Element("instanceId", c.Instance.Id)
                    .Open("currentState").Element("code", Instance.StateCode(current)).Element("name", current).Close("currentState")
                    .Open("previousState").Element("code", Instance.StateCode(c.Previous)).Element("name", c.Previous).Close("previousState");
            })
            .Build();
    }

    /// <summary>Every well-formed AMI id exists in the sandbox (an Ubuntu 24.04 image with root device /dev/sda1).</summary>
    private SandboxResponse DescribeImages(Ec2Params p, DateTime now)
    {
        var ids = p.List("ImageId");
        foreach (var id in ids.Where(id => !ImageIdPattern.IsMatch(id)))
        {
            throw new Ec2Fault("InvalidAMIID.Malformed", $"Invalid id: \"{id}\" (expecting \"ami-...\")");
        }

        return new Ec2Xml("DescribeImages").Set("imagesSet", ids, (x, id) => x.Element("imageId", id)
                .Element("imageLocation", "amazon/ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-sandbox").Element("imageState", "available")
                .Element("imageOwnerId", "099720109477").Element("creationDate", "2026-01-01T00:00:00.000Z").Element("isPublic", true).Element("architecture", "x86_64")
                .Element("imageType", "machine").Element("name", "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-sandbox").Element("rootDeviceType", "ebs")
                .Element("rootDeviceName", "/dev/sda1").Element("virtualizationType", "hvm").Element("hypervisor", "xen").Element("enaSupport", true)
                .Set("blockDeviceMapping", new[] { id }, (y, _) => y.Element("deviceName", "/dev/sda1").Open("ebs").Element("deleteOnTermination", true).Element("volumeSize", 8).Element("volumeType", "gp3").Element("encrypted", false).Close("ebs")))
            .Build();
    }

    // ---- Key pairs ----

    private SandboxResponse ImportKeyPair(Ec2Params p, DateTime now)
    {
        var name = p.Required("KeyName");
        var material = p.Required("PublicKeyMaterial");
        string text;
        try
        {
            text = Encoding.UTF8.GetString(Convert.FromBase64String(material)).Trim();
        }
        catch (FormatException)
        {
            text = material.Trim();
        }

        var parts = text.Split(' ');
        var keyType = parts[0] switch
        {
            "ssh-rsa" => "rsa",
            "ssh-ed25519" => "ed25519",
            var t when t.StartsWith("ecdsa-sha2-", StringComparison.Ordinal) => "ecdsa",
            _ => throw new Ec2Fault("InvalidKey.Format", "Key is not in valid OpenSSH public key format"),
        };
        if (parts.Length < 2)
        {
            throw new Ec2Fault("InvalidKey.Format", "Key is not in valid OpenSSH public key format");
        }

        if (_keyPairs.Values.Any(k => k.Name == name))
        {
            throw new Ec2Fault("InvalidKeyPair.Duplicate", $"The keypair '{name}' already exists.");
        }

        string fingerprint;
        using (var sha = SHA256.Create())
        {
            fingerprint = Convert.ToBase64String(sha.ComputeHash(Encoding.UTF8.GetBytes(parts[1]))).TrimEnd('=');
        }

        var key = new KeyPair(NewId("key"), now, name, fingerprint, keyType);
        ApplyTags(key, p.TagsFor("key-pair", "key-pair"));
        _keyPairs.Add(key.Id, key);
        return new Ec2Xml("ImportKeyPair").Element("keyFingerprint", key.Fingerprint).Element("keyName", key.Name).Element("keyPairId", key.Id).TagSet(key.Tags).Build();
    }

    /// <summary>A new key pair made by EC2 (the cluster lock uses it as an atomic claim: the name is unique).</summary>
    private SandboxResponse CreateKeyPair(Ec2Params p, DateTime now)
    {
        var name = p.Required("KeyName");
        var keyType = p["KeyType"] ?? "rsa";
        if (keyType is not ("rsa" or "ed25519"))
        {
            throw new Ec2Fault("InvalidParameterValue", $"Value ({keyType}) for parameter keyType is invalid.");
        }

        if (_keyPairs.Values.Any(k => k.Name == name))
        {
            throw new Ec2Fault("InvalidKeyPair.Duplicate", $"The keypair '{name}' already exists.");
        }

        var material = Convert.ToBase64String(Guid.NewGuid().ToByteArray());
        string fingerprint;
        using (var sha = SHA256.Create())
        {
            fingerprint = Convert.ToBase64String(sha.ComputeHash(Encoding.UTF8.GetBytes(material))).TrimEnd('=');
        }

        var key = new KeyPair(NewId("key"), now, name, fingerprint, keyType);
        ApplyTags(key, p.TagsFor("key-pair", "key-pair"));
        _keyPairs.Add(key.Id, key);
        return new Ec2Xml("CreateKeyPair").Element("keyName", key.Name).Element("keyFingerprint", key.Fingerprint)
            .Element("keyMaterial", "-----BEGIN OPENSSH PRIVATE KEY-----\n" + material + "\n-----END OPENSSH PRIVATE KEY-----").Element("keyPairId", key.Id).TagSet(key.Tags).Build();
    }

    private SandboxResponse DescribeKeyPairs(Ec2Params p, DateTime now)
    {
        IEnumerable<KeyPair> keys = _keyPairs.Values;
        var names = p.List("KeyName");
        foreach (var name in names.Where(n => keys.All(k => k.Name != n)))
        {
            throw new Ec2Fault("InvalidKeyPair.NotFound", $"The key pair '{name}' does not exist");
        }

        if (names.Count > 0)
        {
            keys = keys.Where(k => names.Contains(k.Name));
        }

        keys = Select(keys, p.List("KeyPairId"), now, "InvalidKeyPair.NotFound", "key pair", p.Filters(), (k, filter) => filter switch
        {
            "key-name" => new[] { k.Name },
            "key-pair-id" => new[] { k.Id },
            "fingerprint" => new[] { k.Fingerprint },
            _ => null,
        });
        return new Ec2Xml("DescribeKeyPairs").Set("keySet", keys, (x, k) => x.Element("keyPairId", k.Id).Element("keyFingerprint", k.Fingerprint).Element("keyName", k.Name)
                .Element("keyType", k.KeyType).TagSet(k.Tags).Element("createTime", k.CreatedAt))
            .Build();
    }

    private SandboxResponse DeleteKeyPair(Ec2Params p, DateTime now)
    {
        var name = p["KeyName"];
        var id = p["KeyPairId"];
        var key = _keyPairs.Values.FirstOrDefault(k => (name is not null && k.Name == name) || (id is not null && k.Id == id));
        if (key is not null)
        {
            _keyPairs.Remove(key.Id);
        }

        // AWS answers success for a key pair that does not exist.
        return new Ec2Xml("DeleteKeyPair").Element("return", true).Element("keyPairId", key?.Id).Build();
    }
}
