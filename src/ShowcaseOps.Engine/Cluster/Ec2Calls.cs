using System;
using System.Collections.Generic;
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
