using System;
using System.Globalization;
using System.Threading;

namespace ShowcaseOps.Core.Execution;

/// <summary>
/// One progress activity whose status line says what is happening now and keeps moving during long waits: the status is
/// sent again every <c>interval</c> with the time spent on it ("waiting for the NAT gateway — 42 s"). pwsh's default
/// Minimal view shows only the activity and this status (not CurrentOperation), so the status carries the news.
/// Complete (or Dispose) stops the ticks before the Completed record, so nothing is reported after it.
/// </summary>
public sealed class ProgressTicker : IDisposable
{
    private readonly IOperationReporter _reporter;
    private readonly int _activityId;
    private readonly string _activity;
    private readonly int _parentActivityId;
    private readonly object _gate = new();
    private readonly Timer _timer;
    private DateTime _statusSince = DateTime.UtcNow;
    private string _status = "starting";
    private int _percent = -1;
    private bool _stopped;

    public ProgressTicker(IOperationReporter reporter, int activityId, string activity, int parentActivityId = -1, TimeSpan? interval = null)
    {
        _reporter = reporter ?? throw new ArgumentNullException(nameof(reporter));
        _activityId = activityId;
        _activity = activity;
        _parentActivityId = parentActivityId;
        var every = interval ?? TimeSpan.FromSeconds(1);
        _timer = new Timer(_ => Send(tick: true), null, every, every);
    }

    /// <summary>Sets what is happening now (and, when known, the percentage done) and reports it at once.</summary>
    public void Update(string status, int percentComplete = -1)
    {
        lock (_gate)
        {
            if (_status != status)
            {
                _statusSince = DateTime.UtcNow;
            }

            _status = status;
            _percent = percentComplete >= 0 ? Math.Min(100, percentComplete) : _percent;
        }

        Send(tick: false);
    }

    /// <summary>Stops the ticks and completes the activity (once).</summary>
    public void Complete(string status = "done")
    {
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }

            _stopped = true;
            _timer.Dispose();
            _reporter.Progress(new ProgressUpdate(_activityId, _activity, status) { ParentActivityId = _parentActivityId, PercentComplete = 100, Completed = true });
        }
    }

    public void Dispose() => Complete();

    private void Send(bool tick)
    {
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }

            var waited = DateTime.UtcNow - _statusSince;
            var status = tick || waited >= TimeSpan.FromSeconds(1)
                ? string.Format(CultureInfo.InvariantCulture, "{0} — {1:0} s", _status, Math.Floor(waited.TotalSeconds))
                : _status;
            _reporter.Progress(new ProgressUpdate(_activityId, _activity, status) { ParentActivityId = _parentActivityId, PercentComplete = _percent });
        }
    }
}
