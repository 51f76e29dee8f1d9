using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace ShowcaseOps.Core.Execution;

/// <summary>
/// The one way to read a paginated AWS answer: follow <c>NextToken</c> until the service stops sending one. An empty
/// page that still carries a token is not the end (EC2 answers those when it filters after paging). A token that
/// repeats is a service fault, not a reason to loop for ever.
/// </summary>
public static class Paging
{
    /// <summary>More pages than any real answer has (1000 items a page on EC2): a runaway guard, not a limit.</summary>
    public const int MaxPages = 10_000;

    /// <summary>
    /// Every item of every page. <paramref name="fetch"/> gets the token of the page to read (null: the first) and must
    /// build a new request each time (SDK requests are not reused across calls).
    /// </summary>
    public static async Task<List<TItem>> AllAsync<TResponse, TItem>(
        Func<string?, CancellationToken, Task<TResponse>> fetch,
        Func<TResponse, IEnumerable<TItem>?> items,
        Func<TResponse, string?> nextToken,
        string what,
        CancellationToken cancellationToken)
    {
        if (fetch is null)
        {
            throw new ArgumentNullException(nameof(fetch));
        }

        var result = new List<TItem>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string? token = null;
        for (var page = 1; ; page++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var response = await fetch(token, cancellationToken).ConfigureAwait(false);
            foreach (var item in items(response) ?? Array.Empty<TItem>())
            {
                result.Add(item);
            }

            token = nextToken(response);
            if (string.IsNullOrEmpty(token))
            {
                return result;
            }

            if (!seen.Add(token!) || page >= MaxPages)
            {
                throw new ShowcaseException(ShowcaseErrors.AwsPagingFailed, what, $"{what}: the service sent the same NextToken twice (page {page}); the answer cannot be read completely.")
                {
                    RecommendedAction = "Run the command again; if it persists, the endpoint (-EndpointUrl) does not page as AWS does.",
                };
            }
        }
    }
}
