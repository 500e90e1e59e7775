using Microsoft.EntityFrameworkCore;
using T1.Storage.Database;

namespace T1.Workflows.Engine;

/// <summary>Cancel, interrupt and resume: what a user (or a stopping process) does to a run in flight.</summary>
public sealed class RunControl(DatabaseFactory database, WorkflowEngine engine, LocalAttempts local, EngineOptions options)
{
    /// <summary>
    /// Cancels a running run: steps not yet started are cancelled at once; running attempts
    /// stop at once in this process, at their next heartbeat elsewhere. False when the run was not running.
    /// </summary>
    public async Task<bool> CancelAsync(string runId, CancellationToken ct = default)
    {
        const string reason = "cancelled by user";
        bool won;
        await using (var db = database.Create())
        {
            won = await StateWriter.RunAsync(db, runId, RunStatus.Running, RunStatus.Cancelled, Actor.User, reason,
                (u, now) => u.SetProperty(r => r.FinishedAt, now).SetProperty(r => r.Error, reason), ct);
            foreach (var s in await db.StepRuns.AsNoTracking().Where(s => s.RunId == runId && (s.Status == StepStatus.Pending || s.Status == StepStatus.Queued)).ToListAsync(ct))
                await StateWriter.StepAsync(db, s, s.Status, StepStatus.Cancelled, Actor.User, reason,
                    (u, now) => u.SetProperty(x => x.FinishedAt, now).SetProperty(x => x.Error, reason), ct: ct);
        }
        local.Stop(runId, AttemptStop.RunCancelled);
        return won;
    }

    /// <summary>
    /// Interrupts a running run (Ctrl+C, a stopping process): queued steps become Interrupted,
    /// running attempts stop at a safe point (at once in this process, at their next heartbeat
    /// elsewhere) and record Interrupted. `t1 resume` continues the run. False when it was not running.
    /// </summary>
    public async Task<bool> InterruptAsync(string runId, Actor by, string reason, CancellationToken ct = default)
    {
        var won = await RunInterruption.InterruptAsync(database, runId, by, reason, ct);
        local.Stop(runId, AttemptStop.RunInterrupted);
        return won;
    }

    /// <summary>
    /// Re-runs the failed, cancelled, interrupted and skipped steps of a run that is not running
    /// (and so what depends on them), reusing the outputs of the steps that succeeded. A run whose
    /// owning process is gone counts as interrupted. Resumed runs are owned by this process when
    /// its job queue is process-local.
    /// </summary>
    public async Task<ResumeResult> ResumeAsync(string runId, CancellationToken ct = default)
    {
        await using (var db = database.Create())
        {
            var run = await db.Runs.AsNoTracking().FirstOrDefaultAsync(r => r.Id == runId, ct);
            if (run is null) return ResumeResult.NotFound;
            if (await RunInterruption.InterruptIfOrphanedAsync(database, run, Actor.User, ct))
                run = await db.Runs.AsNoTracking().FirstAsync(r => r.Id == runId, ct);
            if (run.Status == RunStatus.Running) return ResumeResult.StillRunning;
            if (run.Status == RunStatus.Succeeded) return ResumeResult.NothingToDo;
            if (await db.StepRuns.AnyAsync(s => s.RunId == runId && s.Status == StepStatus.Running, ct))
                return ResumeResult.StillRunning; // a cancelled or interrupted attempt is still stopping

            var owner = options.ProcessLocalJobs ? RunOwner.Current : null;
            var from = run.Status;
            var won = await db.InTransactionAsync(async token =>
            {
                if (!await StateWriter.RunAsync(db, runId, from, RunStatus.Running, Actor.User, "resumed", (u, _) => u
                        .SetProperty(r => r.FinishedAt, (DateTime?)null).SetProperty(r => r.Error, (string?)null)
                        .SetProperty(r => r.OwnerHost, owner == null ? null : owner.Host)
                        .SetProperty(r => r.OwnerPid, owner == null ? null : owner.Pid)
                        .SetProperty(r => r.OwnerStartedAt, owner == null ? null : owner.StartedAt), token))
                    return false;
                var again = await db.StepRuns.AsNoTracking().Where(s => s.RunId == runId &&
                    (s.Status == StepStatus.Failed || s.Status == StepStatus.Cancelled || s.Status == StepStatus.Skipped || s.Status == StepStatus.Interrupted)).ToListAsync(token);
                foreach (var s in again)
                    await StateWriter.StepAsync(db, s, s.Status, StepStatus.Pending, Actor.User, "resumed", (u, _) => u
                        .SetProperty(x => x.Failures, 0).SetProperty(x => x.Deaths, 0)
                        .SetProperty(x => x.Error, (string?)null).SetProperty(x => x.FinishedAt, (DateTime?)null)
                        .SetProperty(x => x.AttemptToken, (string?)null), ct: token);
                return true;
            }, ct);
            if (!won) return ResumeResult.StillRunning;
        }
        await engine.AdvanceAsync(runId, ct);
        return ResumeResult.Resumed;
    }
}

public enum ResumeResult { Resumed, NotFound, StillRunning, NothingToDo }
