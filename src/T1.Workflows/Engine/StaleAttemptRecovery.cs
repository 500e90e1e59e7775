using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using T1.Storage.Database;

namespace T1.Workflows.Engine;

/// <summary>
/// Finds attempts whose worker died (kill -9, power loss): Running with a heartbeat older than
/// <see cref="EngineOptions.StaleAfter"/>. Each is moved back to Queued by a conditional update
/// (so of several workers recovering at once exactly one re-enqueues it) and enqueued again.
/// This does not wait for Hangfire's own invisibility timeout (30 min by default).
/// </summary>
public sealed class StaleAttemptRecovery(DatabaseFactory database, EngineOptions options, IJobDispatcher dispatcher,
    ILogger<StaleAttemptRecovery> logger)
{
    public async Task<int> RecoverAsync(CancellationToken ct = default)
    {
        await using var db = database.Create();
        var stale = DateTime.UtcNow - options.StaleAfter;
        var candidates = await db.StepRuns.AsNoTracking()
            .Where(s => s.Status == StepStatus.Running && s.HeartbeatAt < stale)
            .Select(s => new { s.Id, s.RunId, s.StepId, s.Queue, s.AttemptToken, s.Attempt })
            .ToListAsync(ct);
        var recovered = 0;
        foreach (var c in candidates)
        {
            var now = DateTime.UtcNow;
            var won = await db.StepRuns
                .Where(s => s.Id == c.Id && s.Status == StepStatus.Running && s.AttemptToken == c.AttemptToken && s.HeartbeatAt < stale)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.Status, StepStatus.Queued)
                    .SetProperty(s => s.AttemptToken, (string?)null)
                    .SetProperty(s => s.QueuedAt, now)
                    .SetProperty(s => s.Error, $"attempt {c.Attempt} stopped sending heartbeats (worker died?); re-queued"), ct);
            if (won != 1) continue;
            logger.LogWarning("run {RunId} step {StepId}: attempt {Attempt} is stale (worker died?); re-queued on '{Queue}'", c.RunId, c.StepId, c.Attempt, c.Queue);
            dispatcher.Enqueue(c.RunId, c.StepId, c.Queue);
            recovered++;
        }
        return recovered;
    }
}
