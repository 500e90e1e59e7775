using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using T1.Storage.Database;

namespace T1.Workflows.Engine;

/// <summary>
/// Proves a running attempt alive (on the database's clock), publishes its progress, flushes its
/// metrics and logs, and notices when it must stop: its run was cancelled or interrupted, or its
/// fence was taken (it was presumed dead and re-run). A failed beat is retried at the next tick;
/// what it had to flush stays buffered.
/// </summary>
internal sealed class AttemptHeartbeat(DatabaseFactory database, EngineOptions options, ILogger logger)
{
    public async Task RunAsync(AttemptFence fence, DbStepLog log, DbMetricSink metrics, Action<AttemptStop> stop, CancellationToken ct)
    {
        using var tick = new PeriodicTimer(options.HeartbeatInterval);
        while (await WaitAsync(tick, ct))
        {
            try
            {
                await using var db = database.Create();
                var now = await DbClock.NowAsync(db, ct);
                var p = log.LatestProgress;
                var alive = await db.StepRuns.Where(s => s.Id == fence.StepRunId && s.AttemptToken == fence.Token && s.Status == StepStatus.Running)
                    .ExecuteUpdateAsync(u => u.SetProperty(s => s.HeartbeatAt, now)
                        .SetProperty(s => s.ProgressDone, p == null ? null : p.Value.Done)
                        .SetProperty(s => s.ProgressTotal, p == null ? null : p.Value.Total)
                        .SetProperty(s => s.ProgressMessage, p == null ? null : p.Value.Message), ct);
                if (alive != 1) { stop(AttemptStop.FenceLost); return; }
                var runStatus = await db.Runs.Where(r => r.Id == fence.RunId).Select(r => r.Status).FirstAsync(ct);
                if (runStatus == RunStatus.Cancelled) { stop(AttemptStop.RunCancelled); return; }
                if (runStatus == RunStatus.Interrupted) { stop(AttemptStop.RunInterrupted); return; }
                await metrics.FlushAsync(ct);
                await log.FlushAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (FenceLostException) { stop(AttemptStop.FenceLost); return; }
            catch (Exception e) { logger.LogWarning(e, "heartbeat of run {RunId} step {StepId} failed; retrying", fence.RunId, fence.StepId); }
        }
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try { return await timer.WaitForNextTickAsync(ct); }
        catch (OperationCanceledException) { return false; }
    }
}
