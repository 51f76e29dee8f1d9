using System.Collections.Generic;

namespace ShowcaseOps.Core.Marathon;

/// <summary>Tasks described by the rules with their apps, and the apps refused (bad name, no such port), one error each.</summary>
public sealed class MarathonTaskListing
{
    public MarathonTaskListing(IReadOnlyList<MarathonTaskInfo> tasks, IReadOnlyList<ShowcaseException> problems)
    {
        Tasks = tasks;
        Problems = problems;
    }

    public IReadOnlyList<MarathonTaskInfo> Tasks { get; }

    public IReadOnlyList<ShowcaseException> Problems { get; }
}
