using Microsoft.EntityFrameworkCore;
using T1.Storage.Database;

namespace T1.Workflows.Engine;

/// <summary>Cancel and resume: the two things a user does to a run in flight.</summary>
public sealed class RunControl(DatabaseFactory database, WorkflowEngine engine)
{
    /// <summary>
    /// Cancels a running run: steps not yet started are cancelled at once; running attempts
    /// notice at their next heartbeat and stop. Returns false when the run was already final.
    /// </summary>
    public async Task<bool> CancelAsync(string runId, CancellationToken ct = default)
    {
        await using var db = database.Create();
        var now = DateTime.UtcNow;
        var won = await db.Runs.Where(r => r.Id == runId && r.Status == RunStatus.Running)
            .ExecuteUpdateAsync(u => u.SetProperty(r => r.Status, RunStatus.Cancelled).SetProperty(r => r.FinishedAt, now)
                .SetProperty(r => r.Error, "cancelled by user"), ct);
        await db.StepRuns.Where(s => s.RunId == runId && (s.Status == StepStatus.Pending || s.Status == StepStatus.Queued))
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.Status, StepStatus.Cancelled).SetProperty(s => s.FinishedAt, now)
                .SetProperty(s => s.Error, "cancelled by user"), ct);
        return won == 1;
    }

    /// <summary>
    /// Re-runs the failed, cancelled and skipped steps of a finished run (and so what depends on
    /// them), reusing the outputs of the steps that succeeded.
    /// </summary>
    public async Task<ResumeResult> ResumeAsync(string runId, CancellationToken ct = default)
    {
        await using (var db = database.Create())
        {
            var run = await db.Runs.AsNoTracking().FirstOrDefaultAsync(r => r.Id == runId, ct);
            if (run is null) return ResumeResult.NotFound;
            if (run.Status == RunStatus.Running) return ResumeResult.StillRunning;
            if (run.Status == RunStatus.Succeeded) return ResumeResult.NothingToDo;
            if (await db.StepRuns.AnyAsync(s => s.RunId == runId && s.Status == StepStatus.Running, ct))
                return ResumeResult.StillRunning; // a cancelled attempt is still stopping

            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await db.StepRuns.Where(s => s.RunId == runId &&
                    (s.Status == StepStatus.Failed || s.Status == StepStatus.Cancelled || s.Status == StepStatus.Skipped))
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.Status, StepStatus.Pending).SetProperty(s => s.Failures, 0)
                    .SetProperty(s => s.Error, (string?)null).SetProperty(s => s.FinishedAt, (DateTime?)null)
                    .SetProperty(s => s.AttemptToken, (string?)null), ct);
            var won = await db.Runs.Where(r => r.Id == runId && r.Status == run.Status)
                .ExecuteUpdateAsync(u => u.SetProperty(r => r.Status, RunStatus.Running)
                    .SetProperty(r => r.FinishedAt, (DateTime?)null).SetProperty(r => r.Error, (string?)null), ct);
            if (won != 1) return ResumeResult.StillRunning;
            await tx.CommitAsync(ct);
        }
        await engine.AdvanceAsync(runId, ct);
        return ResumeResult.Resumed;
    }
}

public enum ResumeResult { Resumed, NotFound, StillRunning, NothingToDo }
