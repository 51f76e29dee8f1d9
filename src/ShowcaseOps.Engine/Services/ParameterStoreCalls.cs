using System;
using System.Threading;
using System.Threading.Tasks;
using ShowcaseOps.Core.Aws;
using ShowcaseOps.Core.Execution;

namespace ShowcaseOps.Core.Services;

/// <summary>
/// Parameter Store calls through the engine's one retry budget (the SDK clients retry nothing): throttling, 5xx and
/// lost connections are tried again with backoff; an endpoint that cannot be reached, and every 4xx answer
/// (<c>ParameterNotFound</c>, <c>ParameterAlreadyExists</c>), come back at once for the caller to handle.
/// </summary>
internal static class ParameterStoreCalls
{
    public static Task<T> RunAsync<T>(string operation, string name, Func<CancellationToken, Task<T>> call, IOperationReporter reporter, CancellationToken cancellationToken) =>
        Retry.RunAsync(call, AwsErrorClassifier.TransientReason, RetryPolicy.Aws, reporter, $"SSM {operation} {name}", cancellationToken);
}
