using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using ShowcaseOps.Core.Aws;
using ShowcaseOps.Core.Execution;

namespace ShowcaseOps.Core.Ssm;

/// <summary>Waits for instances to be usable by SSM (DescribeInstanceInformation lists them Online).</summary>
public static class SsmReadiness
{
    /// <summary>
    /// Polls DescribeInstanceInformation (InstanceIds filter, 50 ids per call, following NextToken) until every instance is
    /// <c>Online</c>. Throws <c>SsmInstanceNotOnline</c> (target: the ids still missing) after <paramref name="timeout"/>.
    /// </summary>
    public static async Task WaitOnlineAsync(
        IAmazonSimpleSystemsManagement ssm,
        IReadOnlyCollection<string> instanceIds,
        TimeSpan timeout,
        IOperationReporter reporter,
        CancellationToken cancellationToken,
        TimeSpan? pollInterval = null)
    {
        if (ssm is null)
        {
            throw new ArgumentNullException(nameof(ssm));
        }

        reporter ??= NullReporter.Instance;
        var pending = new HashSet<string>(instanceIds ?? Array.Empty<string>(), StringComparer.Ordinal);
        var total = pending.Count;
        var interval = pollInterval ?? TimeSpan.FromSeconds(5);
        var started = DateTime.UtcNow;
        const int activity = 4702;
        try
        {
            while (pending.Count > 0)
            {
                foreach (var chunk in pending.ToList().Select((id, i) => (id, i)).GroupBy(x => x.i / 50, x => x.id).Select(g => g.ToList()))
                {
                    var online = await Paging.AllAsync(
                        (token, page) => Retry.RunAsync(
                            ct => SdkCall.MapAsync(
                                ssm.DescribeInstanceInformationAsync(
                                    new DescribeInstanceInformationRequest
                                    {
                                        Filters = new List<InstanceInformationStringFilter> { new() { Key = "InstanceIds", Values = chunk } },
                                        MaxResults = 50,
                                        NextToken = token,
                                    },
                                    ct),
                                InstancePage.From),
                            AwsErrorClassifier.TransientReason,
                            RetryPolicy.Aws,
                            reporter,
                            "DescribeInstanceInformation",
                            page),
                        r => r.Online,
                        r => r.NextToken,
                        "SSM DescribeInstanceInformation",
                        cancellationToken).ConfigureAwait(false);
                    foreach (var info in online)
                    {
                        if (pending.Remove(info.InstanceId))
                        {
                            reporter.Verbose($"{info.InstanceId} is Online in SSM ({info.Description}).");
                        }
                    }
                }

                reporter.Progress(new ProgressUpdate(activity, "Waiting for the SSM agents", $"{total - pending.Count} of {total} instances Online")
                {
                    PercentComplete = total == 0 ? 100 : (total - pending.Count) * 100 / total,
                });
                if (pending.Count == 0)
                {
                    break;
                }

                if (DateTime.UtcNow - started >= timeout)
                {
                    throw NotOnline(pending.OrderBy(id => id, StringComparer.Ordinal).ToArray(), timeout);
                }

                await Task.Delay(interval, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            reporter.Progress(new ProgressUpdate(activity, "Waiting for the SSM agents", "Done") { Completed = true, PercentComplete = 100 });
        }
    }

    internal static ShowcaseException NotOnline(string[] instanceIds, TimeSpan timeout) =>
        new(
            ShowcaseErrors.SsmInstanceNotOnline,
            instanceIds,
            $"{instanceIds.Length} instance(s) did not come Online in SSM within {timeout.TotalSeconds:0} s: {string.Join(", ", instanceIds)}. "
            + "This usually means one of: the instance profile's role lacks the AmazonSSMManagedInstanceCore policy (and Default Host Management "
            + "Configuration is off); the subnet has no outbound HTTPS to the SSM endpoints (no internet gateway or NAT route, and no VPC endpoints "
            + "for ssm, ssmmessages and ec2messages); or the SSM agent is not installed or not running on the instance.")
        {
            RecommendedAction = "Check the instance profile, the route table / VPC endpoints and the instance's system log (Get-EC2ConsoleOutput); "
                + "new instances often need 30-120 s, so a longer timeout may also help.",
        };

    /// <summary>One DescribeInstanceInformation page, as our own type (see <see cref="SdkCall"/>).</summary>
    private sealed class InstancePage
    {
        private InstancePage(List<(string InstanceId, string Description)> online, string? nextToken)
        {
            Online = online;
            NextToken = nextToken;
        }

        public List<(string InstanceId, string Description)> Online { get; }

        public string? NextToken { get; }

        public static InstancePage From(DescribeInstanceInformationResponse response) => new(
            (response.InstanceInformationList ?? new List<InstanceInformation>())
                .Where(i => i.PingStatus?.Value == "Online")
                .Select(i => (i.InstanceId, $"agent {i.AgentVersion}, {i.PlatformName} {i.PlatformVersion}"))
                .ToList(),
            response.NextToken);
    }
}
