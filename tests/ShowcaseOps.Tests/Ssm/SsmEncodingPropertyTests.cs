using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using ShowcaseOps.Core.Ssm;
using Xunit;

namespace ShowcaseOps.Tests.Ssm;

/// <summary>Property: any value (without NUL) passed through SsmScript.Environment arrives byte-exact in /bin/sh.</summary>
public sealed class SsmEncodingPropertyTests
{
    private static readonly string[] Nasty =
    {
        string.Empty, "'", "\"", "`id`", "$(id)", "${HOME}", "$HOME", "\\", "\\\\n", "'; exit 1; '", "\"; rm -rf /tmp/x; \"", "\n", "\n\n\n",
        "trailing newline\n", "x\r\n", "-n", "-e", "--", "%s%d%n", "*", "?", "[a-z]", "~", "#comment", "!", "a b\tc", "€", "日本語", "😀👍🏽",
        "\u202Eevil", "\u0001\u0002\u001f\u007f", "x", "EOF", "'EOF'", "SHOWCASEOPS", "$(printf '%s' x)", "a=b; export a",
    };

    private static readonly string Pool =
        "abcXYZ019 \t\n\r'\"`$(){}[]\\;&|<>*?~#!%^=+-_.,:/@é中😀\u0001\u001b\u007f\u00a0\u2028\u202e";

    [Fact]
    public async Task Thousands_of_random_values_arrive_byte_exact()
    {
        var random = new Random(20260415);
        var values = new List<string>(Nasty);
        while (values.Count < 2000)
        {
            values.Add(RandomString(random));
        }

        var batches = Enumerable.Range(0, (values.Count + 249) / 250).Select(b => values.Skip(b * 250).Take(250).ToList()).ToList();
        using var gate = new System.Threading.SemaphoreSlim(Math.Max(2, Environment.ProcessorCount));
        await Task.WhenAll(batches.Select(async batch =>
        {
            await gate.WaitAsync();
            try
            {
                await AssertRoundTripAsync(batch);
            }
            finally
            {
                gate.Release();
            }
        }));
    }

    [Fact]
    public void Names_are_validated_and_NUL_is_refused()
    {
        foreach (var bad in new[] { "lower", "1ABC", "A-B", "PATH", "IFS", "A B", string.Empty, "Ä" })
        {
            var error = Assert.Throws<ShowcaseOps.Core.ShowcaseException>(() => SsmCommandEncoder.EnvironmentLine(bad, "x"));
            Assert.Equal("SsmEnvironmentNameInvalid", error.ErrorId);
        }

        Assert.Equal("SsmEnvironmentValueInvalid", Assert.Throws<ShowcaseOps.Core.ShowcaseException>(() => SsmCommandEncoder.EnvironmentLine("OK", "a\0b")).ErrorId);
    }

    [Fact]
    public void Encoded_commands_carry_only_base64_inside_quotes()
    {
        var script = new SsmScript("echo \"$VALUE\"\n", new Dictionary<string, string> { ["VALUE"] = "'; rm -rf / #" });

        var lines = SsmCommandEncoder.Encode(SsmCommandEncoder.BuildScript(script));

        Assert.DoesNotContain(lines, l => l.Contains("rm -rf /", StringComparison.Ordinal));
        foreach (var line in lines)
        {
            var quoted = line.Split('\'').Where((_, i) => i % 2 == 1);
            Assert.All(quoted, q => Assert.Matches("^([A-Za-z0-9+/=]*|%s)$", q));
        }
    }

    private static string RandomString(Random random)
    {
        var length = random.Next(0, 4) == 0 ? random.Next(0, 400) : random.Next(0, 24);
        var text = new StringBuilder();
        while (text.Length < length)
        {
            switch (random.Next(0, 5))
            {
                case 0:
                    text.Append((char)random.Next(1, 128));
                    break;
                case 1:
                    text.Append(char.ConvertFromUtf32(random.Next(0x80, 0xD800)));
                    break;
                case 2:
                    text.Append(char.ConvertFromUtf32(random.Next(0x10000, 0x10FFFF)));
                    break;
                default:
                    var at = random.Next(0, Pool.Length);
                    text.Append(char.IsHighSurrogate(Pool[at]) && at + 1 < Pool.Length ? Pool.Substring(at, 2) : char.IsLowSurrogate(Pool[at]) ? "x" : Pool[at].ToString());
                    break;
            }
        }

        return text.ToString();
    }

    private static async Task AssertRoundTripAsync(IReadOnlyList<string> values)
    {
        var outDir = Path.Combine(Path.GetTempPath(), "showcaseops-prop-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(outDir);
        try
        {
            var environment = new Dictionary<string, string> { ["OUT_DIR"] = outDir };
            var body = new StringBuilder();
            for (var i = 0; i < values.Count; i++)
            {
                environment["V" + i] = values[i];
                body.Append("printf '%s' \"$V").Append(i).Append("\" > \"$OUT_DIR/").Append(i).Append("\"\n");
            }

            // Exported too: a child process sees the same bytes.
            body.Append("sh -c 'printf \"%s\" \"$V0\"' > \"$OUT_DIR/child\"\n");
            var lines = SsmCommandEncoder.Encode(SsmCommandEncoder.BuildScript(new SsmScript(body.ToString(), environment)));
            var (exitCode, stderr) = await RunShAsync(string.Join("\n", lines));

            Assert.True(exitCode == 0, stderr);
            for (var i = 0; i < values.Count; i++)
            {
                var expected = Encoding.UTF8.GetBytes(values[i]);
                var actual = await File.ReadAllBytesAsync(Path.Combine(outDir, i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                Assert.True(expected.AsSpan().SequenceEqual(actual), $"value {i} changed: {Escape(values[i])} -> {Escape(Encoding.UTF8.GetString(actual))}");
            }

            Assert.Equal(Encoding.UTF8.GetBytes(values[0]), await File.ReadAllBytesAsync(Path.Combine(outDir, "child")));
        }
        finally
        {
            Directory.Delete(outDir, recursive: true);
        }
    }

    private static string Escape(string s) => string.Concat(s.Select(c => c < 32 || c > 126 ? $"\\u{(int)c:x4}" : c.ToString()));

    private static async Task<(int ExitCode, string StandardError)> RunShAsync(string script)
    {
        var path = Path.GetTempFileName();
        await File.WriteAllTextAsync(path, script, new UTF8Encoding(false));
        try
        {
            var info = new ProcessStartInfo("/bin/sh", path) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            using var process = Process.Start(info)!;
            var stderr = process.StandardError.ReadToEndAsync();
            await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            return (process.ExitCode, await stderr);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
