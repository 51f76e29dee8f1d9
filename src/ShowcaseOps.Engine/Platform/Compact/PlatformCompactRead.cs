using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace ShowcaseOps.Core.Platform.Compact;

/// <summary>The shapes of answer the compact read rewrites (anything else travels as it is).</summary>
public static class PlatformCompactKinds
{
    public const string MarathonApps = "M";
    public const string ConsulServices = "C";
    public const string VulcandHosts = "VH";
    public const string VulcandBackends = "VB";
    public const string VulcandFrontends = "VF";
    public const string VulcandListeners = "VL";
    public const string VulcandServers = "VS";
    public const string KongServices = "KS";
    public const string KongRoutes = "KR";

    /// <summary>
    /// The kind of each request of a batch: the program names Marathon's tasks by position in one Marathon answer, so a
    /// second Marathon read in the same batch travels as it is.
    /// </summary>
    public static string?[] ForBatch(IReadOnlyList<PlatformRequest> requests)
    {
        var kinds = requests.Select(Of).ToArray();
        var first = Array.IndexOf(kinds, MarathonApps);
        for (var i = first + 1; first >= 0 && i < kinds.Length; i++)
        {
            if (kinds[i] == MarathonApps)
            {
                kinds[i] = null;
            }
        }

        return kinds;
    }

    /// <summary>The kind of a GET the compact read knows, or null.</summary>
    public static string? Of(PlatformRequest request)
    {
        if (request is null || request.Method != "GET")
        {
            return null;
        }

        var path = request.PathAndQuery;
        switch (request.Target)
        {
            case PlatformTarget.Marathon when path == Sync.SyncEngine.MarathonAppsPath:
                return MarathonApps;
            case PlatformTarget.Consul when path == PlatformReadPlan.ConsulAgentServices:
                return ConsulServices;
            case PlatformTarget.Vulcand:
                return path switch
                {
                    "/v2/hosts" => VulcandHosts,
                    "/v2/backends" => VulcandBackends,
                    "/v2/frontends" => VulcandFrontends,
                    "/v2/listeners" => VulcandListeners,
                    _ => PlatformReadPlan.ServersBackend(request) is not null ? VulcandServers : null,
                };
            case PlatformTarget.Kong when path.StartsWith("/services?size=", StringComparison.Ordinal):
                return KongServices;
            case PlatformTarget.Kong when path.StartsWith("/routes?size=", StringComparison.Ordinal):
                return KongRoutes;
            default:
                return null;
        }
    }
}

/// <summary>
/// What a batch asks of the compact read on the host: the kind of each request, whether to read the servers of every
/// listed Vulcand backend in the same command, and the digests of the answers this side already holds.
/// </summary>
public sealed class PlatformCompactOptions
{
    /// <summary>The digests (16 hex characters, from an earlier compact read) this side holds, by request index; null: none.</summary>
    public IReadOnlyList<string?> KnownDigests { get; init; } = Array.Empty<string?>();

    /// <summary>Read the servers of every backend the batch's <c>GET /v2/backends</c> lists (the ones it reads itself excepted).</summary>
    public bool PrefetchServers { get; init; } = true;

    /// <summary>The digests of the server lists this side holds from earlier compact reads, by backend.</summary>
    public IReadOnlyDictionary<string, string> KnownServerDigests { get; init; } = new Dictionary<string, string>();
}

/// <summary>
/// The compact read (docs/ssm.md, "Compact reads"): a python3 program the batch carries to the gateway. It rewrites the
/// big answers of a platform read (Marathon's apps with tasks, Consul's agent services, Vulcand's lists and server lists,
/// Kong's services and routes) into columns holding only what the module reads, with every UUID sent once, and prints
/// one gzip'd frame that <see cref="PlatformCompactDecoder"/> turns back into the answers' JSON. A host without python3,
/// or any failure of the program, falls back to the plain frames.
/// </summary>
public static class PlatformCompactRead
{
    public const string CompactMarker = "@@SHOWCASE-COMPACT";
    public const string ProgramFile = "compact_read.py";
    public const string SpecFile = "spec";

    /// <summary>At most this many server-list digests travel (~18 characters each in the command); beyond, lists come whole.</summary>
    public const int MaxKnownServerLists = 1000;

    private static readonly Lazy<byte[]> ProgramBytes = new(LoadProgram);

    /// <summary>The program's text (an embedded resource of this assembly).</summary>
    public static byte[] Program => ProgramBytes.Value;

    /// <summary>The archive files a compact batch adds: the program, its spec and the known digests.</summary>
    internal static IEnumerable<KeyValuePair<string, byte[]>> Files(PlatformEndpoints endpoints, IReadOnlyList<PlatformRequest> requests, string batchId, PlatformCompactOptions options)
    {
        var kinds = PlatformCompactKinds.ForBatch(requests);
        var backendsIndex = Array.FindIndex(kinds, k => k == PlatformCompactKinds.VulcandBackends);
        var spec = new JObject
        {
            ["batch"] = batchId,
            ["kinds"] = new JArray(kinds.Select(k => (JToken?)k ?? JValue.CreateNull())),
            ["backends"] = options.PrefetchServers && backendsIndex >= 0 ? backendsIndex + 1 : 0,
            ["serversUrl"] = endpoints.Vulcand.AbsoluteUri.TrimEnd('/') + "/v2/backends/",
            ["requested"] = new JArray(requests.Select(PlatformReadPlan.ServersBackend).Where(b => b is not null)),
        };
        yield return new KeyValuePair<string, byte[]>(ProgramFile, Program);
        yield return new KeyValuePair<string, byte[]>(SpecFile, new UTF8Encoding(false).GetBytes(spec.ToString(Formatting.None)));
        var known = new StringBuilder();
        for (var i = 0; i < options.KnownDigests.Count && i < requests.Count; i++)
        {
            if (options.KnownDigests[i] is { } digest && IsDigest(digest))
            {
                known.Append(i + 1).Append(' ').Append(digest).Append('\n');
            }
        }

        foreach (var (backend, digest) in backendsIndex >= 0 && options.PrefetchServers ? options.KnownServerDigests.Take(MaxKnownServerLists) : Enumerable.Empty<KeyValuePair<string, string>>())
        {
            if (IsDigest(digest))
            {
                known.Append("p:").Append(Convert.ToHexString(Encoding.UTF8.GetBytes(backend)).ToLowerInvariant()).Append(' ').Append(digest).Append('\n');
            }
        }

        yield return new KeyValuePair<string, byte[]>("known", Encoding.ASCII.GetBytes(known.ToString()));
    }

    /// <summary>
    /// The shell that replaces the plain output: curl's status lines go to a file; python3 prefetches the server lists and
    /// prints the compact frame; when it cannot, the plain frames follow as before.
    /// </summary>
    internal static void AppendScript(StringBuilder s)
    {
        s.Append("curl --config request.conf > status 2> err || true\n");
        s.Append("if command -v python3 >/dev/null 2>&1 && python3 ").Append(ProgramFile).Append(" prefetch 2>> err; then\n");
        s.Append("  if [ -s servers.conf ]; then curl --config servers.conf > pstatus 2>> err || true; fi\n");
        s.Append("  if python3 ").Append(ProgramFile).Append(" encode > compact.out 2>> err; then\n");
        s.Append("    cat compact.out\n");
        s.Append("    exit 0\n");
        s.Append("  fi\n");
        s.Append("fi\n");
        s.Append("cat status\n");
    }

    private static bool IsDigest(string digest) => digest.Length == 16 && digest.All(c => (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));

    private static byte[] LoadProgram()
    {
        using var stream = typeof(PlatformCompactRead).Assembly.GetManifestResourceStream("ShowcaseOps.Core.Platform.Compact." + ProgramFile)
            ?? throw new InvalidOperationException("The compact read program is not embedded in the engine assembly.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
