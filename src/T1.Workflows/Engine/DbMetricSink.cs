using Microsoft.EntityFrameworkCore;
using T1.Storage.Database;
using T1.Workflows.Steps;

namespace T1.Workflows.Engine;

/// <summary>
/// Buffers metric points and writes them in batches (on flush and every heartbeat).
/// Points are upserted by (step run, key, step): an attempt re-run after a crash rewrites
/// the same points instead of adding duplicates.
/// </summary>
public sealed class DbMetricSink(DatabaseFactory database, AttemptFence fence) : IMetricSink
{
    private readonly Lock _lock = new();
    private Dictionary<(string Key, long Step), (double Value, DateTime Time)> _pending = new();

    public void Log(string key, long step, double value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        if (double.IsNaN(value) || double.IsInfinity(value)) value = double.NaN; // stored as NaN; charts skip it
        lock (_lock) _pending[(key, step)] = (value, DateTime.UtcNow);
    }

    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        Dictionary<(string Key, long Step), (double Value, DateTime Time)> batch;
        lock (_lock)
        {
            if (_pending.Count == 0) return;
            batch = _pending;
            _pending = new();
        }
        await using var db = database.Create();
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        await fence.EnsureCurrentAsync(db, cancellationToken);
        foreach (var ((key, step), (value, time)) in batch)
        {
            await db.Database.ExecuteSqlAsync(
                $"""
                INSERT INTO metrics ("StepRunId", "RunId", "Key", "Step", "Value", "Time")
                VALUES ({fence.StepRunId}, {fence.RunId}, {key}, {step}, {value}, {time})
                ON CONFLICT ("StepRunId", "Key", "Step") DO UPDATE SET "Value" = excluded."Value", "Time" = excluded."Time"
                """, cancellationToken);
        }
        await tx.CommitAsync(cancellationToken);
    }
}
