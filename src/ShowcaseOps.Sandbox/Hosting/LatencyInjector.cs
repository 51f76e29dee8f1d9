using System;
using System.Collections.Concurrent;

namespace ShowcaseOps.Sandbox.Hosting;

/// <summary>Delays added before a stand-in answers, per service and operation (<c>*</c> for all of a service).</summary>
public sealed class LatencyInjector
{
    private readonly ConcurrentDictionary<string, TimeSpan> _delays = new(StringComparer.Ordinal);

    public void Set(string service, string operation, TimeSpan delay) => _delays[Key(service, operation)] = delay;

    public void Clear() => _delays.Clear();

    public TimeSpan For(string service, string operation)
    {
        if (_delays.TryGetValue(Key(service, operation), out var exact))
        {
            return exact;
        }

        return _delays.TryGetValue(Key(service, "*"), out var any) ? any : TimeSpan.Zero;
    }

    private static string Key(string service, string operation) => service + "\n" + operation;
}
