using System.Linq;
using System.Text.RegularExpressions;
using ShowcaseOps.Core.Bootstrap;
using ShowcaseOps.Core.Services;
using Xunit;

namespace ShowcaseOps.Tests.Bootstrap;

/// <summary>
/// The hosts read their secrets from Parameter Store under the same prefix as the gateway's API key, with exactly the
/// names of the contract the module writes (docs/bootstrap.md, "Secrets"); each role reads only what it needs.
/// </summary>
public sealed class BootstrapSecretsContractTests
{
    private static readonly BootstrapScripts Scripts = BootstrapScripts.Load(BootstrapSandbox.ScriptsDirectory);

    [Fact]
    public void Parameters_live_under_the_gateway_key_prefix()
    {
        var gatewayKey = GatewayPlan.KeyParameterName("demo");
        var prefix = gatewayKey.Substring(0, gatewayKey.LastIndexOf('/') + 1);
        Assert.Equal("/showcaseops/demo/", prefix);
        Assert.Contains("_sp_name=/showcaseops/$SHOWCASE_CLUSTER/$1", Scripts.For("agent"), System.StringComparison.Ordinal);
    }

    [Fact]
    public void The_scripts_read_exactly_the_contract_names()
    {
        var read = Scripts.For("master") + Scripts.For("gateway") + Scripts.For("agent");
        var names = Regex.Matches(read, @"(?m)^\s*showcase_secret ([a-z-]+) ").Select(m => m.Groups[1].Value).Distinct().OrderBy(n => n, System.StringComparer.Ordinal);
        Assert.Equal(new[] { "consul-agent-token", "consul-gossip-key", "consul-management-token", "consul-registrar-token", "marathon-credentials" }, names);
    }

    [Theory]
    [InlineData("master")]
    [InlineData("gateway")]
    [InlineData("agent")]
    public void The_script_text_carries_no_credential_form(string role)
    {
        var text = Scripts.For(role);
        foreach (var fixedId in new[] { "3f6d2a10-0c1e-4b7a-9a3e-5c0000000001", "3f6d2a10-0c1e-4b7a-9a3e-5c0000000002", "00000000-0000-0000-0000-000000000002" })
        {
            text = text.Replace(fixedId, string.Empty, System.StringComparison.Ordinal);
        }

        // Only the tokens' fixed AccessorIDs are in the text; no SecretID, password or key.
        Assert.DoesNotMatch(@"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b", text);
        Assert.DoesNotMatch(@"showcaseops:[A-Za-z0-9]{32}", text);
        Assert.DoesNotMatch(@"AKIA[0-9A-Z]{16}", text);
    }
}
