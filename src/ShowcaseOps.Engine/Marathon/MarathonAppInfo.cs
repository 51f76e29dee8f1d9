using System;
using System.Collections.Generic;

namespace ShowcaseOps.Core.Marathon;

/// <summary>
/// A Marathon app as ShowcaseOps shows it. <see cref="Name"/> and <see cref="ServicePort"/> bind by property name to
/// <c>Register-ShowcaseService</c> (<c>Get-MarathonApp web | Register-ShowcaseService</c>).
/// </summary>
public sealed class MarathonAppInfo
{
    /// <summary>Label that marks an app for exposure through Consul, Vulcand and Kong (value <c>true</c>). See docs/marathon.md.</summary>
    public const string ExposeLabel = "showcaseops.expose";

    public MarathonAppInfo(string id)
    {
        Id = id;
        Name = MarathonNames.ServiceName(id);
    }

    /// <summary>Marathon's app id, absolute (<c>/web</c>, <c>/shop/web</c>).</summary>
    public string Id { get; }

    /// <summary>The service name: the id without its leading slash, '/' and '.' replaced by '-' (<c>/shop/web</c> → <c>shop-web</c>).</summary>
    public string Name { get; }

    /// <summary>Wanted instances.</summary>
    public int Instances { get; init; }

    public int TasksStaged { get; init; }

    public int TasksRunning { get; init; }

    public int TasksHealthy { get; init; }

    public int TasksUnhealthy { get; init; }

    /// <summary>The first service port (from <c>container.portMappings</c> or <c>portDefinitions</c>); null when the app has no ports.</summary>
    public int? ServicePort => ServicePorts.Count > 0 ? ServicePorts[0] : null;

    public IReadOnlyList<int> ServicePorts { get; init; } = Array.Empty<int>();

    /// <summary>The Docker image (null for a command-only app).</summary>
    public string? Image { get; init; }

    public string? Cmd { get; init; }

    public double Cpus { get; init; }

    public double Mem { get; init; }

    /// <summary>The first network's mode: <c>host</c>, <c>container/bridge</c> or <c>container</c>.</summary>
    public string NetworkMode { get; init; } = "host";

    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>True when the app carries the label <c>showcaseops.expose=true</c>.</summary>
    public bool Exposed => Labels.TryGetValue(ExposeLabel, out var value) && string.Equals(value, "true", StringComparison.OrdinalIgnoreCase);

    public bool HasHealthChecks { get; init; }

    /// <summary>Marathon's version timestamp of the app (ISO 8601, as Marathon wrote it).</summary>
    public string? Version { get; init; }

    /// <summary>Ids of the deployments running for this app now.</summary>
    public IReadOnlyList<string> DeploymentIds { get; init; } = Array.Empty<string>();

    public int DeploymentCount => DeploymentIds.Count;

    /// <summary>The tasks (present when they were asked for: <c>embed=apps.tasks</c>, or a single app).</summary>
    public IReadOnlyList<MarathonTaskInfo> Tasks { get; init; } = Array.Empty<MarathonTaskInfo>();

    /// <summary>The app definition exactly as Marathon returned it (JSON), e.g. to save and re-create it.</summary>
    public string Definition { get; init; } = "{}";

    public override string ToString() => Id;
}

/// <summary>How Marathon ids become names that Consul, Vulcand and Kong accept.</summary>
public static class MarathonNames
{
    /// <summary><c>/web</c> → <c>web</c>; <c>/shop/web</c> → <c>shop-web</c>; <c>/web.v2</c> → <c>web-v2</c> (a dot would break DNS names).</summary>
    public static string ServiceName(string appId) => appId.Trim('/').Replace('/', '-').Replace('.', '-');

    /// <summary>A task id made safe as a Consul service id and a Vulcand server id (letters, digits, '.', '_', '-').</summary>
    public static string InstanceId(string taskId)
    {
        var chars = taskId.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            var c = chars[i];
            if (!(char.IsLetterOrDigit(c) && c < 128) && c is not ('.' or '_' or '-'))
            {
                chars[i] = '-';
            }
        }

        return new string(chars);
    }
}
