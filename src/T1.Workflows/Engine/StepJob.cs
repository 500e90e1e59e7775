using System.Text.Json.Nodes;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using T1.Storage.Artifacts;
using T1.Storage.Database;
using T1.Workflows.Definitions;
using T1.Workflows.Steps;

namespace T1.Workflows.Engine;

/// <summary>
/// The Hangfire job that runs one attempt of one step. Delivery is at least once, so the job
/// first claims the step with a fresh fence token (only from Queued, only while its run runs);
/// a duplicate pick-up does nothing. The job never throws: failures become step state, retries
/// are scheduled by <see cref="AttemptOutcomes"/>.
/// </summary>
public sealed class StepJob(
    DatabaseFactory database, DefinitionStore definitions, StepCatalog catalog, ArtifactStore store,
    ArtifactCache cache, EngineOptions options, AttemptOutcomes outcomes, LocalAttempts local, RunControl control,
    IServiceProvider services, ILogger<StepJob> logger)
{
    [AutomaticRetry(Attempts = 0)]
    [JobDisplayName("run {0} · step {1}")]
    public async Task RunAsync(string runId, string stepId, CancellationToken shutdown)
    {
        var claim = await ClaimAsync(runId, stepId, shutdown);
        if (claim is not var (fence, row)) return;
        // Every log line of the attempt (the step's own, the stores', the engine's) carries the run, step and try.
        using var scope = logger.BeginScope(new AttemptLogScope(runId, stepId, fence.Attempt, options.WorkerName));
        using var activity = EngineTelemetry.StartAttempt(fence, row.StepType, row.Queue, options.WorkerName);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var outcome = "failed";
        try
        {
            outcome = await ExecuteAsync(fence, shutdown);
        }
        catch (Exception e) when (e is not OperationCanceledException || !shutdown.IsCancellationRequested)
        {
            logger.LogError(e, "run {RunId} step {StepId}: engine error", runId, stepId);
            await outcomes.FailAsync(fence, null, $"internal error: {e.GetType().Name}: {e.Message}", CancellationToken.None);
        }
        finally
        {
            activity?.SetTag(EngineTelemetry.OutcomeTag, outcome);
            if (outcome is not ("succeeded" or "cancelled" or "interrupted" or "handed back")) activity.Fail(outcome);
            EngineTelemetry.StepDuration.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds,
                new(EngineTelemetry.StepTypeTag, row.StepType), new(EngineTelemetry.QueueTag, row.Queue), new(EngineTelemetry.OutcomeTag, outcome));
        }
    }

    private async Task<(AttemptFence Fence, StepRunRecord Row)?> ClaimAsync(string runId, string stepId, CancellationToken ct)
    {
        await using var db = database.Create();
        var step = await db.StepRuns.AsNoTracking().FirstOrDefaultAsync(s => s.RunId == runId && s.StepId == stepId, ct);
        if (step is null) return null;
        var token = Guid.NewGuid().ToString("N");
        var won = await StateWriter.StepAsync(db, step, StepStatus.Queued, StepStatus.Running, Actor.Worker(options.WorkerName),
            $"attempt {step.Attempt + 1} started", (u, now) => u
                .SetProperty(s => s.Attempt, s => s.Attempt + 1)
                .SetProperty(s => s.AttemptToken, token)
                .SetProperty(s => s.Worker, options.WorkerName)
                .SetProperty(s => s.HeartbeatAt, now)
                .SetProperty(s => s.StartedAt, now)
                .SetProperty(s => s.JobId, (string?)null)
                .SetProperty(s => s.ProgressDone, (double?)null)
                .SetProperty(s => s.ProgressTotal, (double?)null)
                .SetProperty(s => s.ProgressMessage, (string?)null),
            ct: ct, where: s => db.Runs.Any(r => r.Id == s.RunId && r.Status == RunStatus.Running), newToken: token);
        if (!won)
        {
            logger.LogDebug("run {RunId} step {StepId}: not claimable (duplicate pick-up, final, or run not running)", runId, stepId);
            return null;
        }
        var row = await db.StepRuns.AsNoTracking().FirstAsync(s => s.Id == step.Id, ct);
        return (new AttemptFence(row.Id, runId, stepId, token, row.Attempt), row);
    }

    /// <summary>Runs the attempt to its end; returns how it ended (the outcome tag of its span and duration).</summary>
    private async Task<string> ExecuteAsync(AttemptFence fence, CancellationToken shutdown)
    {
        StepRunRecord step;
        RunRecord run;
        await using (var db = database.Create())
        {
            step = await db.StepRuns.AsNoTracking().FirstAsync(s => s.Id == fence.StepRunId, shutdown);
            run = await db.Runs.AsNoTracking().FirstAsync(r => r.Id == fence.RunId, shutdown);
        }
        var definition = (await definitions.GetAsync(run.DefinitionId, shutdown)).FindStep(fence.StepId)!;
        var type = catalog.Find(step.StepType);
        if (type is null)
        {
            await outcomes.FailAsync(fence, definition, $"step type '{step.StepType}' is not known to this worker; is it running an older version of T1?", shutdown);
            return "failed";
        }

        var workDir = Path.Combine(Path.GetFullPath(options.WorkDirectory), fence.RunId, fence.StepId, $"attempt-{fence.Attempt}");
        Directory.CreateDirectory(workDir);
        var metrics = new DbMetricSink(database, fence, logger);
        var log = new DbStepLog(database, fence, (level, msg) => logger.LogInformation("[{RunId}/{StepId}] {Message}", fence.RunId, fence.StepId, msg));
        var context = new StepContext
        {
            RunId = fence.RunId, StepId = fence.StepId, StepType = step.StepType, Attempt = fence.Attempt,
            Inputs = JsonNode.Parse(step.InputsJson ?? "{}")!.AsObject(),
            Metrics = metrics, Log = log, Artifacts = new StepArtifacts(database, store, cache, fence), WorkDirectory = workDir,
            StepDirectory = Path.GetDirectoryName(workDir),
        };

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(shutdown);
        var stop = AttemptStop.None;
        void Stop(AttemptStop reason)
        {
            if (stop == AttemptStop.None) stop = reason;
            try { cts.Cancel(); } catch (ObjectDisposedException) { }
        }
        using var registration = local.Register(fence.RunId, Stop);
        using var timer = definition.Timeout is { } t ? new Timer(_ => Stop(AttemptStop.Timeout), null, t, Timeout.InfiniteTimeSpan) : null;
        using var heartbeatStop = new CancellationTokenSource();
        var heartbeat = new AttemptHeartbeat(database, options, logger).RunAsync(fence, log, metrics, Stop, heartbeatStop.Token);

        try
        {
            var handler = (IStepHandler)ActivatorUtilities.CreateInstance(services, type.HandlerType);
            var result = await handler.RunAsync(context, cts.Token);
            var missing = type.Outputs.Select(o => o.Name).Where(n => !result.Outputs.ContainsKey(n)).ToList();
            if (missing.Count > 0)
                throw new StepFailedException($"step type '{type.Name}' did not return its declared output(s) {string.Join(", ", missing)} (a bug in the step type)");
            await metrics.FlushAsync(shutdown);
            await log.FlushAsync(shutdown);
            await heartbeatStop.CancelAsync();
            await heartbeat;
            await outcomes.SucceedAsync(fence, result, log.LatestProgress, shutdown);
            return "succeeded";
        }
        catch (Exception e) when (stop == AttemptStop.FenceLost || e is FenceLostException)
        {
            logger.LogWarning("run {RunId} step {StepId}: attempt {Attempt} lost its fence; another attempt owns the step", fence.RunId, fence.StepId, fence.Attempt);
            return "fence lost";
        }
        catch (Exception) when (stop == AttemptStop.RunInterrupted)
        {
            await Flush(metrics, log);
            await outcomes.FinishAsync(fence, StepStatus.Interrupted,
                $"interrupted (attempt {fence.Attempt}); `t1 resume {fence.RunId}` continues from the step's last saved state", CancellationToken.None);
            return "interrupted";
        }
        catch (OperationCanceledException) when (stop == AttemptStop.RunCancelled)
        {
            await outcomes.FinishAsync(fence, StepStatus.Cancelled, "cancelled by user", CancellationToken.None);
            return "cancelled";
        }
        catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
        {
            await Flush(metrics, log);
            if (options.ProcessLocalJobs)
            {
                // This process holds the only copy of the run's queue: the run stops with it.
                await control.InterruptAsync(fence.RunId, Actor.Worker(options.WorkerName), $"the process running it ({RunOwner.Current}) is shutting down", CancellationToken.None);
                await outcomes.FinishAsync(fence, StepStatus.Interrupted,
                    $"interrupted: the process running it ({RunOwner.Current}) shut down; `t1 resume {fence.RunId}` continues", CancellationToken.None);
                return "interrupted";
            }
            // Hand the step back so another worker (or this one after restart) runs it.
            await outcomes.RequeueAsync(fence, TimeSpan.Zero, $"worker {options.WorkerName} shut down during attempt {fence.Attempt}; handed back", CancellationToken.None);
            return "handed back";
        }
        catch (OperationCanceledException) when (stop == AttemptStop.Timeout)
        {
            await outcomes.FailAsync(fence, definition, $"timed out after {Durations.Format(definition.Timeout!.Value)} (timeout: in {run.WorkflowName}, step '{fence.StepId}'); raise `timeout:` or make the step smaller", CancellationToken.None);
            return "timed out";
        }
        catch (Exception e)
        {
            log.Warn(e.ToString());
            // A step's own errors are written for the user. Anything else is a bug or a native library's error (libtorch's carry
            // its C++ backtrace in the message): its first line names it, the step's log keeps the whole of it.
            var message = e is StepFailedException or StepInputException or ArtifactNotFoundException or ArtifactCorruptedException or ArtifactStoreUnavailableException
                ? e.Message
                : $"{e.GetType().Name}: {FirstLine(e.Message)} (unexpected error; the whole of it is in the step's log: the portal's run page, or GET /api/runs/{fence.RunId}/steps/{fence.StepId}/logs)";
            await Flush(metrics, log);
            await outcomes.FailAsync(fence, definition, message, CancellationToken.None);
            return "failed";
        }
        finally
        {
            await heartbeatStop.CancelAsync();
            try { await heartbeat; } catch (OperationCanceledException) { }
            try { await log.FlushAsync(CancellationToken.None); } catch (Exception e) { logger.LogDebug(e, "log flush"); }
            try { Directory.Delete(workDir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static string FirstLine(string text)
    {
        var line = text.AsSpan().TrimStart();
        int end = line.IndexOfAny('\r', '\n');
        return (end < 0 ? line : line[..end]).TrimEnd().ToString();
    }

    /// <summary>Stores what the attempt logged before it stopped (while it still holds the fence).</summary>
    private async Task Flush(DbMetricSink metrics, DbStepLog log)
    {
        try { await metrics.FlushAsync(CancellationToken.None); } catch (Exception e) { logger.LogWarning(e, "metric flush of a stopping attempt failed"); }
        try { await log.FlushAsync(CancellationToken.None); } catch (Exception e) { logger.LogDebug(e, "log flush"); }
    }
}
