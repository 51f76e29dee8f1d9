using System;
using System.Collections.Generic;
using System.Linq;
using Newtonsoft.Json.Linq;
using ShowcaseOps.Sandbox.Hosting;
using ShowcaseOps.Sandbox.StandIns.Ssm;

namespace ShowcaseOps.Sandbox.StandIns;

/// <summary>DescribeInstanceInformation and the Parameter Store.</summary>
public sealed partial class SsmStandIn
{
    private SandboxResponse DescribeInstanceInformation(JObject body)
    {
        var filters = new List<(string Key, List<string> Values)>();
        if (body.TryGetValue("InstanceInformationFilterList", StringComparison.Ordinal, out var legacy) && legacy is JArray legacyList)
        {
            filters.AddRange(legacyList.OfType<JObject>().Select(f => (SsmJson.String(f, "key") ?? string.Empty, SsmJson.Strings(f, "valueSet"))));
        }

        if (body.TryGetValue("Filters", StringComparison.Ordinal, out var modern) && modern is JArray modernList)
        {
            filters.AddRange(modernList.OfType<JObject>().Select(f => (SsmJson.String(f, "Key") ?? string.Empty, SsmJson.Strings(f, "Values"))));
        }

        var now = DateTime.UtcNow;
        var items = ManagedInstances(now).ToList();
        foreach (var (key, values) in filters)
        {
            items = key switch
            {
                "InstanceIds" => items.Where(i => values.Contains(i.Instance.InstanceId)).ToList(),
                "PingStatus" => items.Where(i => values.Contains(i.PingStatus)).ToList(),
                "PlatformTypes" => items.Where(_ => values.Contains("Linux")).ToList(),
                "ResourceType" => items.Where(_ => values.Contains("EC2Instance")).ToList(),
                var k when k.StartsWith("tag:", StringComparison.Ordinal) =>
                    items.Where(i => i.Instance.Tags.TryGetValue(k.Substring(4), out var v) && values.Contains(v)).ToList(),
                "tag-key" => items.Where(i => values.Any(i.Instance.Tags.ContainsKey)).ToList(),
                _ => throw new SsmApiException("InvalidInstanceInformationFilterValue", $"The filter key {key} is not supported by the sandbox."),
            };
        }

        var (page, next) = SsmJson.Page(items, body, 50, 5, 50, Host.Pages);
        var list = new JArray();
        foreach (var (instance, ping, lastPing) in page)
        {
            var ipName = "ip-" + instance.PrivateIpAddress.Replace('.', '-');
            list.Add(new JObject
            {
                ["InstanceId"] = instance.InstanceId,
                ["PingStatus"] = ping,
                ["LastPingDateTime"] = SsmJson.EpochSeconds(lastPing),
                ["AgentVersion"] = "3.3.1957.0",
                ["IsLatestVersion"] = true,
                ["PlatformType"] = "Linux",
                ["PlatformName"] = "Ubuntu",
                ["PlatformVersion"] = "24.04",
                ["ResourceType"] = "EC2Instance",
                ["IPAddress"] = instance.PrivateIpAddress,
                ["ComputerName"] = ipName + "." + Host.Options.Region + ".compute.internal",
                ["SourceId"] = instance.InstanceId,
                ["SourceType"] = "AWS::EC2::Instance",
            });
        }

        var result = new JObject { ["InstanceInformationList"] = list };
        if (next is not null)
        {
            result["NextToken"] = next;
        }

        return SsmJson.Ok(result);
    }

    private SandboxResponse GetParameter(JObject body)
    {
        var name = SsmJson.String(body, "Name") ?? throw SsmApiException.Validation("name", "null", "Member must not be null");
        var parameter = Parameters.Get(name) ?? throw new SsmApiException("ParameterNotFound", $"Parameter {name} not found.");
        return SsmJson.Ok(new JObject { ["Parameter"] = ParameterJson(parameter, SsmJson.Bool(body, "WithDecryption")) });
    }

    private SandboxResponse GetParameters(JObject body)
    {
        var names = SsmJson.Strings(body, "Names");
        if (names.Count is 0 or > 10)
        {
            throw SsmApiException.Validation("names", "[" + string.Join(", ", names) + "]", names.Count == 0 ? "Member must have length greater than or equal to 1" : "Member must have length less than or equal to 10");
        }

        var decrypt = SsmJson.Bool(body, "WithDecryption");
        var found = new JArray();
        var invalid = new JArray();
        foreach (var name in names.Distinct(StringComparer.Ordinal))
        {
            if (Parameters.Get(name) is { } parameter)
            {
                found.Add(ParameterJson(parameter, decrypt));
            }
            else
            {
                invalid.Add(name);
            }
        }

        return SsmJson.Ok(new JObject { [SsmJson.ParametersField] = found, ["InvalidParameters"] = invalid });
    }

    private SandboxResponse PutParameter(JObject body)
    {
        var name = SsmJson.String(body, "Name") ?? throw SsmApiException.Validation("name", "null", "Member must not be null");
        var value = SsmJson.String(body, "Value") ?? throw SsmApiException.Validation("value", "null", "Member must not be null");
        var bare = name.TrimStart('/');
        if (bare.StartsWith("aws", StringComparison.OrdinalIgnoreCase) || bare.StartsWith("ssm", StringComparison.OrdinalIgnoreCase))
        {
            throw new SsmApiException("ValidationException", "Parameter name: can't be prefixed with \"aws\" or \"ssm\" (case-insensitive).");
        }

        var existing = Parameters.Get(name);
        var type = SsmJson.String(body, "Type") ?? existing?.Type
            ?? throw new SsmApiException("ValidationException", "A parameter type is required when you create a parameter.");
        if (type is not ("String" or "StringList" or "SecureString"))
        {
            throw SsmApiException.Validation("type", type, "Member must satisfy enum value set: [SecureString, StringList, String]");
        }

        var tier = ParameterTier(SsmJson.String(body, "Tier"), existing?.Tier, value.Length);
        var stored = Parameters.Put(name, type, value, SsmJson.Bool(body, "Overwrite"), tier)
            ?? throw new SsmApiException("ParameterAlreadyExists", "The parameter already exists. To overwrite this value, set the overwrite option in the request to true.");
        return SsmJson.Ok(new JObject { ["Version"] = stored.Version, ["Tier"] = stored.Tier });
    }

    /// <summary>
    /// Parameter Store's tiers: Standard holds 4,096 characters, Advanced 8,192; Intelligent-Tiering picks Standard when the
    /// value fits, else Advanced; an Advanced parameter is never downgraded (Standard is refused, Intelligent-Tiering keeps
    /// it Advanced). Without a Tier: the existing parameter's, else the default, Standard.
    /// </summary>
    private static string ParameterTier(string? requested, string? existing, int length)
    {
        if (requested is not (null or "Standard" or "Advanced" or "Intelligent-Tiering"))
        {
            throw SsmApiException.Validation("tier", requested, "Member must satisfy enum value set: [Standard, Advanced, Intelligent-Tiering]");
        }

        var tier = requested switch
        {
            "Intelligent-Tiering" => existing == "Advanced" || length > 4096 ? "Advanced" : "Standard",
            null => existing ?? "Standard",
            _ => requested,
        };
        if (tier == "Standard" && existing == "Advanced")
        {
            throw new SsmApiException("ValidationException", "This parameter uses the advanced-parameter tier. You can't downgrade a parameter from the advanced-parameter tier to the standard-parameter tier. If necessary, you can delete the advanced parameter and recreate it as a standard parameter.");
        }

        if (tier == "Standard" && length > 4096)
        {
            throw new SsmApiException("ValidationException", "Standard tier parameters support a maximum parameter value of 4096 characters. To create a larger parameter value, upgrade the parameter to use the advanced-parameter tier.");
        }

        if (length > 8192)
        {
            throw new SsmApiException("ValidationException", "Advanced tier parameters support a maximum parameter value of 8192 characters.");
        }

        return tier;
    }

    private SandboxResponse DeleteParameter(JObject body)
    {
        var name = SsmJson.String(body, "Name") ?? throw SsmApiException.Validation("name", "null", "Member must not be null");
        if (!Parameters.Delete(name))
        {
            throw new SsmApiException("ParameterNotFound", $"Parameter {name} not found.");
        }

        return SsmJson.Ok(new JObject());
    }

    /// <summary>The parameters under a path (direct children, or all below with Recursive), paged by NextToken (MaxResults 1–10).</summary>
    private SandboxResponse GetParametersByPath(JObject body)
    {
        var path = SsmJson.String(body, "Path") ?? throw SsmApiException.Validation("path", "null", "Member must not be null");
        if (!path.StartsWith("/", StringComparison.Ordinal))
        {
            throw new SsmApiException("ValidationException", "The parameter doesn't meet the parameter name requirements. The parameter name must begin with a forward slash \"/\".");
        }

        var prefix = path.EndsWith("/", StringComparison.Ordinal) ? path : path + "/";
        var recursive = SsmJson.Bool(body, "Recursive");
        var matching = Parameters.All
            .Where(p => p.Name.StartsWith(prefix, StringComparison.Ordinal) && (recursive || p.Name.IndexOf('/', prefix.Length) < 0))
            .ToList();
        var (page, next) = SsmJson.Page(matching, body, 10, 1, 10, Host.Pages);
        var decrypt = SsmJson.Bool(body, "WithDecryption");
        var result = new JObject { [SsmJson.ParametersField] = new JArray(page.Select(p => ParameterJson(p, decrypt))) };
        if (next is not null)
        {
            result["NextToken"] = next;
        }

        return SsmJson.Ok(result);
    }

    private SandboxResponse DeleteParameters(JObject body)
    {
        var names = SsmJson.Strings(body, "Names");
        if (names.Count is 0 or > 10)
        {
            throw SsmApiException.Validation("names", "[" + string.Join(", ", names) + "]", names.Count == 0 ? "Member must have length greater than or equal to 1" : "Member must have length less than or equal to 10");
        }

        var deleted = new JArray();
        var invalid = new JArray();
        foreach (var name in names.Distinct(StringComparer.Ordinal))
        {
            (Parameters.Delete(name) ? deleted : invalid).Add(name);
        }

        return SsmJson.Ok(new JObject { ["DeletedParameters"] = deleted, ["InvalidParameters"] = invalid });
    }

    private JObject ParameterJson(SsmParameter parameter, bool decrypt)
    {
        var value = parameter.Type == "SecureString" && !decrypt
            ? Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("sandbox-kms:" + parameter.Name + ":" + parameter.Version))
            : parameter.Value;
        var path = parameter.Name.StartsWith("/", StringComparison.Ordinal) ? parameter.Name : "/" + parameter.Name;
        return new JObject
        {
            ["Name"] = parameter.Name,
            ["Type"] = parameter.Type,
            ["Value"] = value,
            ["Version"] = parameter.Version,
            ["LastModifiedDate"] = SsmJson.EpochSeconds(parameter.LastModified),
            ["ARN"] = $"arn:aws:ssm:{Host.Options.Region}:{(parameter.Name.StartsWith("/aws/", StringComparison.Ordinal) ? string.Empty : AccountId)}:parameter{path}",
            ["DataType"] = "text",
        };
    }
}
