using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.SimpleSystemsManagement;
using ShowcaseOps.Core.Execution;
using ShowcaseOps.Core.Ssm;

namespace ShowcaseOps.Core.Platform;

/// <summary>
/// Carries a batch to the cluster's gateway as one <see cref="PlatformBatchScript"/> run by SSM Run Command (marked as a
/// platform operation), and parses the framed output, which the runner fetches whole past SSM's 24,000-character limit.
/// A batch too large for one command is split in order into as few commands as fit. Internal: its constructor takes an
/// SDK type, and public types are inspected when the module is imported.
/// </summary>
internal sealed class SsmPlatformChannel : IPlatformChannel
{
    private readonly IAmazonSimpleSystemsManagement _ssm;
    private readonly SsmTarget _gateway;
    private readonly PlatformEndpoints _endpoints;

    private readonly PlatformBatchScriptOptions _scriptOptions;

    // secretsCluster: the cluster whose Consul token and Marathon credentials the gateway reads for each batch (null: none).
    public SsmPlatformChannel(IAmazonSimpleSystemsManagement ssm, SsmTarget gateway, PlatformEndpoints endpoints, string? secretsCluster = null)
    {
        _ssm = ssm;
        _gateway = gateway;
        _endpoints = endpoints;
        _scriptOptions = new PlatformBatchScriptOptions { SecretsCluster = secretsCluster };
    }

    public string Name => "ssm";

    /// <summary>How many Run Commands this channel has sent (for tests and benchmarks).</summary>
    public int CommandsSent { get; private set; }

    public async Task<IReadOnlyList<PlatformResponse>> SendAsync(IReadOnlyList<PlatformRequest> batch, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var responses = new List<PlatformResponse>(batch.Count);
        var remaining = batch.ToList();
        while (remaining.Count > 0)
        {
            var (script, encodedLength) = FitScript(remaining);
            var part = remaining.Take(script.Requests.Count).ToArray();
            remaining.RemoveRange(0, part.Length);
            reporter.Verbose($"SSM: sending {part.Length} platform request(s) to {_gateway} as one command ({encodedLength:N0} characters).");
            var options = new SsmRunOptions
            {
                Comment = "ShowcaseOps platform batch: " + part.Length.ToString(CultureInfo.InvariantCulture) + " request(s)",
                PlatformOperation = true,
                CaptureFullOutput = true,
                ExecutionTimeout = TimeSpan.FromMinutes(10),
                PollInterval = TimeSpan.FromMilliseconds(250),
                MaxPollInterval = TimeSpan.FromSeconds(3),
            };
            var result = (await SsmRunner.Create(_ssm).RunAsync(new SsmScript(script.Text), new[] { _gateway }, options, reporter, cancellationToken).ConfigureAwait(false)).Single();
            CommandsSent++;
            if (!result.Succeeded && result.ExitCode != 0)
            {
                throw result.ToException() ?? new ShowcaseException(ShowcaseErrors.PlatformChannelFailed, _gateway.InstanceId, $"The platform batch on {_gateway} ended {result.Status}.");
            }

            responses.AddRange(script.ParseOutput(result.StandardOutput, result.StandardError));
        }

        return responses;
    }

    // The longest prefix of the batch whose script fits one SSM command (halving until it does). The budget leaves
    // room for the runner's output-capture wrapper.
    private (PlatformBatchScript Script, int EncodedLength) FitScript(List<PlatformRequest> requests)
    {
        const int budget = SsmCommandEncoder.DefaultMaxTotalLength - (4 * 1024);
        var count = requests.Count;
        while (true)
        {
            var script = PlatformBatchScript.Create(_endpoints, requests.Take(count).ToArray(), _scriptOptions);
            var encoded = SsmCommandEncoder.Encode(script.Text, SsmCommandEncoder.DefaultMaxLineLength, int.MaxValue).Sum(line => line.Length + 1);
            if (encoded <= budget || count == 1)
            {
                return (script, encoded);
            }

            count = Math.Max(1, count / 2);
        }
    }
}
