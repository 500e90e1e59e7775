using T1.Storage.Database;
using T1.Workflows.Steps;

namespace T1.Workflows.Engine;

/// <summary>
/// Buffers a step's log lines (written every heartbeat; a failed write keeps them) and holds its
/// latest progress. Flushes run one at a time, so the attempt's last flush waits for one in flight.
/// </summary>
public sealed class DbStepLog(DatabaseFactory database, AttemptFence fence, Action<string, string>? echo = null) : IStepLog
{
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _flushing = new(1, 1);
    private List<StepLogRecord> _pending = new();

    public (double Done, double Total, string? Message)? LatestProgress { get; private set; }

    public void Info(string message) => Add("info", message);
    public void Warn(string message) => Add("warn", message);

    public void Progress(double done, double total, string? message) => LatestProgress = (done, total, message);

    private void Add(string level, string message)
    {
        echo?.Invoke(level, message);
        lock (_lock)
            _pending.Add(new StepLogRecord
            {
                StepRunId = fence.StepRunId, RunId = fence.RunId, Attempt = fence.Attempt,
                Time = DateTime.UtcNow, Level = level, Message = message.Length > 8000 ? message[..8000] + "…" : message,
            });
    }

    public async Task FlushAsync(CancellationToken ct)
    {
        await _flushing.WaitAsync(ct);
        try
        {
            List<StepLogRecord> batch;
            lock (_lock)
            {
                if (_pending.Count == 0) return;
                batch = _pending;
                _pending = new();
            }
            try
            {
                await using var db = database.Create();
                db.StepLogs.AddRange(batch);
                await db.SaveChangesAsync(ct);
            }
            catch
            {
                // Keep the lines, in order, for the next flush.
                lock (_lock) _pending.InsertRange(0, batch);
                throw;
            }
        }
        finally
        {
            _flushing.Release();
        }
    }
}
