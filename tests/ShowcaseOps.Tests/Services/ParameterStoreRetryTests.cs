using System;
using System.Threading;
using System.Threading.Tasks;
using Amazon.SimpleSystemsManagement;
using ShowcaseOps.Core;
using ShowcaseOps.Core.Aws;
using ShowcaseOps.Core.Execution;
using ShowcaseOps.Core.Services;
using ShowcaseOps.Tests.Platform;
using Xunit;

namespace ShowcaseOps.Tests.Services;

/// <summary>
/// The gateway's key and certificate in Parameter Store go through the engine's retry (the SDK clients retry nothing):
/// a throttle or a 5xx is tried again, a lost answer does not store a second key, a 4xx fails at once.
/// </summary>
public sealed class ParameterStoreRetryTests : SandboxTestBase
{
    [Fact]
    public async Task The_gateway_key_is_stored_after_a_throttled_read_and_a_failed_put()
    {
        Host.Faults.Add("ssm", "GetParameter", httpStatus: 400, errorCode: "ThrottlingException");
        Host.Faults.Add("ssm", "PutParameter", httpStatus: 500, errorCode: "InternalServerError");
        using var ssm = Ssm();

        var (key, created) = await GatewayKeyStore.EnsureAsync(ssm, "demo", false, NullReporter.Instance, CancellationToken.None);

        Assert.True(created);
        Assert.Equal(key, Host.Ssm.Parameters.Get(GatewayPlan.KeyParameterName("demo"))!.Value);
        Assert.Equal(2, Host.Log.Count("ssm", "GetParameter"));   // throttled, then ParameterNotFound
        Assert.Equal(2, Host.Log.Count("ssm", "PutParameter"));   // 500, then stored
        Assert.Equal(1, Host.Ssm.Parameters.Get(GatewayPlan.KeyParameterName("demo"))!.Version);
    }

    [Fact]
    public async Task A_put_whose_answer_is_lost_keeps_the_key_it_stored()
    {
        Host.Faults.AddLostAnswer("ssm", "PutParameter");
        using var ssm = Ssm();

        var (key, _) = await GatewayKeyStore.EnsureAsync(ssm, "demo", false, NullReporter.Instance, CancellationToken.None);

        // The retry meets ParameterAlreadyExists and reads back what the first attempt stored.
        Assert.Equal(key, Host.Ssm.Parameters.Get(GatewayPlan.KeyParameterName("demo"))!.Value);
        Assert.Equal(2, Host.Log.Count("ssm", "PutParameter"));
        Assert.Equal(1, Host.Ssm.Parameters.Get(GatewayPlan.KeyParameterName("demo"))!.Version);
    }

    [Fact]
    public async Task The_certificate_is_stored_and_read_back_through_throttling_and_server_errors()
    {
        Host.Faults.Add("ssm", "GetParameter", httpStatus: 400, errorCode: "ThrottlingException", times: 2);
        Host.Faults.Add("ssm", "PutParameter", httpStatus: 503, errorCode: "ServiceUnavailable");
        using var ssm = Ssm();

        var (generated, stored) = await GatewayCertificateStore.EnsureAsync(ssm, "demo", "service.consul", null, NullReporter.Instance, CancellationToken.None);
        Assert.True(stored);
        Assert.Equal(3, Host.Log.Count("ssm", "GetParameter"));   // 2 throttled, then ParameterNotFound
        Assert.Equal(3, Host.Log.Count("ssm", "PutParameter"));   // key: 503 then stored; certificate: stored

        Host.Faults.Add("ssm", "GetParameter", nthCall: 2, httpStatus: 500, errorCode: "InternalServerError");
        var read = await GatewayCertificateStore.ReadAsync(ssm, "demo", NullReporter.Instance, CancellationToken.None);
        Assert.Equal(generated.Thumbprint, read!.Thumbprint);
        Assert.Equal(6, Host.Log.Count("ssm", "GetParameter"));   // certificate, key (500), key
    }

    [Fact]
    public async Task A_refusal_is_not_retried_and_is_SsmRequestFailed()
    {
        Host.Faults.Add("ssm", "GetParameter", httpStatus: 400, errorCode: "AccessDeniedException", times: 10);
        using var ssm = Ssm();

        var error = await Assert.ThrowsAsync<ShowcaseException>(() => GatewayKeyStore.EnsureAsync(ssm, "demo", false, NullReporter.Instance, CancellationToken.None));

        Assert.Equal(ShowcaseErrors.SsmRequestFailed, error.Error);
        Assert.Equal(ShowcaseErrorCategory.PermissionDenied, error.Category);
        Assert.Equal(1, Host.Log.Count("ssm", "GetParameter"));
        Assert.Equal(0, Host.Log.Count("ssm", "PutParameter"));
    }

    private IAmazonSimpleSystemsManagement Ssm() =>
        AwsClientFactory.CreateSsm(new AwsConnectionSettings { EndpointUrl = Host.Endpoint("ssm").ToString(), Region = "eu-west-1", AccessKey = "x", SecretKey = "y" });
}
