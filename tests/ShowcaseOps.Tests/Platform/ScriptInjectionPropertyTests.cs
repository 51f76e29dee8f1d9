using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json.Linq;
using ShowcaseOps.Core.Execution;
using ShowcaseOps.Core.Platform;
using Xunit;

namespace ShowcaseOps.Tests.Platform;

/// <summary>
/// Property: whatever text goes into a request (body or path), the generated script delivers it byte-exact and never
/// runs it. 10,000 random strings travel in bodies (500 per request), 1,000 of them also in paths (10 segments per request):
/// batched because every request costs a few processes (curl, base64, gzip) in the script.
/// </summary>
public sealed class ScriptInjectionPropertyTests : SandboxTestBase
{
    private const int Count = 10_000;
    private const int PerBody = 500;
    private const int InPaths = 1_000;
    private const int PerPath = 10;

    private static readonly string[] Pieces =
    {
        "'", "\"", "`", "$(", ")", "${", "}", "$", "\\", "\n", "\r\n", "\t", ";", "&&", "|", ">", "<", "*", "?", "[", "]", "~", "#", "!", "%",
        "%2F", "%00", "/", ".", "..", " ", "é", "日本", "🚀", "\u00a0", "\u200b", "ÿ", "-n", "-e", "--", "@", "=", "+", "base64", "EOF", "\u0001",
        "@@SHOWCASE-END", "@@SHOWCASE-RESPONSE x 1 200 plain",
    };

    [Fact]
    public async Task Random_text_reaches_the_stand_in_byte_exact_and_never_executes()
    {
        var marker = Path.Combine(Path.GetTempPath(), "pwned-" + Guid.NewGuid().ToString("N"));
        var strings = Generate(new Random(20160601), marker);
        var channel = new ShellScriptChannel(Endpoints);

        // Bodies: each Consul registration carries 500 strings as tags.
        var bodyBatch = new List<PlatformRequest>();
        for (var i = 0; i < strings.Count; i += PerBody)
        {
            var tags = new JArray(strings.Skip(i).Take(PerBody).ToArray());
            var body = new JObject { ["ID"] = "p" + i, ["Name"] = "prop", ["Tags"] = tags }.ToString(Newtonsoft.Json.Formatting.None);
            bodyBatch.Add(new PlatformRequest(PlatformTarget.Consul, "PUT", "/v1/agent/service/register", body));
        }

        var responses = await channel.SendAsync(bodyBatch, NullReporter.Instance, CancellationToken.None);
        Assert.All(responses, r => Assert.Equal(200, r.Status));
        var services = Host.Consul.Services;
        for (var i = 0; i < strings.Count; i += PerBody)
        {
            Assert.Equal(strings.Skip(i).Take(PerBody), services["p" + i].Tags);
        }

        // Paths: the stand-in logs the decoded name it was asked for.
        Host.Log.Clear();
        // A segment made only of dots is removed by path normalisation on any HTTP server (Go's mux, .NET's Uri):
        // names like that are refused up front (PlatformNames.IsValid), so they are not part of the path property.
        var pathStrings = strings.Where(s => s.Length > 0 && s.Trim('.').Length > 0).Take(InPaths).ToArray();
        var groups = Enumerable.Range(0, InPaths / PerPath).Select(g => pathStrings.Skip(g * PerPath).Take(PerPath).ToArray()).ToArray();
        var pathBatch = groups.Select(g => new PlatformRequest(PlatformTarget.Consul, "GET", "/v1/catalog/service/" + string.Join("/", g.Select(PlatformPath.Segment)))).ToArray();
        var pathResponses = await channel.SendAsync(pathBatch, NullReporter.Instance, CancellationToken.None);
        Assert.All(pathResponses, r => Assert.Equal(200, r.Status));
        var targets = Host.Log.Entries.Where(e => e.Operation == "GET /v1/catalog/service/{name}").Select(e => e.Target).ToArray();
        Assert.Equal(groups.Select(g => string.Join("/", g)), targets);

        Assert.False(File.Exists(marker), "A payload was executed by the shell.");
    }

    private static List<string> Generate(Random random, string marker)
    {
        var hostile = new[]
        {
            $"$(touch {marker})", $"`touch {marker}`", $"'; touch {marker}; '", $"\"; touch {marker}; \"", $"$(touch${{IFS}}{marker})",
            $"\n touch {marker}\n", $"' || touch {marker} || '", $"\\'$(touch {marker})",
        };
        var result = new List<string>(hostile);
        while (result.Count < Count)
        {
            var builder = new StringBuilder();
            var parts = random.Next(0, 8);
            for (var p = 0; p < parts; p++)
            {
                switch (random.Next(4))
                {
                    case 0:
                        builder.Append(Pieces[random.Next(Pieces.Length)]);
                        break;
                    case 1:
                        builder.Append((char)random.Next(0x20, 0x7f));
                        break;
                    case 2:
                        builder.Append(char.ConvertFromUtf32(random.Next(0xa0, 0x2fff) is var c && c is >= 0xd800 and <= 0xdfff ? 0x263a : c));
                        break;
                    default:
                        builder.Append(hostile[random.Next(hostile.Length)]);
                        break;
                }
            }

            result.Add(builder.ToString());
        }

        return result;
    }
}
