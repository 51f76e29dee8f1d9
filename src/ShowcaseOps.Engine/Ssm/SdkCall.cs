using System;
using System.Threading.Tasks;

namespace ShowcaseOps.Core.Ssm;

/// <summary>
/// Keeps AWS SDK types out of non-generic async state machines. PowerShell loads every type of the module assembly
/// on import (Assembly.GetTypes), and an async method that awaits a <c>Task&lt;SdkResponse&gt;</c> compiles to a struct
/// with a <c>ConfiguredTaskAwaiter&lt;SdkResponse&gt;</c> field, whose layout forces the AWS SDK to load. Awaiting through this
/// generic helper (whose state machine stays an open generic type) and mapping the response to our own type avoids that.
/// Rule of thumb: never <c>await</c> an SDK call directly in a non-generic async method; write
/// <c>await SdkCall.MapAsync(client.XAsync(request, ct), r =&gt; ownType)</c> or <c>await (Task)client.XAsync(…)</c>.
/// </summary>
internal static class SdkCall
{
    public static async Task<TResult> MapAsync<TResponse, TResult>(Task<TResponse> call, Func<TResponse, TResult> map)
    {
        var response = await call.ConfigureAwait(false);
        return map(response);
    }
}
