using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using Amazon.SimpleSystemsManagement;
using ShowcaseOps.Core.Execution;
using ShowcaseOps.Core.Ssm;
using ShowcaseOps.Sandbox;
using Xunit;
using Xunit.Abstractions;

namespace ShowcaseOps.Tests.Ssm;

/// <summary>Every stop after a SendCommand cancels what was sent: stopped at random points, 60 times.</summary>
public sealed class SsmCancellationTests : IDisposable
{
    private readonly ITestOutputHelper _output;
    private readonly SsmTestSandbox _sandbox = new(new SandboxOptions { CommandDuration = TimeSpan.FromSeconds(60), SsmOnlineDelay = TimeSpan.FromMilliseconds(10) });

    public SsmCancellationTests(ITestOutputHelper output) => _output = output;

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task Stopping_at_any_point_after_a_send_cancels_every_sent_command()
    {
        var random = new Random(4711);
        var failures = new List<string>();
        const int trials = 60;
        for (var trial = 0; trial < trials; trial++)
        {
            _sandbox.Host.Reset();
            var targets = _sandbox.AddHosts(3);
            var stopAtCall = random.Next(1, 8);
            var afterResponse = random.Next(2) == 0;
            var extraDelay = TimeSpan.FromMilliseconds(random.Next(0, 25));

            // A stop is what Ctrl+C does to Invoke-ShowcaseCommand: the token is cancelled, and the cmdlet's `using`
            // disposes the SSM client once the run has ended. Half the trials dispose it right at the stop instead, when
            // the stop comes after an answer: the runner must have started CancelCommand on the stop itself. (A stop while
            // SendCommand is on the wire needs the client until the answer; the cmdlet waits for the run for that.)
            var disposeOnStop = afterResponse && random.Next(2) == 0;
            using var stop = new CancellationTokenSource();
            var hook = new StopHook(stopAtCall, afterResponse, extraDelay);
            var ssm = CreateClient(hook);
            hook.Stop = () =>
            {
                stop.Cancel();
                if (disposeOnStop)
                {
                    ssm.Dispose();
                }
            };

            var options = SsmTestSandbox.FastOptions(o =>
            {
                o.BatchSize = 2;
                o.PollInterval = TimeSpan.FromMilliseconds(5);
                o.MaxPollInterval = TimeSpan.FromMilliseconds(20);
            });
            try
            {
                await SsmRunner.Create(ssm).RunAsync(new SsmScript("sleep 600"), targets, options, NullReporter.Instance, stop.Token);
                failures.Add($"trial {trial}: the run ended without the stop");
            }
            catch (OperationCanceledException)
            {
            }
            catch (ObjectDisposedException)
            {
            }

            await WaitForAsync(() => _sandbox.Host.Ssm.Invocations().All(i => i.IsTerminal), TimeSpan.FromSeconds(5));
            var cancelled = _sandbox.Host.Log.Entries.Where(e => e.Service == "ssm" && e.Operation == "CancelCommand").Select(e => e.Target).ToHashSet(StringComparer.Ordinal);
            foreach (var command in _sandbox.Host.Ssm.Commands)
            {
                if (!cancelled.Contains(command.CommandId) || command.Invocations.Any(i => i.Status != "Cancelled"))
                {
                    failures.Add($"trial {trial} (stop at call {stopAtCall}, {(afterResponse ? "after" : "before")} it, dispose {disposeOnStop}): {command.CommandId} {string.Join(", ", command.Invocations.Select(i => i.Status))}, CancelCommand {(cancelled.Contains(command.CommandId) ? "sent" : "not sent")}");
                }
            }

            if (!disposeOnStop)
            {
                ssm.Dispose();
            }
        }

        foreach (var failure in failures)
        {
            _output.WriteLine(failure);
        }

        Assert.Empty(failures);
    }

    private static async Task WaitForAsync(Func<bool> condition, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (!condition() && DateTime.UtcNow < until)
        {
            await Task.Delay(20);
        }
    }

    private IAmazonSimpleSystemsManagement CreateClient(StopHook hook) =>
        new AmazonSimpleSystemsManagementClient(new BasicAWSCredentials("x", "y"), new AmazonSimpleSystemsManagementConfig
        {
            ServiceURL = _sandbox.Host.Endpoint("ssm").ToString(),
            AuthenticationRegion = "eu-west-1",
            HttpClientFactory = new HookedClientFactory(hook),
        });

    /// <summary>Stops the run before the N-th SDK request goes out, or after its answer came back.</summary>
    private sealed class StopHook : DelegatingHandler
    {
        private readonly int _stopAt;
        private readonly bool _afterResponse;
        private readonly TimeSpan _delay;
        private int _calls;

        public StopHook(int stopAt, bool afterResponse, TimeSpan delay)
        {
            _stopAt = stopAt;
            _afterResponse = afterResponse;
            _delay = delay;
        }

        public Action Stop { get; set; } = () => { };

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var call = Interlocked.Increment(ref _calls);
            if (call == _stopAt && !_afterResponse)
            {
                await Task.Delay(_delay, CancellationToken.None);
                Stop();
            }

            var response = await base.SendAsync(request, cancellationToken);
            if (call == _stopAt && _afterResponse)
            {
                _ = Task.Run(async () =>
                {
                    await Task.Delay(_delay, CancellationToken.None);
                    Stop();
                });
            }

            return response;
        }
    }

    private sealed class HookedClientFactory : HttpClientFactory
    {
        private readonly StopHook _hook;

        public HookedClientFactory(StopHook hook) => _hook = hook;

        public override HttpClient CreateHttpClient(IClientConfig clientConfig)
        {
            _hook.InnerHandler ??= new HttpClientHandler();
            return new HttpClient(_hook, disposeHandler: false);
        }

        public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

        public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;
    }
}
