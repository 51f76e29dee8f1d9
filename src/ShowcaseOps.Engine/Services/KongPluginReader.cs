using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json.Linq;
using ShowcaseOps.Core.Execution;
using ShowcaseOps.Core.Platform;

namespace ShowcaseOps.Core.Services;

/// <summary>A Kong plugin and what it is attached to.</summary>
public sealed record KongPluginAttachment(string Name, string? ServiceId, string? RouteId);

/// <summary>Reads every Kong plugin, following Kong's <c>next</c> pages.</summary>
public static class KongPluginReader
{
    private const int MaxPages = 50;

    /// <summary>Every plugin; on a failed read, a warning and what was read so far.</summary>
    public static async Task<IReadOnlyList<KongPluginAttachment>> ReadAsync(IPlatformChannel channel, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var found = new List<KongPluginAttachment>();
        var next = "/plugins?size=1000";
        for (var page = 0; next is not null && page < MaxPages; page++)
        {
            var response = (await channel.SendAsync(new[] { new PlatformRequest(PlatformTarget.Kong, "GET", next, null, "Kong plugins") }, reporter, cancellationToken).ConfigureAwait(false)).Single();
            if (!response.Succeeded)
            {
                reporter.Warning($"Could not read Kong's plugins ({response.Status}); Protection is left empty.");
                break;
            }

            var json = JObject.Parse(response.Body);
            foreach (var plugin in (json["data"] as JArray ?? new JArray()).OfType<JObject>())
            {
                found.Add(new KongPluginAttachment((string?)plugin["name"] ?? string.Empty, (plugin["service"] as JObject)?["id"]?.ToString(), (plugin["route"] as JObject)?["id"]?.ToString()));
            }

            // Kong's next is a path on the same server; anything else is not followed.
            next = json["next"] is JValue { Type: JTokenType.String } n && ((string)n!).StartsWith("/", StringComparison.Ordinal) ? (string)n! : null;
        }

        return found;
    }
}
