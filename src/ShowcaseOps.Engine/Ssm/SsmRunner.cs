using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using ShowcaseOps.Core.Aws;
using ShowcaseOps.Core.Execution;

namespace ShowcaseOps.Core.Ssm;

/// <summary>
/// Runs a shell script on hosts through SSM Run Command (AWS-RunShellScript): at most 50 instances per SendCommand,
/// polls each invocation with backoff, cancels the commands when the caller cancels, and (optionally) pages back
/// stdout beyond SSM's 24,000 characters. Usable from any cmdlet; see docs/ssm.md.
/// </summary>
public sealed class SsmRunner
{
    private const string DocumentName = "AWS-RunShellScript";
    private readonly IAmazonSimpleSystemsManagement _ssm;

    private SsmRunner(IAmazonSimpleSystemsManagement ssm) => _ssm = ssm ?? throw new ArgumentNullException(nameof(ssm));

    /// <summary>
    /// A runner on this SSM client. (A factory rather than a public constructor: PowerShell inspects the public
    /// constructors of every public type on import, and an SDK type in one would load the AWS SDK.)
    /// </summary>
    public static SsmRunner Create(IAmazonSimpleSystemsManagement ssm) => new(ssm);

    /// <summary>
    /// Runs <paramref name="script"/> on every target and returns one result per target, in the targets' order.
    /// Script failures are results (<see cref="SsmHostResult.Succeeded"/> false), not exceptions. Bad input throws
    /// a terminating <see cref="ShowcaseException"/> before any call is made. Cancelling sends CancelCommand to the hosts
    /// still running and then throws <see cref="OperationCanceledException"/>.
    /// </summary>
    public async Task<IReadOnlyList<SsmHostResult>> RunAsync(
        SsmScript script,
        IReadOnlyList<SsmTarget> targets,
        SsmRunOptions options,
        IOperationReporter reporter,
        CancellationToken cancellationToken)
    {
        if (script is null)
        {
            throw new ArgumentNullException(nameof(script));
        }

        options ??= new SsmRunOptions();
        reporter ??= NullReporter.Instance;
        Validate(targets, options);
        var capture = options.CaptureFullOutput ? new SsmOutputCapture(options.HostOutputDirectory) : null;
        var commands = SsmCommandEncoder.Encode(SsmCommandEncoder.BuildScript(script, capture), options.MaxCommandLineLength, options.MaxCommandsLength);
        var comment = SsmCommandEncoder.Comment(options.Comment, options.PlatformOperation);

        using var run = new Run(this, options, reporter, targets.Count, cancellationToken);
        var results = new SsmHostResult?[targets.Count];
        try
        {
            run.Report("Sending the command");
            var polls = new List<Task>();
            var batchSize = Math.Max(1, Math.Min(options.BatchSize, SsmCommandEncoder.MaxInstanceIdsPerCommand));
            for (var start = 0; start < targets.Count; start += batchSize)
            {
                var batch = Enumerable.Range(start, Math.Min(batchSize, targets.Count - start)).ToList();
                string commandId;
                try
                {
                    commandId = await run.SendAsync(batch.Select(i => targets[i].InstanceId).ToList(), commands, comment, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is AmazonServiceException or AmazonClientException or ShowcaseException && !cancellationToken.IsCancellationRequested)
                {
                    var message = ex is AmazonServiceException service ? $"{service.ErrorCode}: {service.Message}" : ex.Message;
                    reporter.Verbose($"SendCommand to {batch.Count} instance(s) failed: {message}");
                    foreach (var i in batch)
                    {
                        results[i] = NotSent(targets[i], message);
                        run.Done(targets[i], SsmCommandStatus.NotSent);
                    }

                    continue;
                }

                var batchTargets = batch.Select(i => (Index: i, Target: targets[i])).ToList();
                polls.Add(Task.Run(
                    async () =>
                    {
                        foreach (var (index, result) in await run.CompleteCommandAsync(batchTargets, commandId, capture, comment, cancellationToken).ConfigureAwait(false))
                        {
                            results[index] = result;
                        }
                    },
                    CancellationToken.None));
            }

            await Task.WhenAll(polls).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // A stop (or any failure) after a SendCommand: what was sent must not keep running unobserved on the hosts.
            await run.CancelOutstandingAsync().ConfigureAwait(false);
            throw;
        }
        finally
        {
            run.Complete();
        }

        return results.Select(r => r!).ToArray();
    }

    private static void Validate(IReadOnlyList<SsmTarget> targets, SsmRunOptions options)
    {
        if (targets is null || targets.Count == 0)
        {
            throw new ShowcaseException(ShowcaseErrors.SsmNoTargets, null, "No host to run the command on.") { Terminating = true };
        }

        var duplicate = targets.GroupBy(t => t.InstanceId, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ShowcaseException(ShowcaseErrors.SsmDuplicateTarget, duplicate.Key, $"The instance {duplicate.Key} is listed more than once.") { Terminating = true };
        }

        var execution = (int)Math.Ceiling(options.ExecutionTimeout.TotalSeconds);
        if (execution < 1 || execution > 172800)
        {
            throw new ShowcaseException(ShowcaseErrors.SsmTimeoutInvalid, options.ExecutionTimeout, "The execution timeout must be between 1 second and 48 hours.") { Terminating = true };
        }

        var delivery = (int)Math.Ceiling(options.DeliveryTimeout.TotalSeconds);
        if (delivery < 30 || delivery > 2592000)
        {
            throw new ShowcaseException(ShowcaseErrors.SsmTimeoutInvalid, options.DeliveryTimeout, "The delivery timeout must be between 30 seconds and 30 days.") { Terminating = true };
        }
    }

    private static SsmHostResult NotSent(SsmTarget target, string message) => new()
    {
        InstanceId = target.InstanceId,
        Role = target.Role,
        Name = target.Name,
        Status = SsmCommandStatus.NotSent,
        StatusDetails = "NotSent",
        Error = message,
    };

    internal static string Tail(string text, int length) =>
        string.IsNullOrEmpty(text) || text.Length <= length ? text ?? string.Empty : text.Substring(text.Length - length);

    internal static SsmCommandStatus ParseStatus(string? status) =>
        Enum.TryParse<SsmCommandStatus>(status, ignoreCase: false, out var parsed) && parsed != SsmCommandStatus.NotSent ? parsed : SsmCommandStatus.Failed;

    internal static bool IsTerminal(SsmCommandStatus status) =>
        status is SsmCommandStatus.Success or SsmCommandStatus.Failed or SsmCommandStatus.TimedOut or SsmCommandStatus.Cancelled;

    private static bool IsInvocationMissing(Exception ex) =>
        ex is InvocationDoesNotExistException || ex is AmazonServiceException { ErrorCode: "InvocationDoesNotExist" };

    private static string? TransientReason(Exception ex) => IsInvocationMissing(ex) ? null : AwsErrorClassifier.TransientReason(ex);

    private static TimeSpan? ParseDuration(string? start, string? end)
    {
        if (DateTime.TryParse(start, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var s)
            && DateTime.TryParse(end, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var e)
            && e >= s)
        {
            return e - s;
        }

        return null;
    }

    /// <summary>The state of one RunAsync call: the commands sent (for cancellation), progress, and throttled calls.</summary>
    private sealed class Run : IDisposable
    {
        private readonly SsmRunner _runner;
        private readonly SsmRunOptions _options;
        private readonly IOperationReporter _reporter;
        private readonly SemaphoreSlim _calls;
        private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, byte>> _outstanding = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, Lazy<Task>> _cancels = new(StringComparer.Ordinal);
        private readonly CancellationToken _stop;
        private readonly CancellationTokenRegistration _onStop;
        private readonly int _total;
        private int _done;

        public Run(SsmRunner runner, SsmRunOptions options, IOperationReporter reporter, int total, CancellationToken stop)
        {
            _runner = runner;
            _options = options;
            _reporter = reporter;
            _total = total;
            _calls = new SemaphoreSlim(Math.Max(1, options.MaxConcurrentCalls));
            _stop = stop;

            // CancelCommand starts at the moment of the stop, on the thread that stops (Ctrl+C, a pipeline stop), not when
            // the worker next notices: by then the caller may have disposed the SSM client.
            _onStop = stop.Register(StartCancellingOutstanding);
        }

        private IAmazonSimpleSystemsManagement Ssm => _runner._ssm;

        public void Dispose()
        {
            _onStop.Dispose();
            _calls.Dispose();
        }

        public void Report(string status, string? current = null) =>
            _reporter.Progress(new ProgressUpdate(_options.ProgressActivityId, "Running a command through SSM", status)
            {
                ParentActivityId = _options.ParentProgressActivityId,
                CurrentOperation = current,
                PercentComplete = _total == 0 ? 100 : Math.Min(100, Volatile.Read(ref _done) * 100 / _total),
            });

        public void Done(SsmTarget target, SsmCommandStatus status)
        {
            var done = Interlocked.Increment(ref _done);
            Report($"{done} of {_total} hosts finished", $"{target}: {status}");
        }

        public void Complete() =>
            _reporter.Progress(new ProgressUpdate(_options.ProgressActivityId, "Running a command through SSM", "Done")
            {
                ParentActivityId = _options.ParentProgressActivityId,
                Completed = true,
                PercentComplete = 100,
            });

        public async Task<string> SendAsync(IReadOnlyList<string> instanceIds, IReadOnlyList<string> commands, string comment, CancellationToken cancellationToken)
        {
            var parameters = new Dictionary<string, List<string>>
            {
                ["commands"] = commands.ToList(),
                ["executionTimeout"] = new List<string> { ((int)Math.Ceiling(_options.ExecutionTimeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture) },
            };
            if (!string.IsNullOrEmpty(_options.WorkingDirectory))
            {
                parameters["workingDirectory"] = new List<string> { _options.WorkingDirectory! };
            }

            var request = new SendCommandRequest
            {
                DocumentName = DocumentName,
                InstanceIds = instanceIds.ToList(),
                Parameters = parameters,
                Comment = comment,
                TimeoutSeconds = (int)Math.Ceiling(_options.DeliveryTimeout.TotalSeconds),
            };
            // The SendCommand call itself is not cancelled: Ctrl+C during it would drop the command id of a command that
            // SSM may already have started, and CancelOutstandingAsync could not cancel it. (Backoff waits still are.)
            var sentId = await CallAsync(_ => SdkCall.MapAsync(Ssm.SendCommandAsync(request, CancellationToken.None), r => r.Command?.CommandId), $"SendCommand to {instanceIds.Count} instance(s)", cancellationToken).ConfigureAwait(false);
            var commandId = sentId ?? throw new ShowcaseException(ShowcaseErrors.SsmRequestFailed, ShowcaseErrorCategory.ProtocolError, instanceIds, "SendCommand answered without a command id.");
            var pending = new ConcurrentDictionary<string, byte>(StringComparer.Ordinal);
            foreach (var id in instanceIds)
            {
                pending[id] = 0;
            }

            _outstanding[commandId] = pending;
            _reporter.Verbose($"SSM command {commandId} sent to {string.Join(", ", instanceIds)} ({comment}).");
            if (_stop.IsCancellationRequested)
            {
                // The stop came while SendCommand was on the wire: the stop's callback could not know this command.
                StartCancelling(commandId, pending);
            }

            return commandId;
        }

        /// <summary>
        /// Polls one command's invocations with ListCommandInvocations — one call per interval (paged by 50) however many
        /// hosts it has — and, as each host ends, fetches its output with one GetCommandInvocation.
        /// </summary>
        public async Task<IReadOnlyList<(int Index, SsmHostResult Result)>> CompleteCommandAsync(IReadOnlyList<(int Index, SsmTarget Target)> targets, string commandId, SsmOutputCapture? capture, string comment, CancellationToken cancellationToken)
        {
            var watch = Stopwatch.StartNew();
            var giveUp = _options.Timeout ?? _options.DeliveryTimeout + _options.ExecutionTimeout + TimeSpan.FromMinutes(1);
            var waiting = targets.ToDictionary(t => t.Target.InstanceId, t => t, StringComparer.Ordinal);
            var lastStatus = new Dictionary<string, string?>(StringComparer.Ordinal);
            var finishing = new List<Task<(int, SsmHostResult)>>();
            var delay = _options.PollInterval;
            while (waiting.Count > 0)
            {
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromMilliseconds(Math.Min(_options.MaxPollInterval.TotalMilliseconds, delay.TotalMilliseconds * 1.5));
                if (watch.Elapsed > giveUp)
                {
                    foreach (var (index, target) in waiting.Values)
                    {
                        finishing.Add(Task.FromResult((index, await RunnerTimedOutAsync(target, commandId, watch.Elapsed).ConfigureAwait(false))));
                    }

                    break;
                }

                var statuses = await ListStatusesAsync(commandId, cancellationToken).ConfigureAwait(false);
                foreach (var (instanceId, status) in statuses)
                {
                    if (!waiting.TryGetValue(instanceId, out var entry))
                    {
                        continue;
                    }

                    if (!lastStatus.TryGetValue(instanceId, out var previous) || previous != status)
                    {
                        lastStatus[instanceId] = status;
                        _reporter.Verbose($"{entry.Target}: {status}.");
                        Report($"{Volatile.Read(ref _done)} of {_total} hosts finished", $"{entry.Target}: {status}");
                    }

                    if (IsTerminal(ParseStatus(status)))
                    {
                        waiting.Remove(instanceId);
                        if (_outstanding.TryGetValue(commandId, out var pending))
                        {
                            pending.TryRemove(instanceId, out _);
                        }

                        var (index, target) = entry;
                        finishing.Add(Task.Run(async () => (index, await FinishAsync(target, commandId, capture, comment, watch, cancellationToken).ConfigureAwait(false)), CancellationToken.None));
                    }
                }

                if (watch.Elapsed > _options.InvocationVisibilityTimeout)
                {
                    foreach (var missing in waiting.Values.Where(w => !lastStatus.ContainsKey(w.Target.InstanceId)).ToList())
                    {
                        throw new ShowcaseException(ShowcaseErrors.SsmRequestFailed, missing.Target.InstanceId, $"SSM lists no invocation of command {commandId} on {missing.Target} {_options.InvocationVisibilityTimeout.TotalSeconds:0} s after sending it.");
                    }
                }
            }

            return await Task.WhenAll(finishing).ConfigureAwait(false);
        }

        /// <summary>The status of every invocation of a command: ListCommandInvocations without details, every page.</summary>
        private async Task<List<(string InstanceId, string? Status)>> ListStatusesAsync(string commandId, CancellationToken cancellationToken)
        {
            return await Paging.AllAsync(
                (next, page) => CallAsync(ct => SdkCall.MapAsync(Ssm.ListCommandInvocationsAsync(new ListCommandInvocationsRequest { CommandId = commandId, Details = false, MaxResults = SsmCommandEncoder.MaxInstanceIdsPerCommand, NextToken = next }, ct), r => (Items: (r.CommandInvocations ?? new List<CommandInvocation>()).Select(i => (i.InstanceId, i.Status?.Value)).ToList(), r.NextToken)), $"ListCommandInvocations {commandId}", page),
                r => r.Items,
                r => r.NextToken,
                $"SSM ListCommandInvocations {commandId}",
                cancellationToken).ConfigureAwait(false);
        }

        /// <summary>Fetches the output of an invocation that ended (retrying a not-yet-visible one), then reads the rest of a captured output.</summary>
        private async Task<SsmHostResult> FinishAsync(SsmTarget target, string commandId, SsmOutputCapture? capture, string comment, Stopwatch watch, CancellationToken cancellationToken)
        {
            var invocation = await FetchAsync(target, commandId, cancellationToken).ConfigureAwait(false);
            return await ResultAsync(target, commandId, invocation, capture, comment, watch, cancellationToken).ConfigureAwait(false);
        }

        private async Task<InvocationSnapshot> FetchAsync(SsmTarget target, string commandId, CancellationToken cancellationToken)
        {
            var started = DateTime.UtcNow;
            while (true)
            {
                try
                {
                    var request = new GetCommandInvocationRequest { CommandId = commandId, InstanceId = target.InstanceId };
                    return await CallAsync(ct => SdkCall.MapAsync(Ssm.GetCommandInvocationAsync(request, ct), InvocationSnapshot.From), $"GetCommandInvocation {commandId} on {target.InstanceId}", cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (IsInvocationMissing(ex) && DateTime.UtcNow - started < _options.InvocationVisibilityTimeout)
                {
                    await Task.Delay(_options.PollInterval, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        private async Task<SsmHostResult> RunnerTimedOutAsync(SsmTarget target, string commandId, TimeSpan elapsed)
        {
            await CancelAsync(commandId, new[] { target.InstanceId }, TimeSpan.FromSeconds(15)).ConfigureAwait(false);
            var result = new SsmHostResult
            {
                InstanceId = target.InstanceId,
                Role = target.Role,
                Name = target.Name,
                CommandId = commandId,
                Status = SsmCommandStatus.TimedOut,
                StatusDetails = "RunnerTimedOut",
                Duration = elapsed,
                Error = "ShowcaseOps stopped waiting for the host and cancelled the command.",
            };
            Done(target, result.Status);
            return result;
        }

        /// <summary>The host's result from its terminal invocation, reading the rest of a captured output.</summary>
        private async Task<SsmHostResult> ResultAsync(SsmTarget target, string commandId, InvocationSnapshot invocation, SsmOutputCapture? capture, string comment, Stopwatch watch, CancellationToken cancellationToken)
        {
            var status = ParseStatus(invocation.Status);
            var stdout = invocation.StandardOutput;
            var stderr = invocation.StandardError;
            var truncated = stdout.Length >= SsmOutputLimits.StandardOutput;
            string? error = null;
            if (capture is not null)
            {
                var first = SsmOutputCapture.ParseFirstPage(stdout);
                if (first is not null)
                {
                    string? lane;
                    (lane, stderr) = SsmOutputCapture.ParseLane(stderr, first.Content.Length);
                    (stdout, error) = await ReadCapturedAsync(target, capture, first, lane, comment, cancellationToken).ConfigureAwait(false);
                    truncated = error is not null;
                }
            }

            var hostResult = new SsmHostResult
            {
                InstanceId = target.InstanceId,
                Role = target.Role,
                Name = target.Name,
                CommandId = commandId,
                Status = status,
                StatusDetails = invocation.StatusDetails ?? status.ToString(),
                ExitCode = invocation.ResponseCode,
                Duration = ParseDuration(invocation.Start, invocation.End) ?? watch.Elapsed,
                StandardOutput = stdout,
                StandardError = stderr,
                StandardOutputTail = Tail(stdout, _options.TailLength),
                StandardErrorTail = Tail(stderr, _options.TailLength),
                StandardOutputTruncated = truncated,
                Error = error,
            };
            _reporter.Verbose($"{target}: {status} (exit code {hostResult.ExitCode}) after {hostResult.Duration.TotalSeconds:0.0} s.");
            Done(target, status);
            return hostResult;
        }

        /// <summary>Sends CancelCommand (once per command) for every command that may still run, and waits for the answers; never throws.</summary>
        public async Task CancelOutstandingAsync()
        {
            StartCancellingOutstanding();
            await Task.WhenAll(_cancels.Values.Select(c => c.Value)).ConfigureAwait(false);
        }

        private void StartCancellingOutstanding()
        {
            foreach (var pair in _outstanding)
            {
                StartCancelling(pair.Key, pair.Value);
            }
        }

        private void StartCancelling(string commandId, ConcurrentDictionary<string, byte> pending)
        {
            if (!pending.IsEmpty)
            {
                _ = _cancels.GetOrAdd(commandId, id => new Lazy<Task>(() => CancelAsync(id, pending.Keys.ToList(), TimeSpan.FromSeconds(15)))).Value;
            }
        }

        private async Task CancelAsync(string commandId, IReadOnlyList<string> instanceIds, TimeSpan timeout)
        {
            using var expiry = new CancellationTokenSource(timeout);
            try
            {
                _reporter.Verbose($"Cancelling SSM command {commandId} on {string.Join(", ", instanceIds)}.");
                // The one retry layer (the clients make none of their own), within the cancel's own time limit.
                await Retry.RunAsync(
                    ct => (Task)Ssm.CancelCommandAsync(new CancelCommandRequest { CommandId = commandId, InstanceIds = instanceIds.ToList() }, ct),
                    TransientReason,
                    new ShowcaseOps.Core.Execution.RetryPolicy(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(2), timeout) { MaxAttempts = 5 },
                    _reporter,
                    "CancelCommand " + commandId,
                    expiry.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is AmazonServiceException or AmazonClientException or OperationCanceledException or System.Net.Http.HttpRequestException or ObjectDisposedException)
            {
                _reporter.Warning($"Could not cancel SSM command {commandId}: {ex.Message}");
            }
        }

        /// <summary>The terminal invocation, or null when the runner's own timeout passed first.</summary>
        private async Task<InvocationSnapshot?> PollAsync(SsmTarget target, string commandId, CancellationToken cancellationToken)
        {
            var started = DateTime.UtcNow;
            var giveUp = _options.Timeout ?? _options.DeliveryTimeout + _options.ExecutionTimeout + TimeSpan.FromMinutes(1);
            var delay = _options.PollInterval;
            string? lastStatus = null;
            while (true)
            {
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromMilliseconds(Math.Min(_options.MaxPollInterval.TotalMilliseconds, delay.TotalMilliseconds * 1.5));
                if (DateTime.UtcNow - started > giveUp)
                {
                    return null;
                }

                InvocationSnapshot response;
                try
                {
                    var request = new GetCommandInvocationRequest { CommandId = commandId, InstanceId = target.InstanceId };
                    response = await CallAsync(ct => SdkCall.MapAsync(Ssm.GetCommandInvocationAsync(request, ct), InvocationSnapshot.From), $"GetCommandInvocation {commandId} on {target.InstanceId}", cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (IsInvocationMissing(ex) && DateTime.UtcNow - started < _options.InvocationVisibilityTimeout)
                {
                    // Eventual consistency right after SendCommand: the invocation is not visible yet.
                    continue;
                }

                var status = response.Status;
                if (status != lastStatus)
                {
                    lastStatus = status;
                    _reporter.Verbose($"{target}: {status}.");
                    Report($"{Volatile.Read(ref _done)} of {_total} hosts finished", $"{target}: {status}");
                }

                if (IsTerminal(ParseStatus(status)))
                {
                    if (_outstanding.TryGetValue(commandId, out var pending))
                    {
                        pending.TryRemove(target.InstanceId, out _);
                    }

                    return response;
                }
            }
        }

        private async Task<(string Output, string? Error)> ReadCapturedAsync(SsmTarget target, SsmOutputCapture capture, SsmOutputCapture.FirstPage first, string? firstLane, string comment, CancellationToken cancellationToken)
        {
            var encoded = new StringBuilder(first.Content).Append(firstLane);
            var pages = 0;
            while (encoded.Length < first.EncodedLength)
            {
                if (++pages > _options.MaxOutputPages)
                {
                    await RunFollowUpAsync(target, capture.CleanupScript(), comment, cancellationToken).ConfigureAwait(false);
                    return (string.Empty, $"The output is larger than {_options.MaxOutputPages} pages; it was not read back.");
                }

                var offset = encoded.Length;
                _reporter.Verbose($"{target}: reading output page {pages + 1} (offset {offset} of {first.EncodedLength}).");
                var page = await RunFollowUpAsync(target, capture.PageScript(offset), comment, cancellationToken).ConfigureAwait(false);
                var content = page is null ? null : SsmOutputCapture.ParsePage(page.StandardOutput, offset);
                if (content is null || content.Length == 0)
                {
                    await RunFollowUpAsync(target, capture.CleanupScript(), comment, cancellationToken).ConfigureAwait(false);
                    return (string.Empty, $"Reading the output back failed at offset {offset}: {page?.StandardError.Trim() ?? "no answer"}");
                }

                encoded.Append(content).Append(SsmOutputCapture.ParseLane(page!.StandardError, offset + content.Length).Lane);
            }

            try
            {
                return (SsmOutputCapture.Decode(encoded.ToString(), first.Bytes, first.Sha256), null);
            }
            catch (System.IO.InvalidDataException ex)
            {
                return (string.Empty, ex.Message);
            }
        }

        private async Task<InvocationSnapshot?> RunFollowUpAsync(SsmTarget target, string body, string comment, CancellationToken cancellationToken)
        {
            var commands = SsmCommandEncoder.Encode(SsmCommandEncoder.BuildScript(new SsmScript(body)), _options.MaxCommandLineLength, _options.MaxCommandsLength);
            var commandId = await SendAsync(new[] { target.InstanceId }, commands, comment, cancellationToken).ConfigureAwait(false);
            return await PollAsync(target, commandId, cancellationToken).ConfigureAwait(false);
        }

        private async Task<T> CallAsync<T>(Func<CancellationToken, Task<T>> call, string what, CancellationToken cancellationToken)
        {
            return await Retry.RunAsync(
                async ct =>
                {
                    await _calls.WaitAsync(ct).ConfigureAwait(false);
                    try
                    {
                        return await call(ct).ConfigureAwait(false);
                    }
                    finally
                    {
                        _calls.Release();
                    }
                },
                TransientReason,
                _options.RetryPolicy,
                _reporter,
                what,
                cancellationToken).ConfigureAwait(false);
        }
    }
}

/// <summary>What the runner keeps of a GetCommandInvocation answer (our own type: see <see cref="SdkCall"/>).</summary>
internal sealed class InvocationSnapshot
{
    private InvocationSnapshot(string? status, string? statusDetails, int responseCode, string standardOutput, string standardError, string? start, string? end)
    {
        Status = status;
        StatusDetails = statusDetails;
        ResponseCode = responseCode;
        StandardOutput = standardOutput;
        StandardError = standardError;
        Start = start;
        End = end;
    }

    public string? Status { get; }

    public string? StatusDetails { get; }

    public int ResponseCode { get; }

    public string StandardOutput { get; }

    public string StandardError { get; }

    public string? Start { get; }

    public string? End { get; }

    public static InvocationSnapshot From(GetCommandInvocationResponse response) => new(
        response.Status?.Value,
        response.StatusDetails,
        response.ResponseCode ?? -1,
        response.StandardOutputContent ?? string.Empty,
        response.StandardErrorContent ?? string.Empty,
        response.ExecutionStartDateTime,
        response.ExecutionEndDateTime);
}

/// <summary>SSM's documented output limits.</summary>
public static class SsmOutputLimits
{
    /// <summary>GetCommandInvocation.StandardOutputContent keeps the first 24,000 characters.</summary>
    public const int StandardOutput = 24000;

    /// <summary>GetCommandInvocation.StandardErrorContent keeps the first 8,000 characters.</summary>
    public const int StandardError = 8000;

    /// <summary>ListCommandInvocations with details keeps 2,500 characters of output.</summary>
    public const int Details = 2500;
}
