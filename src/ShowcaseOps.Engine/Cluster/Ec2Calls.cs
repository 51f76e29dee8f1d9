using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using ShowcaseOps.Core.Aws;
using ShowcaseOps.Core.Execution;
using RetryPolicy = ShowcaseOps.Core.Execution.RetryPolicy;

namespace ShowcaseOps.Core.Cluster;

/// <summary>
/// Every AWS call the cluster engine makes goes through here: narrated with -Verbose, retried with bounded backoff on
/// throttling, server errors and eventual consistency, and turned into a <see cref="ShowcaseException"/> when final.
/// </summary>
internal sealed class Ec2Calls
{
    public Ec2Calls(IOperationReporter reporter, ClusterEngineOptions options)
    {
        Reporter = reporter;
        Options = options;
    }

    /// <summary>Where messages go; a plan made in one cmdlet phase is applied in another, which swaps it.</summary>
    public IOperationReporter Reporter { get; set; }

    public ClusterEngineOptions Options { get; }

    public static string? ErrorCode(Exception exception) => (exception as AmazonServiceException)?.ErrorCode;

    /// <summary>Transient for the engine: the classifier's reasons plus the NAT gateway's own NotFound code.</summary>
    public static string? Transient(Exception exception) =>
        AwsErrorClassifier.TransientReason(exception)
        ?? (ErrorCode(exception) == "NatGatewayNotFound" ? "not visible yet (NatGatewayNotFound)" : null);

    /// <summary>Transient, except that NotFound is final (for polls and deletes, where NotFound means "gone").</summary>
    public static string? TransientButNotFound(Exception exception) =>
        AwsErrorClassifier.IsNotFound(exception) ? null : Transient(exception);

    public Task<T> CallAsync<T>(string service, string operation, string detail, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken, Func<Exception, string?>? transient = null, RetryPolicy? policy = null)
    {
        Reporter.Verbose(detail.Length == 0 ? $"{service} {operation}" : $"{service} {operation} {detail}");
        return RunAsync(service, operation, detail, call, transient, policy, cancellationToken);
    }

    public Task<T> Ec2Async<T>(string operation, string detail, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken, Func<Exception, string?>? transient = null, RetryPolicy? policy = null) =>
        CallAsync("EC2", operation, detail, call, cancellationToken, transient, policy);

    /// <summary>
    /// A paginated Describe: every page through <see cref="Paging"/>, each page retried on its own. <paramref name="request"/>
    /// builds the request for a token (null: the first page).
    /// </summary>
    public Task<List<TItem>> Ec2PagesAsync<TResponse, TItem>(string operation, string detail, Func<string?, CancellationToken, Task<TResponse>> request, Func<TResponse, IEnumerable<TItem>?> items, Func<TResponse, string?> nextToken, CancellationToken cancellationToken, Func<Exception, string?>? transient = null)
    {
        Reporter.Verbose(detail.Length == 0 ? $"EC2 {operation}" : $"EC2 {operation} {detail}");
        return Paging.AllAsync(
            (token, ct) => RunAsync("EC2", operation, detail, c => request(token, c), transient, null, ct),
            items,
            nextToken,
            $"EC2 {operation} {detail}".TrimEnd(),
            cancellationToken);
    }

    private async Task<T> RunAsync<T>(string service, string operation, string detail, Func<CancellationToken, Task<T>> call, Func<Exception, string?>? transient, RetryPolicy? policy, CancellationToken cancellationToken)
    {
        try
        {
            return await Retry.RunAsync(call, transient ?? Transient, policy ?? Options.Retry, Reporter, $"{service} {operation}", cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AmazonServiceException or AmazonClientException or System.Net.Http.HttpRequestException or System.IO.IOException)
        {
            throw AwsErrorClassifier.ToShowcase(ex, service == "EC2" ? "Ec2" : "Ssm", detail.Length == 0 ? null : detail, $"{service} {operation} {detail}".TrimEnd());
        }
    }

    /// <summary>
    /// True when a failed call may still have been carried out: the answer was lost (reset, garbled) or AWS answered 5xx.
    /// Throttling and other 4xx answers, and an endpoint that cannot be reached at all, mean nothing was done.
    /// </summary>
    public static bool MayHaveActed(Exception exception) =>
        AwsErrorClassifier.UnreachableReason(exception) is null
        && (exception is AmazonServiceException service
            ? (int)service.StatusCode >= 500
            : exception is AmazonClientException or System.Net.Http.HttpRequestException or System.IO.IOException);

    /// <summary>
    /// A create that has no ClientToken (CreateVpc, CreateInternetGateway, AllocateAddress): never sent blindly twice.
    /// Unambiguous transient failures (throttling) are retried as usual; after a failure that may have created the
    /// resource anyway (a lost answer, a 5xx), the backoff passes and <paramref name="find"/> looks for it (by reads that
    /// do not depend on tag filters): the first one found is adopted (extras, if any, are removed after the run by
    /// <see cref="ClusterTeardown.RemoveDuplicatesAsync"/>); only when none is found is the create sent again.
    /// </summary>
    public async Task<string> CreateWithoutTokenAsync(string operation, string detail, Func<CancellationToken, Task<string>> create, Func<CancellationToken, Task<IReadOnlyList<string>>> find, CancellationToken cancellationToken)
    {
        var started = DateTime.UtcNow;
        var random = new Random();
        for (var attempt = 0; ; attempt++)
        {
            ShowcaseException failure;
            try
            {
                return await CallAsync("EC2", operation, detail, create, cancellationToken, ex => MayHaveActed(ex) ? null : Transient(ex)).ConfigureAwait(false);
            }
            catch (ShowcaseException ex) when (ex.InnerException is { } inner && MayHaveActed(inner))
            {
                failure = ex;
            }

            var delay = Options.Retry.DelayFor(attempt, random);
            if (DateTime.UtcNow - started + delay > Options.Retry.Budget || attempt + 1 >= Options.Retry.MaxAttempts)
            {
                throw failure;
            }

            Reporter.Verbose($"EC2 {operation} {detail}: {Transient(failure.InnerException!) ?? "failed"}; it may have been carried out: looking for it in {delay.TotalMilliseconds:0} ms before sending it again.");
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            var found = await find(cancellationToken).ConfigureAwait(false);
            if (found.Count > 0)
            {
                Reporter.Verbose($"EC2 {operation} {detail} had been carried out: adopting {found[0]}" + (found.Count > 1 ? $" (the other copies, {string.Join(", ", found.Skip(1))}, are removed after the run)." : "."));
                return found[0];
            }
        }
    }

    /// <summary>Polls until <paramref name="done"/> says so, with growing delays, up to <see cref="ClusterEngineOptions.WaitTimeout"/>.</summary>
    public async Task WaitAsync(string what, Func<CancellationToken, Task<bool>> done, CancellationToken cancellationToken)
    {
        var started = DateTime.UtcNow;
        var delay = Options.PollInitial;
        while (!await done(cancellationToken).ConfigureAwait(false))
        {
            if (DateTime.UtcNow - started > Options.WaitTimeout)
            {
                throw new ShowcaseException(ShowcaseErrors.ShowcaseClusterTimeout, what, $"Gave up waiting for {what} after {Options.WaitTimeout.TotalMinutes:0.#} minutes.")
                {
                    RecommendedAction = "Run the command again: it continues from the resources that exist.",
                };
            }

            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromMilliseconds(Math.Min(Options.PollMax.TotalMilliseconds, delay.TotalMilliseconds * 1.5));
        }
    }
}
