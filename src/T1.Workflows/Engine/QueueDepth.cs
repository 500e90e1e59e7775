using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using T1.Storage.Database;

namespace T1.Workflows.Engine;

/// <summary>
/// The gauge <c>t1.queue.depth</c>: steps waiting in each queue (status Queued, delayed retries included),
/// from the metadata database. An exporter reads it on its own thread, so it answers the last count at
/// once and counts again in the background when that is older than <see cref="MaxAge"/>: a database
/// outage never stalls an export (the gauge then keeps its last value).
/// </summary>
public sealed class QueueDepth : IDisposable
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(5);

    private readonly DatabaseFactory _database;
    private readonly ILogger<QueueDepth> _logger;
    private readonly Meter _meter = new(EngineTelemetry.Name);
    private readonly Lock _gate = new();
    private IReadOnlyDictionary<string, long> _counts;
    private DateTime _countedAt = DateTime.MinValue;
    private Task? _counting;

    public QueueDepth(DatabaseFactory database, ILogger<QueueDepth> logger, IEnumerable<string>? queues = null)
    {
        _database = database;
        _logger = logger;
        _counts = (queues ?? ["gpu", "cpu"]).Distinct().ToDictionary(q => q, _ => 0L);
        _meter.CreateObservableGauge("t1.queue.depth", Observe, "{step}", "Steps waiting in each queue (queued, retries waiting their back-off included)");
    }

    /// <summary>Counts now (tests, and the first export).</summary>
    public async Task<IReadOnlyDictionary<string, long>> CountAsync(CancellationToken ct = default)
    {
        await using var db = _database.Create();
        var rows = await db.StepRuns.AsNoTracking().Where(s => s.Status == StepStatus.Queued)
            .GroupBy(s => s.Queue).Select(g => new { Queue = g.Key, N = g.LongCount() }).ToListAsync(ct);
        var counts = _counts.Keys.ToDictionary(q => q, _ => 0L);
        foreach (var r in rows) counts[r.Queue] = r.N;
        lock (_gate)
        {
            _counts = counts;
            _countedAt = DateTime.UtcNow;
        }
        return counts;
    }

    private IEnumerable<Measurement<long>> Observe()
    {
        IReadOnlyDictionary<string, long> counts;
        lock (_gate)
        {
            counts = _counts;
            if (DateTime.UtcNow - _countedAt > MaxAge && _counting is not { IsCompleted: false })
                _counting = Task.Run(async () =>
                {
                    try { await CountAsync(); }
                    catch (Exception e) { _logger.LogDebug(e, "queue depth: counting queued steps failed; the gauge keeps its last value"); }
                });
        }
        return counts.Select(c => new Measurement<long>(c.Value, new KeyValuePair<string, object?>(EngineTelemetry.QueueTag, c.Key)));
    }

    public void Dispose() => _meter.Dispose();
}
