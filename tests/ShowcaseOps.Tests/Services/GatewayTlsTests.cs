using System;
using System.Linq;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using Newtonsoft.Json.Linq;
using ShowcaseOps.Core;
using ShowcaseOps.Core.Aws;
using ShowcaseOps.Core.Execution;
using ShowcaseOps.Core.Platform;
using ShowcaseOps.Core.Services;
using ShowcaseOps.Tests.Platform;
using Xunit;

namespace ShowcaseOps.Tests.Services;

/// <summary>TLS at the gateway: https-only routes, the certificate (parsed, generated, stored, installed), the stand-ins' strictness.</summary>
public sealed class GatewayTlsTests : SandboxTestBase
{
    [Fact]
    public void Every_route_the_module_writes_is_https_only_with_a_308_redirect()
    {
        var routes = ServiceRegistrationPlan.RegisterService(new PlatformServiceSpec("web", "service.consul", 10000))
            .Concat(GatewayPlan.Create(new GatewaySpec("demo", "service.consul", "10.0.12.4", new[] { "203.0.113.0/24" }, true, false)))
            .Where(r => r.Target == PlatformTarget.Kong && r.PathAndQuery.Contains("/routes/", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, routes.Count);
        foreach (var route in routes)
        {
            var body = JObject.Parse(route.JsonBody!);
            Assert.Equal(new[] { "https" }, body["protocols"]!.ToObject<string[]>());
            Assert.Equal(308, (int)body["https_redirect_status_code"]!);
        }
    }

    [Fact]
    public async Task Kong_refuses_a_redirect_code_it_does_not_know_with_its_schema_violation()
    {
        await CallAsync("kong", "PUT", "/services/web", "{\"url\":\"http://a:1\"}");
        var refused = await CallAsync("kong", "PUT", "/services/web/routes/web", "{\"hosts\":[\"web.example.com\"],\"protocols\":[\"https\"],\"https_redirect_status_code\":303}");
        Assert.Equal(400, refused.Status);
        var error = JObject.Parse(refused.Body);
        Assert.Equal(2, (int)error["code"]!);
        Assert.Equal("schema violation", (string?)error["name"]);
        Assert.Equal("expected one of: 426, 301, 302, 307, 308", (string?)error["fields"]!["https_redirect_status_code"]);
        foreach (var code in new[] { 426, 301, 302, 307, 308 })
        {
            Assert.Equal(200, (await CallAsync("kong", "PUT", "/services/web/routes/web", $"{{\"hosts\":[\"web.example.com\"],\"https_redirect_status_code\":{code}}}")).Status);
        }
    }

    [Fact]
    public void A_generated_certificate_covers_the_domain_and_parses_back()
    {
        var generated = GatewayCertificate.Generate("service.consul", DateTimeOffset.UtcNow);
        Assert.Equal(new[] { "*.service.consul", "service.consul" }, generated.DnsNames);
        Assert.True(generated.Covers("web.service.consul"));
        Assert.False(generated.Covers("a.b.service.consul"));
        Assert.True(generated.SelfSigned);
        Assert.Contains("BEGIN PRIVATE KEY", generated.KeyPem, StringComparison.Ordinal);
        var again = GatewayCertificate.Parse(generated.CertificatePem, generated.KeyPem, "test");
        Assert.Equal(generated.Thumbprint, again.Thumbprint);
        Assert.Equal(GatewayCertificate.KongId("demo"), GatewayCertificate.KongId("demo"));
        Assert.NotEqual(GatewayCertificate.KongId("demo"), GatewayCertificate.KongId("prod"));
        var request = generated.KongRequest("demo");
        Assert.Equal("PUT", request.Method);
        Assert.Equal("/certificates/" + GatewayCertificate.KongId("demo"), request.PathAndQuery);
    }

    [Theory]
    [InlineData("mismatch")]
    [InlineData("encrypted")]
    [InlineData("no-certificate")]
    [InlineData("no-key")]
    public void A_certificate_that_cannot_be_used_is_ShowcaseGatewayCertificateInvalid(string problem)
    {
        var one = GatewayCertificate.Generate("service.consul", DateTimeOffset.UtcNow);
        var other = GatewayCertificate.Generate("service.consul", DateTimeOffset.UtcNow);
        using var rsa = RSA.Create(2048);
        var (cert, key) = problem switch
        {
            "mismatch" => (one.CertificatePem, other.KeyPem),
            "encrypted" => (one.CertificatePem, rsa.ExportEncryptedPkcs8PrivateKeyPem("pw", new PbeParameters(PbeEncryptionAlgorithm.Aes128Cbc, HashAlgorithmName.SHA256, 1000))),
            "no-certificate" => ("hello", one.KeyPem),
            _ => (one.CertificatePem, "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"),
        };
        var error = Assert.Throws<ShowcaseException>(() => GatewayCertificate.Parse(cert, key, "/tmp/x.pem"));
        Assert.Equal(ShowcaseErrors.ShowcaseGatewayCertificateInvalid, error.Error);
        Assert.DoesNotContain("PRIVATE KEY-----\n", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kong_certificates_check_the_key_and_keep_snis_unique()
    {
        var one = GatewayCertificate.Generate("service.consul", DateTimeOffset.UtcNow);
        var other = GatewayCertificate.Generate("example.org", DateTimeOffset.UtcNow);
        var id = GatewayCertificate.KongId("demo");
        var mismatch = await CallAsync("kong", "PUT", "/certificates/" + id, new JObject { ["cert"] = one.CertificatePem, ["key"] = other.KeyPem }.ToString());
        Assert.Equal(400, mismatch.Status);
        Assert.Equal("certificate does not match key", (string?)JObject.Parse(mismatch.Body)["fields"]!["@entity"]![0]);

        var ok = await CallAsync("kong", "PUT", "/certificates/" + id, new JObject { ["cert"] = one.CertificatePem, ["key"] = one.KeyPem, ["snis"] = new JArray("*.service.consul") }.ToString());
        Assert.Equal(200, ok.Status);
        var again = await CallAsync("kong", "PUT", "/certificates/" + id, new JObject { ["cert"] = one.CertificatePem, ["key"] = one.KeyPem, ["snis"] = new JArray("*.service.consul") }.ToString());
        Assert.Equal(200, again.Status);
        Assert.Single(JObject.Parse((await CallAsync("kong", "GET", "/snis")).Body)["data"]!);
        Assert.Equal(id, (string?)JObject.Parse((await CallAsync("kong", "GET", "/snis/*.service.consul")).Body)["certificate"]!["id"]);

        var taken = await CallAsync("kong", "POST", "/certificates", new JObject { ["cert"] = other.CertificatePem, ["key"] = other.KeyPem, ["snis"] = new JArray("*.service.consul") }.ToString());
        Assert.Equal(409, taken.Status);
        var bad = await CallAsync("kong", "POST", "/certificates", new JObject { ["cert"] = other.CertificatePem, ["key"] = other.KeyPem, ["snis"] = new JArray("a.*.org") }.ToString());
        Assert.Equal(400, bad.Status);
    }

    [Fact]
    public async Task Parameter_store_tiers_hold_4096_standard_and_8192_advanced_characters_and_never_downgrade()
    {
        using var ssm = Ssm();
        var big = new string('x', 5000);
        var standard = await Assert.ThrowsAnyAsync<AmazonSimpleSystemsManagementException>(() => ssm.PutParameterAsync(new PutParameterRequest { Name = "/t/a", Type = ParameterType.String, Value = big }));
        Assert.Contains("4096", standard.Message, StringComparison.Ordinal);

        var tiered = await ssm.PutParameterAsync(new PutParameterRequest { Name = "/t/a", Type = ParameterType.String, Value = big, Tier = ParameterTier.IntelligentTiering });
        Assert.Equal(ParameterTier.Advanced, tiered.Tier);
        var small = await ssm.PutParameterAsync(new PutParameterRequest { Name = "/t/b", Type = ParameterType.SecureString, Value = "x", Tier = ParameterTier.IntelligentTiering });
        Assert.Equal(ParameterTier.Standard, small.Tier);

        var kept = await ssm.PutParameterAsync(new PutParameterRequest { Name = "/t/a", Type = ParameterType.String, Value = "short", Overwrite = true, Tier = ParameterTier.IntelligentTiering });
        Assert.Equal(ParameterTier.Advanced, kept.Tier);
        var downgrade = await Assert.ThrowsAnyAsync<AmazonSimpleSystemsManagementException>(() => ssm.PutParameterAsync(new PutParameterRequest { Name = "/t/a", Type = ParameterType.String, Value = "short", Overwrite = true, Tier = ParameterTier.Standard }));
        Assert.Contains("downgrade", downgrade.Message, StringComparison.Ordinal);
        var huge = await Assert.ThrowsAnyAsync<AmazonSimpleSystemsManagementException>(() => ssm.PutParameterAsync(new PutParameterRequest { Name = "/t/c", Type = ParameterType.String, Value = new string('x', 8193), Tier = ParameterTier.Advanced }));
        Assert.Contains("8192", huge.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_certificate_is_generated_once_kept_in_parameter_store_and_reused()
    {
        using var ssm = Ssm();
        var (first, stored) = await GatewayCertificateStore.EnsureAsync(ssm, "demo", "service.consul", null, NullReporter.Instance, CancellationToken.None);
        Assert.True(stored);
        var certificate = Host.Ssm.Parameters.Get(GatewayCertificate.CertificateParameterName("demo"))!;
        var key = Host.Ssm.Parameters.Get(GatewayCertificate.KeyParameterName("demo"))!;
        Assert.Equal("String", certificate.Type);
        Assert.Equal("SecureString", key.Type);
        Assert.Equal("/showcaseops/demo/gateway-tls-certificate", certificate.Name);
        Assert.Equal(first.CertificatePem, certificate.Value);

        var (second, storedAgain) = await GatewayCertificateStore.EnsureAsync(ssm, "demo", "service.consul", null, NullReporter.Instance, CancellationToken.None);
        Assert.False(storedAgain);
        Assert.Equal(first.Thumbprint, second.Thumbprint);
        Assert.Equal(1, Host.Ssm.Parameters.Get(GatewayCertificate.CertificateParameterName("demo"))!.Version);

        // Another domain: the stored one does not cover it, a new one replaces it.
        var (third, replaced) = await GatewayCertificateStore.EnsureAsync(ssm, "demo", "example.org", null, NullReporter.Instance, CancellationToken.None);
        Assert.True(replaced);
        Assert.True(third.Covers("web.example.org"));

        // An imported certificate replaces the stored one once, then is reused.
        var imported = GatewayCertificate.Generate("example.org", DateTimeOffset.UtcNow);
        Assert.True((await GatewayCertificateStore.EnsureAsync(ssm, "demo", "example.org", imported, NullReporter.Instance, CancellationToken.None)).Stored);
        Assert.False((await GatewayCertificateStore.EnsureAsync(ssm, "demo", "example.org", imported, NullReporter.Instance, CancellationToken.None)).Stored);
    }

    [Fact]
    public void The_ssm_certificate_script_names_the_parameters_never_the_key()
    {
        var certificate = GatewayCertificate.Generate("service.consul", DateTimeOffset.UtcNow);
        var script = GatewayCertificateScript.Create(new Uri("http://10.0.5.10:8001"), "demo", certificate.DnsNames);
        Assert.Contains("/showcaseops/demo/gateway-tls-key", script, StringComparison.Ordinal);
        Assert.Contains("/certificates/" + GatewayCertificate.KongId("demo"), script, StringComparison.Ordinal);
        Assert.Contains("\"*.service.consul\",\"service.consul\"", script, StringComparison.Ordinal);
        Assert.DoesNotContain(certificate.KeyPem.Split('\n')[1], script, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => GatewayCertificateScript.Create(new Uri("http://10.0.5.10:8001"), "demo", new[] { "x';rm -rf /;'" }));
    }

    private IAmazonSimpleSystemsManagement Ssm() =>
        AwsClientFactory.CreateSsm(new AwsConnectionSettings { EndpointUrl = Host.Endpoint("ssm").ToString(), Region = "eu-west-1", AccessKey = "x", SecretKey = "y" });
}
