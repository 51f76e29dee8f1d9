using System;
using System.Collections.Generic;

namespace ShowcaseOps.Core.Platform;

/// <summary>Carries batches of platform requests. Requests run in order; a failed one does not stop the next.</summary>
public interface IPlatformChannel
{
    /// <summary>"ssm" or "http", for messages.</summary>
    string Name { get; }

    System.Threading.Tasks.Task<IReadOnlyList<PlatformResponse>> SendAsync(
        IReadOnlyList<PlatformRequest> batch,
        Execution.IOperationReporter reporter,
        System.Threading.CancellationToken cancellationToken);
}
