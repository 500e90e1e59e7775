using Microsoft.EntityFrameworkCore;
using T1.Storage.Database;

namespace T1.Workflows.Engine;

/// <summary>
/// Interrupting a run in the database: what Ctrl+C, a stopping embedded process and the
/// detection of a dead owner have in common. Needs only the database, so read-only commands
/// (`t1 show`, `t1 runs`) can put an orphaned run right before they print it.
/// </summary>
public static class RunInterruption
{
    /// <summary>Run Running→Interrupted and its queued steps Queued→Interrupted; false when the run was not running.</summary>
    public static async Task<bool> InterruptAsync(DatabaseFactory database, string runId, Actor by, string reason, CancellationToken ct = default)
    {
        await using var db = database.Create();
        var won = await StateWriter.RunAsync(db, runId, RunStatus.Running, RunStatus.Interrupted, by, reason,
            (u, now) => u.SetProperty(r => r.FinishedAt, now).SetProperty(r => r.Error, "interrupted: " + reason), ct);
        foreach (var s in await db.StepRuns.AsNoTracking().Where(s => s.RunId == runId && s.Status == StepStatus.Queued).ToListAsync(ct))
            await StateWriter.StepAsync(db, s, StepStatus.Queued, StepStatus.Interrupted, by, reason,
                (u, now) => u.SetProperty(x => x.FinishedAt, now).SetProperty(x => x.AttemptToken, (string?)null), ct: ct);
        return won;
    }

    /// <summary>
    /// When the process that owned the run is gone (kill -9, crash): the run and its queued and
    /// running steps become Interrupted (nothing will ever finish them). True when it did.
    /// </summary>
    public static async Task<bool> InterruptIfOrphanedAsync(DatabaseFactory database, RunRecord run, Actor by, CancellationToken ct = default)
    {
        if (run.Status != RunStatus.Running || !RunOwner.IsGone(run.OwnerHost, run.OwnerPid, run.OwnerStartedAt)) return false;
        var reason = $"the process that ran it ({run.OwnerHost}:{run.OwnerPid}) is gone (killed or crashed)";
        var won = await InterruptAsync(database, run.Id, by, reason, ct);
        await using var db = database.Create();
        foreach (var s in await db.StepRuns.AsNoTracking().Where(s => s.RunId == run.Id && s.Status == StepStatus.Running).ToListAsync(ct))
            await StateWriter.StepAsync(db, s, StepStatus.Running, StepStatus.Interrupted, by, $"attempt {s.Attempt}: {reason}",
                (u, now) => u.SetProperty(x => x.FinishedAt, now).SetProperty(x => x.AttemptToken, (string?)null)
                    .SetProperty(x => x.Error, $"interrupted: {reason}"), ct: ct);
        return won;
    }

    /// <summary>Interrupts every running run on this host whose owning process is gone; returns their ids.</summary>
    public static async Task<IReadOnlyList<string>> InterruptOrphansAsync(DatabaseFactory database, Actor by, CancellationToken ct = default)
    {
        List<RunRecord> owned;
        await using (var db = database.Create())
            owned = await db.Runs.AsNoTracking().Where(r => r.Status == RunStatus.Running && r.OwnerHost == RunOwner.Current.Host).ToListAsync(ct);
        var done = new List<string>();
        foreach (var run in owned)
            if (await InterruptIfOrphanedAsync(database, run, by, ct)) done.Add(run.Id);
        return done;
    }
}
