using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ShowcaseOps.Core.Execution;

namespace ShowcaseOps.Core.Cluster;

/// <summary>What a plan step will do to its resource.</summary>
public enum StepAction
{
    /// <summary>The resource does not exist: it is created (tagged at creation).</summary>
    Create,

    /// <summary>The resource exists but lacks something (an attachment, a route, rules, a running state): that is completed.</summary>
    Complete,

    /// <summary>The resource exists as wanted: nothing to change.</summary>
    Exists,

    /// <summary>A read the plan needs (image id, availability zone).</summary>
    Read,
}

/// <summary>One node of the dependency graph: a resource (or part of one) and the steps it needs first.</summary>
public sealed class PlanStep
{
    public PlanStep(string id, string role, string description, StepAction action, IReadOnlyList<string> dependsOn, Func<CancellationToken, Task> run)
    {
        Id = id;
        Role = role;
        Description = description;
        Action = action;
        DependsOn = dependsOn;
        Run = run;
    }

    /// <summary>Unique in the plan (<c>vpc</c>, <c>agent-2</c>, <c>public-route</c>).</summary>
    public string Id { get; }

    /// <summary>The <c>showcase:role</c> of the resource the step is about.</summary>
    public string Role { get; }

    public string Description { get; }

    public StepAction Action { get; }

    public IReadOnlyList<string> DependsOn { get; }

    /// <summary>Approximate on-demand USD per hour of the resource while it exists (null: free or unknown).</summary>
    public decimal? HourlyCost { get; init; }

    internal Func<CancellationToken, Task> Run { get; }

    public override string ToString() => $"{Action} {Description}";
}

/// <summary>When one step ran, relative to the start of the plan.</summary>
public sealed class StepTiming
{
    public StepTiming(string id, IReadOnlyList<string> dependsOn, TimeSpan start, TimeSpan end)
    {
        Id = id;
        DependsOn = dependsOn;
        Start = start;
        End = end;
    }

    public string Id { get; }

    public IReadOnlyList<string> DependsOn { get; }

    public TimeSpan Start { get; }

    public TimeSpan End { get; }

    public TimeSpan Duration => End - Start;
}

/// <summary>The timings of one run of a plan, and the critical path of its graph (the longest dependency chain of measured durations).</summary>
public sealed class PlanRunReport
{
    public PlanRunReport(IReadOnlyList<StepTiming> steps, TimeSpan wallTime, int maxConcurrency)
    {
        Steps = steps;
        WallTime = wallTime;
        MaxConcurrency = maxConcurrency;
        (CriticalPath, CriticalSteps) = ComputeCriticalPath(steps);
    }

    public IReadOnlyList<StepTiming> Steps { get; }

    /// <summary>From the first step's start to the last step's end.</summary>
    public TimeSpan WallTime { get; }

    public int MaxConcurrency { get; }

    /// <summary>The lower bound of <see cref="WallTime"/>: the longest chain of step durations through the dependencies.</summary>
    public TimeSpan CriticalPath { get; }

    /// <summary>The step ids of that chain, first to last.</summary>
    public IReadOnlyList<string> CriticalSteps { get; }

    /// <summary>Sum of all step durations: what running one step at a time would take.</summary>
    public TimeSpan SerialTime => TimeSpan.FromTicks(Steps.Sum(s => s.Duration.Ticks));

    internal static (TimeSpan, IReadOnlyList<string>) ComputeCriticalPath(IReadOnlyList<StepTiming> steps)
    {
        var byId = steps.ToDictionary(s => s.Id, StringComparer.Ordinal);
        var finish = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        var previous = new Dictionary<string, string?>(StringComparer.Ordinal);
        TimeSpan Finish(string id)
        {
            if (finish.TryGetValue(id, out var known))
            {
                return known;
            }

            var step = byId[id];
            var best = TimeSpan.Zero;
            string? bestDep = null;
            foreach (var dep in step.DependsOn.Where(byId.ContainsKey))
            {
                var f = Finish(dep);
                if (f > best)
                {
                    best = f;
                    bestDep = dep;
                }
            }

            previous[id] = bestDep;
            return finish[id] = best + step.Duration;
        }

        if (steps.Count == 0)
        {
            return (TimeSpan.Zero, Array.Empty<string>());
        }

        var last = steps.Select(s => s.Id).OrderByDescending(Finish).First();
        var chain = new List<string>();
        for (string? id = last; id is not null; id = previous[id])
        {
            chain.Insert(0, id);
        }

        return (finish[last], chain);
    }

    public override string ToString() =>
        string.Format(CultureInfo.InvariantCulture, "{0} steps, wall {1:0} ms, critical path {2:0} ms ({3}), concurrency {4}", Steps.Count, WallTime.TotalMilliseconds, CriticalPath.TotalMilliseconds, string.Join(" > ", CriticalSteps), MaxConcurrency);
}

/// <summary>
/// Runs a plan's steps as soon as their dependencies are done, at most <c>maxConcurrency</c> at a time. On the first
/// failure no new step starts, running ones are cancelled, and that failure is thrown (what was created stays tagged,
/// so a re-run adopts it).
/// </summary>
public static class PlanExecutor
{
    public static async Task<PlanRunReport> RunAsync(IReadOnlyList<PlanStep> steps, int maxConcurrency, IOperationReporter reporter, string activity, CancellationToken cancellationToken)
    {
        if (steps is null)
        {
            throw new ArgumentNullException(nameof(steps));
        }

        if (reporter is null)
        {
            throw new ArgumentNullException(nameof(reporter));
        }

        var order = TopologicalOrder(steps);
        using var run = new Run(steps.Count, maxConcurrency, reporter, activity, cancellationToken);
        foreach (var step in order)
        {
            run.Tasks[step.Id] = run.RunStepAsync(step);
        }

        try
        {
            await Task.WhenAll(run.Tasks.Values).ConfigureAwait(false);
        }
        catch (Exception) when (run.FirstFailure is not null || cancellationToken.IsCancellationRequested)
        {
            cancellationToken.ThrowIfCancellationRequested();
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(run.FirstFailure!).Throw();
        }
        finally
        {
            run.Progress.Complete();
        }

        return new PlanRunReport(run.Timings.OrderBy(t => t.Start).ToList(), run.Elapsed, maxConcurrency);
    }

    /// <summary>The state of one <see cref="RunAsync"/>: the step tasks, the gate, timings and the first failure.</summary>
    private sealed class Run : IDisposable
    {
        public const int ActivityId = 4100;
        private readonly CancellationTokenSource _failed;
        private readonly SemaphoreSlim _gate;
        private readonly Stopwatch _watch = Stopwatch.StartNew();
        private readonly object _timingGate = new();
        private readonly List<string> _running = new();
        private readonly int _total;
        private int _done;

        public Run(int total, int maxConcurrency, IOperationReporter reporter, string activity, CancellationToken cancellationToken)
        {
            _total = total;
            _failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            _gate = new SemaphoreSlim(Math.Max(1, maxConcurrency));
            Progress = new ProgressTicker(reporter, ActivityId, activity);
        }

        /// <summary>The activity: its status names the steps running now, and keeps moving while they wait on AWS.</summary>
        public ProgressTicker Progress { get; }

        public Dictionary<string, Task> Tasks { get; } = new(StringComparer.Ordinal);

        public List<StepTiming> Timings { get; } = new();

        public Exception? FirstFailure { get; private set; }

        public TimeSpan Elapsed => _watch.Elapsed;

        public async Task RunStepAsync(PlanStep step)
        {
            var dependencies = step.DependsOn.Select(d => Tasks[d]).ToArray();
            try
            {
                await Task.WhenAll(dependencies).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // A dependency failed: this step never starts (the failure is reported by that dependency).
                throw new OperationCanceledException();
            }

            await _gate.WaitAsync(_failed.Token).ConfigureAwait(false);
            try
            {
                _failed.Token.ThrowIfCancellationRequested();
                await TimedAsync(step).ConfigureAwait(false);
                Interlocked.Increment(ref _done);
                Report(step.Description + ": done");
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !_failed.IsCancellationRequested)
            {
                lock (_timingGate)
                {
                    FirstFailure ??= ex;
                }

                _failed.Cancel();
                throw;
            }
            finally
            {
                _gate.Release();
            }
        }

        public void Dispose()
        {
            Progress.Dispose();
            _failed.Dispose();
            _gate.Dispose();
        }

        private async Task TimedAsync(PlanStep step)
        {
            var start = _watch.Elapsed;
            lock (_timingGate)
            {
                _running.Add(step.Description);
            }

            Report(step.Description);
            try
            {
                await step.Run(_failed.Token).ConfigureAwait(false);
            }
            finally
            {
                lock (_timingGate)
                {
                    _running.Remove(step.Description);
                    Timings.Add(new StepTiming(step.Id, step.DependsOn, start, _watch.Elapsed));
                }
            }
        }

        private void Report(string status)
        {
            string current;
            lock (_timingGate)
            {
                current = _running.Count == 0 ? status : _running.Count <= 2 ? string.Join(", ", _running) : $"{_running[0]}, {_running[1]} (+{_running.Count - 2} more)";
            }

            var done = Volatile.Read(ref _done);
            Progress.Update(string.Format(CultureInfo.InvariantCulture, "{0} ({1} of {2} steps done)", current, done, _total), _total == 0 ? 100 : done * 100 / _total);
        }
    }

    /// <summary>The steps with every dependency before its dependents; throws on unknown ids and cycles.</summary>
    public static IReadOnlyList<PlanStep> TopologicalOrder(IReadOnlyList<PlanStep> steps)
    {
        var byId = new Dictionary<string, PlanStep>(StringComparer.Ordinal);
        foreach (var step in steps)
        {
            if (byId.ContainsKey(step.Id))
            {
                throw new ArgumentException($"The plan has two steps '{step.Id}'.", nameof(steps));
            }

            byId[step.Id] = step;
        }

        var result = new List<PlanStep>();
        var state = new Dictionary<string, int>(StringComparer.Ordinal);
        void Visit(PlanStep step, string path)
        {
            state.TryGetValue(step.Id, out var mark);
            if (mark == 2)
            {
                return;
            }

            if (mark == 1)
            {
                throw new ArgumentException($"The plan has a dependency cycle: {path} > {step.Id}.", nameof(steps));
            }

            state[step.Id] = 1;
            foreach (var dep in step.DependsOn)
            {
                if (!byId.TryGetValue(dep, out var dependency))
                {
                    throw new ArgumentException($"Step '{step.Id}' depends on unknown step '{dep}'.", nameof(steps));
                }

                Visit(dependency, path + " > " + step.Id);
            }

            state[step.Id] = 2;
            result.Add(step);
        }

        foreach (var step in steps)
        {
            Visit(step, string.Empty);
        }

        return result;
    }
}
