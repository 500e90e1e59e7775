using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using T1.Storage.Database;
using T1.Workflows.Definitions;

namespace T1.Workflows.Engine;

/// <summary>
/// Puts right what a crash leaves behind. Every server and worker runs it (one at a time on
/// PostgreSQL: the holder of a database lock); every change it makes is a conditional
/// transition, so a second reconciler racing it changes nothing twice. Each pass:
/// <list type="bullet">
/// <item>interrupts runs whose owning process is gone (kill -9 of an embedded `t1 run`);</item>
/// <item>counts a dead attempt (no heartbeat for <see cref="EngineOptions.StaleAfter"/> on the
/// database's clock, while this reconciler watched the database without a break) as a failed try:
/// re-queued while tries remain, else the step fails with "worker died N times";</item>
/// <item>enqueues again a Queued step whose job is gone (a crash between the database update and
/// the enqueue, or a lost in-memory queue);</item>
/// <item>advances runs with nothing queued or running (a crash after a step settled).</item>
/// </list>
/// </summary>
public sealed class Reconciler(DatabaseFactory database, DefinitionStore definitions, EngineOptions options, IJobDispatcher dispatcher,
    WorkflowEngine engine, ILogger<Reconciler> logger)
{
    private Actor Me => Actor.Reconciler(options.WorkerName);

    /// <summary>Database time of this reconciler's last look at the clock, and since when it has looked without a break.</summary>
    private DateTime? _lastSeen, _watchingSince;

    /// <summary>
    /// Silence counts only while the database was up and this reconciler watched it: during an outage
    /// no worker could heartbeat, so no attempt may be declared dead until the database has been back,
    /// watched without a break, for StaleAfter. A break is this process riding out an outage (a call
    /// that succeeded only after retries), a pass it did not make (not the leader, failed, just
    /// started: <see cref="NotWatching"/>) or passes more than StaleAfter apart. Hangfire does the
    /// like: a server that could not heartbeat through a storage outage is not taken for dead for it.
    /// </summary>
    private bool Watched(DateTime now)
    {
        if (_lastSeen is null || now - _lastSeen.Value > options.StaleAfter || now < _lastSeen.Value) _watchingSince = now;
        _lastSeen = now;
        return now - _watchingSince!.Value >= options.StaleAfter && !(database.SinceOutage < options.StaleAfter);
    }

    /// <summary>This process skipped a pass (not the leader, or the pass failed): its next pass starts watching afresh.</summary>
    public void NotWatching() => _lastSeen = null;

    public async Task<int> ReconcileAsync(CancellationToken ct = default)
    {
        var changes = await InterruptOrphansAsync(ct);
        changes += await RecoverDeadAttemptsAsync(ct);
        changes += await EnqueueLostJobsAsync(ct);
        changes += await AdvanceSettledRunsAsync(ct);
        return changes;
    }

    private async Task<int> InterruptOrphansAsync(CancellationToken ct)
    {
        var runs = await RunInterruption.InterruptOrphansAsync(database, Me, ct);
        foreach (var id in runs) logger.LogWarning("run {RunId}: the process that ran it is gone; marked interrupted (t1 resume continues it)", id);
        return runs.Count;
    }

    /// <summary>Dead attempts: Running without a heartbeat for StaleAfter. Each death counts against the retry policy.</summary>
    public async Task<int> RecoverDeadAttemptsAsync(CancellationToken ct = default)
    {
        await using var db = database.Create();
        var clock = await DbClock.NowAsync(db, ct);
        if (!Watched(clock)) return 0;
        var stale = clock - options.StaleAfter;
        var candidates = await db.StepRuns.AsNoTracking()
            .Where(s => s.Status == StepStatus.Running && s.HeartbeatAt < stale)
            .Join(db.Runs, s => s.RunId, r => r.Id, (s, r) => new { Step = s, Run = r })
            .ToListAsync(ct);
        var n = 0;
        foreach (var c in candidates)
        {
            if (!Mine(c.Run)) continue; // a process-local queue: only its owner can run the step again
            var retry = (await definitions.GetAsync(c.Run.DefinitionId, ct)).FindStep(c.Step.StepId)?.Retry ?? RetryPolicy.Default;
            var deaths = c.Step.Deaths + 1;
            var failures = c.Step.Failures + 1;
            var at = c.Step.HeartbeatAt!.Value;
            var where = $"attempt {c.Step.Attempt} on {c.Step.Worker} stopped sending heartbeats at {at:yyyy-MM-dd HH:mm:ss}Z";
            var tries = Math.Max(retry.Attempts, RetryPolicy.DeathsTolerated);
            if (failures < tries)
            {
                var reason = $"{where} (worker died?); re-queued (death {deaths}, try {failures} of {tries})";
                if (!await StateWriter.StepAsync(db, c.Step, StepStatus.Running, StepStatus.Queued, Me, reason, (u, now) => u
                        .SetProperty(s => s.AttemptToken, (string?)null).SetProperty(s => s.QueuedAt, now)
                        .SetProperty(s => s.Failures, failures).SetProperty(s => s.Deaths, deaths).SetProperty(s => s.Error, reason),
                        c.Step.AttemptToken, ct, s => s.HeartbeatAt < stale))
                    continue;
                logger.LogWarning("run {RunId} step {StepId}: {Reason}", c.Step.RunId, c.Step.StepId, reason);
                await dispatcher.EnqueueStepAsync(database, c.Step.Id, c.Step.RunId, c.Step.StepId, c.Step.Queue, TimeSpan.Zero, ct);
            }
            else
            {
                var error = $"worker died {deaths} time{(deaths == 1 ? "" : "s")} (last on {c.Step.Worker} at {at:yyyy-MM-dd HH:mm:ss}Z)"
                    + (deaths < failures ? $"; {failures} failed tries in all" : "")
                    + "; the step may be killing its worker (out of memory?): read that worker's log, or raise retry.attempts";
                if (!await StateWriter.StepAsync(db, c.Step, StepStatus.Running, StepStatus.Failed, Me, error, (u, now) => u
                        .SetProperty(s => s.AttemptToken, (string?)null).SetProperty(s => s.FinishedAt, now)
                        .SetProperty(s => s.Failures, failures).SetProperty(s => s.Deaths, deaths).SetProperty(s => s.Error, error),
                        c.Step.AttemptToken, ct, s => s.HeartbeatAt < stale))
                    continue;
                logger.LogError("run {RunId} step {StepId}: {Error}", c.Step.RunId, c.Step.StepId, error);
                await engine.AdvanceAsync(c.Step.RunId, ct);
            }
            EngineTelemetry.WorkerDeaths.Add(1, new(EngineTelemetry.StepTypeTag, c.Step.StepType), new(EngineTelemetry.QueueTag, c.Step.Queue));
            n++;
        }
        return n;
    }

    private async Task<int> EnqueueLostJobsAsync(CancellationToken ct)
    {
        await using var db = database.Create();
        var due = await DbClock.NowAsync(db, ct) - options.LostJobGrace;
        var candidates = await db.StepRuns.AsNoTracking()
            .Where(s => s.Status == StepStatus.Queued && s.QueuedAt < due)
            .Join(db.Runs.Where(r => r.Status == RunStatus.Running), s => s.RunId, r => r.Id, (s, r) => new { Step = s, Run = r })
            .ToListAsync(ct);
        var n = 0;
        foreach (var c in candidates)
        {
            if (!Mine(c.Run) || c.Step.JobId is { } job && dispatcher.IsPending(job)) continue;
            var jobId = c.Step.JobId;
            var reason = jobId is null ? "queued without a job (a process stopped between queueing and enqueueing); enqueued again"
                : $"its job {jobId} is gone; enqueued again";
            if (!await StateWriter.StepAsync(db, c.Step, StepStatus.Queued, StepStatus.Queued, Me, reason, ct: ct, where: s => s.JobId == jobId))
                continue;
            logger.LogWarning("run {RunId} step {StepId}: {Reason}", c.Step.RunId, c.Step.StepId, reason);
            await dispatcher.EnqueueStepAsync(database, c.Step.Id, c.Step.RunId, c.Step.StepId, c.Step.Queue, TimeSpan.Zero, ct);
            n++;
        }
        return n;
    }

    private async Task<int> AdvanceSettledRunsAsync(CancellationToken ct)
    {
        List<RunRecord> idle;
        await using (var db = database.Create())
            idle = await db.Runs.AsNoTracking()
                .Where(r => r.Status == RunStatus.Running &&
                            !db.StepRuns.Any(s => s.RunId == r.Id && (s.Status == StepStatus.Running || s.Status == StepStatus.Queued)))
                .ToListAsync(ct);
        foreach (var run in idle.Where(Mine)) await engine.AdvanceAsync(run.Id, ct);
        return 0;
    }

    /// <summary>Whether this process may enqueue the run's steps: shared queues, or a process-local queue that is this process's.</summary>
    private static bool Mine(RunRecord run) =>
        run.OwnerHost is null || run.OwnerHost == RunOwner.Current.Host && run.OwnerPid == RunOwner.Current.Pid;
}
