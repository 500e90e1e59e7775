using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using T1.Storage.Database;
using T1.Workflows.Steps;

namespace T1.Workflows.Engine;

/// <summary>
/// Buffers metric points and writes them in batches (on flush and every heartbeat). Points are
/// upserted by (step run, key, step): an attempt re-run after a crash rewrites the same points
/// instead of adding duplicates. A non-finite value is stored as "not a number" (NULL in the
/// column), never failing the step. A flush that fails keeps its points for the next one. Flushes
/// run one at a time: the attempt's last flush waits for a heartbeat's flush still in flight (which
/// may be riding out a database outage), so it cannot return while points are on their way back to
/// the buffer.
/// </summary>
public sealed class DbMetricSink(DatabaseFactory database, AttemptFence fence, ILogger? logger = null) : IMetricSink
{
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _flushing = new(1, 1);
    private Dictionary<(string Key, long Step), (double Value, DateTime Time)> _pending = new();
    private readonly HashSet<string> _warnedNonFinite = [];

    public void Log(string key, long step, double value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        lock (_lock)
        {
            if (!double.IsFinite(value) && _warnedNonFinite.Add(key))
                logger?.LogWarning("run {RunId} step {StepId}: metric {Key} is {Value} at step {Step}; stored as not-a-number (charts leave a gap)",
                    fence.RunId, fence.StepId, key, value, step);
            _pending[(key, step)] = (value, DateTime.UtcNow);
        }
    }

    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        await _flushing.WaitAsync(cancellationToken);
        try
        {
            Dictionary<(string Key, long Step), (double Value, DateTime Time)> batch;
            lock (_lock)
            {
                if (_pending.Count == 0) return;
                batch = _pending;
                _pending = new();
            }
            try
            {
                await WriteAsync(batch, cancellationToken);
            }
            catch (Exception e) when (e is not FenceLostException)
            {
                // Keep the batch: points logged since are newer and win.
                lock (_lock)
                    foreach (var (k, v) in batch) _pending.TryAdd(k, v);
                throw;
            }
        }
        finally
        {
            _flushing.Release();
        }
    }

    private async Task WriteAsync(Dictionary<(string Key, long Step), (double Value, DateTime Time)> batch, CancellationToken ct)
    {
        await using var db = database.Create();
        await db.InTransactionAsync(async token =>
        {
            await fence.EnsureCurrentAsync(db, token);
            foreach (var ((key, step), (value, time)) in batch)
            {
                double? stored = double.IsFinite(value) ? value : null;
                await db.Database.ExecuteSqlAsync(
                    $"""
                    INSERT INTO metrics ("StepRunId", "RunId", "Key", "Step", "Value", "Time")
                    VALUES ({fence.StepRunId}, {fence.RunId}, {key}, {step}, {stored}, {time})
                    ON CONFLICT ("StepRunId", "Key", "Step") DO UPDATE SET "Value" = excluded."Value", "Time" = excluded."Time"
                    """, token);
            }
        }, ct);
    }
}
