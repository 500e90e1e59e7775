using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;
using T1.Storage.Database;

namespace T1.Workflows.Engine;

/// <summary>
/// The one writer of run and step status (Hangfire's state machine, as data). A transition is a
/// conditional update — it happens only if the row is still in <c>from</c> (and, for an attempt,
/// still holds its fence token) — plus a <see cref="StateTransitionRecord"/>, in one transaction:
/// of several processes racing to make the same change exactly one wins, and every change that
/// happened is in the history with who made it and why. Times come from the database's clock
/// (handed to <c>set</c>), so every process stamps rows with the one clock that staleness is measured on.
/// A transient database error replays the transaction; when it hit the commit, the row is read to
/// learn whether the transition went through (so a winner does not take itself for a loser).
/// </summary>
public static class StateWriter
{
    /// <summary>Moves one step from <paramref name="from"/> to <paramref name="to"/>; false when it was not in <paramref name="from"/> (someone else moved it).</summary>
    public static Task<bool> StepAsync(T1DbContext db, StepRef step, StepStatus from, StepStatus to, Actor by, string? reason,
        Action<UpdateSettersBuilder<StepRunRecord>, DateTime>? set = null, string? fenceToken = null, CancellationToken ct = default,
        Expression<Func<StepRunRecord, bool>>? where = null, string? newToken = null) =>
        db.InTransactionAsync(async token =>
        {
            var now = await DbClock.NowAsync(db, token);
            var q = db.StepRuns.Where(s => s.Id == step.Id && s.Status == from);
            if (fenceToken is not null) q = q.Where(s => s.AttemptToken == fenceToken);
            if (where is not null) q = q.Where(where);
            var won = await q.ExecuteUpdateAsync(u =>
            {
                u.SetProperty(s => s.Status, to);
                set?.Invoke(u, now);
            }, token);
            if (won != 1) return false;
            var attempt = await db.StepRuns.Where(s => s.Id == step.Id).Select(s => s.Attempt).FirstAsync(token);
            await RecordAsync(db, step.RunId, step.StepId, attempt, from.ToString(), to.ToString(), now, by, reason, token);
            return true;
        }, ct, async token =>
        {
            // Only a transition that leaves a mark of its own can be recognised: a new attempt token.
            if (newToken is null) return (false, false);
            var mine = await db.StepRuns.AnyAsync(s => s.Id == step.Id && s.Status == to && s.AttemptToken == newToken, token);
            return (mine, mine);
        });

    /// <summary>Moves a run from <paramref name="from"/> to <paramref name="to"/>; false when it was not in <paramref name="from"/>.</summary>
    public static Task<bool> RunAsync(T1DbContext db, string runId, RunStatus from, RunStatus to, Actor by, string? reason,
        Action<UpdateSettersBuilder<RunRecord>, DateTime>? set = null, CancellationToken ct = default) =>
        db.InTransactionAsync(async token =>
        {
            var now = await DbClock.NowAsync(db, token);
            var won = await db.Runs.Where(r => r.Id == runId && r.Status == from).ExecuteUpdateAsync(u =>
            {
                u.SetProperty(r => r.Status, to);
                set?.Invoke(u, now);
            }, token);
            if (won != 1) return false;
            await RecordAsync(db, runId, null, null, from.ToString(), to.ToString(), now, by, reason, token);
            return true;
        }, ct);

    /// <summary>Records the creation of a run and its steps (call inside the transaction that adds them), at <paramref name="now"/> (the database's clock).</summary>
    public static void Created(T1DbContext db, RunRecord run, IEnumerable<StepRunRecord> steps, Actor by, string reason, DateTime now)
    {
        db.StateTransitions.Add(new StateTransitionRecord { RunId = run.Id, To = run.Status.ToString(), At = now, By = by.ToString(), Reason = reason });
        foreach (var s in steps)
            db.StateTransitions.Add(new StateTransitionRecord { RunId = run.Id, StepId = s.StepId, Attempt = 0, To = s.Status.ToString(), At = now, By = by.ToString() });
    }

    private static async Task RecordAsync(T1DbContext db, string runId, string? stepId, int? attempt, string from, string to, DateTime now,
        Actor by, string? reason, CancellationToken ct)
    {
        db.StateTransitions.Add(new StateTransitionRecord
        {
            RunId = runId, StepId = stepId, Attempt = attempt, From = from, To = to, At = now, By = by.ToString(),
            Reason = reason is { Length: > 4000 } ? reason[..4000] + "…" : reason,
        });
        await db.SaveChangesAsync(ct);
    }
}

/// <summary>Which step row a transition is about.</summary>
public readonly record struct StepRef(long Id, string RunId, string StepId)
{
    public static implicit operator StepRef(StepRunRecord s) => new(s.Id, s.RunId, s.StepId);
    public static implicit operator StepRef(AttemptFence f) => new(f.StepRunId, f.RunId, f.StepId);
}
