using System;

namespace ShowcaseOps.Sandbox.Hosting;

/// <summary>
/// Draws the size of the next page of a paginated answer from <see cref="SandboxOptions.PageSizeMin"/>..
/// <see cref="SandboxOptions.PageSizeMax"/>, so every caller that ignores NextToken misses items.
/// </summary>
public sealed class PageSizer
{
    private readonly SandboxOptions _options;
    private readonly object _gate = new();
    private readonly Random _random;

    public PageSizer(SandboxOptions options)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _random = options.PagingSeed is { } seed ? new Random(seed) : new Random();
    }

    public bool Enabled => _options.PageSizeMax > 0;

    /// <summary>The size of the next page: a draw from the configured range, never above <paramref name="maxResults"/>.</summary>
    public int Next(int? maxResults)
    {
        if (!Enabled)
        {
            return maxResults ?? int.MaxValue;
        }

        var min = Math.Max(0, Math.Min(_options.PageSizeMin, _options.PageSizeMax));
        int size;
        lock (_gate)
        {
            size = _random.Next(min, _options.PageSizeMax + 1);
        }

        return maxResults is { } limit ? Math.Min(size, limit) : size;
    }
}
