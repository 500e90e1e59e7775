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
/// first claims the step with a fresh fence token (only from Queued, or from Running whose
/// heartbeat went stale because its worker died); a duplicate pick-up of a live attempt does
/// nothing. The job never throws: failures become step state, retries are scheduled here.
/// </summary>
public sealed class StepJob(
    DatabaseFactory database, DefinitionStore definitions, StepCatalog catalog, ArtifactStore store,
    ArtifactCache cache, EngineOptions options, WorkflowEngine engine, IJobDispatcher dispatcher,
    IServiceProvider services, ILogger<StepJob> logger)
{
    [AutomaticRetry(Attempts = 0)]
    [JobDisplayName("run {0} · step {1}")]
    public async Task RunAsync(string runId, string stepId, CancellationToken shutdown)
    {
        var fence = await ClaimAsync(runId, stepId, shutdown);
        if (fence is null) return;
        try
        {
            await ExecuteAsync(fence, shutdown);
        }
        catch (Exception e) when (e is not OperationCanceledException || !shutdown.IsCancellationRequested)
        {
            logger.LogError(e, "run {RunId} step {StepId}: engine error", runId, stepId);
            await FailAsync(fence, null, $"internal error: {e.GetType().Name}: {e.Message}", CancellationToken.None);
        }
    }

    private async Task<AttemptFence?> ClaimAsync(string runId, string stepId, CancellationToken ct)
    {
        await using var db = database.Create();
        var token = Guid.NewGuid().ToString("N");
        var now = DateTime.UtcNow;
        var stale = now - options.StaleAfter;
        var won = await db.StepRuns
            .Where(s => s.RunId == runId && s.StepId == stepId &&
                        (s.Status == StepStatus.Queued || (s.Status == StepStatus.Running && s.HeartbeatAt < stale)))
            .Where(s => db.Runs.Any(r => r.Id == s.RunId && r.Status == RunStatus.Running))
            .ExecuteUpdateAsync(u => u
                .SetProperty(s => s.Status, StepStatus.Running)
                .SetProperty(s => s.Attempt, s => s.Attempt + 1)
                .SetProperty(s => s.AttemptToken, token)
                .SetProperty(s => s.Worker, options.WorkerName)
                .SetProperty(s => s.HeartbeatAt, now)
                .SetProperty(s => s.StartedAt, now)
                .SetProperty(s => s.ProgressDone, (double?)null)
                .SetProperty(s => s.ProgressTotal, (double?)null)
                .SetProperty(s => s.ProgressMessage, (string?)null), ct);
        if (won != 1)
        {
            logger.LogDebug("run {RunId} step {StepId}: not claimable (duplicate pick-up, final, or run not running)", runId, stepId);
            return null;
        }
        var row = await db.StepRuns.AsNoTracking().FirstAsync(s => s.RunId == runId && s.StepId == stepId, ct);
        return new AttemptFence(row.Id, runId, stepId, token, row.Attempt);
    }

    private async Task ExecuteAsync(AttemptFence fence, CancellationToken shutdown)
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
            await FailAsync(fence, definition, $"step type '{step.StepType}' is not known to this worker; is it running an older version of T1?", shutdown);
            return;
        }

        var workDir = Path.Combine(Path.GetFullPath(options.WorkDirectory), fence.RunId, fence.StepId, $"attempt-{fence.Attempt}");
        Directory.CreateDirectory(workDir);
        var metrics = new DbMetricSink(database, fence);
        var log = new DbStepLog(database, fence, (level, msg) => logger.LogInformation("[{RunId}/{StepId}] {Message}", fence.RunId, fence.StepId, msg));
        var context = new StepContext
        {
            RunId = fence.RunId, StepId = fence.StepId, StepType = step.StepType, Attempt = fence.Attempt,
            Inputs = JsonNode.Parse(step.InputsJson ?? "{}")!.AsObject(),
            Metrics = metrics, Log = log, Artifacts = new StepArtifacts(database, store, cache, fence), WorkDirectory = workDir,
        };

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(shutdown);
        var stop = StopReason.None;
        using var timer = definition.Timeout is { } t ? new Timer(_ => { stop = StopReason.Timeout; cts.Cancel(); }, null, t, Timeout.InfiniteTimeSpan) : null;
        using var heartbeatStop = new CancellationTokenSource();
        var heartbeat = HeartbeatAsync(fence, log, metrics, reason => { stop = reason; cts.Cancel(); }, heartbeatStop.Token);

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
            await SucceedAsync(fence, result, log.LatestProgress, shutdown);
        }
        catch (Exception e) when (stop == StopReason.FenceLost || e is FenceLostException)
        {
            logger.LogWarning("run {RunId} step {StepId}: attempt {Attempt} lost its fence; another attempt owns the step", fence.RunId, fence.StepId, fence.Attempt);
        }
        catch (OperationCanceledException) when (stop == StopReason.RunCancelled)
        {
            await FinishAsync(fence, StepStatus.Cancelled, "cancelled by user", CancellationToken.None);
        }
        catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
        {
            // The worker is shutting down: hand the step back so another worker (or this one after restart) runs it.
            await RequeueAsync(fence, TimeSpan.Zero, null, CancellationToken.None);
        }
        catch (OperationCanceledException) when (stop == StopReason.Timeout)
        {
            await FailAsync(fence, definition, $"timed out after {Durations.Format(definition.Timeout!.Value)} (timeout: in {run.WorkflowName}, step '{fence.StepId}'); raise `timeout:` or make the step smaller", CancellationToken.None);
        }
        catch (Exception e)
        {
            log.Warn(e.ToString());
            var message = e is StepFailedException or StepInputException or ArtifactNotFoundException or ArtifactCorruptedException
                ? e.Message : $"{e.GetType().Name}: {e.Message}";
            await FailAsync(fence, definition, message, CancellationToken.None);
        }
        finally
        {
            await heartbeatStop.CancelAsync();
            try { await heartbeat; } catch (OperationCanceledException) { }
            try { await log.FlushAsync(CancellationToken.None); } catch (Exception e) { logger.LogDebug(e, "log flush"); }
            try { Directory.Delete(workDir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private enum StopReason { None, Timeout, RunCancelled, FenceLost }

    /// <summary>Proves the attempt alive, publishes progress, flushes metrics/logs, and notices cancellation or a lost fence.</summary>
    private async Task HeartbeatAsync(AttemptFence fence, DbStepLog log, DbMetricSink metrics, Action<StopReason> stop, CancellationToken ct)
    {
        using var tick = new PeriodicTimer(options.HeartbeatInterval);
        while (await WaitAsync(tick, ct))
        {
            try
            {
                await using var db = database.Create();
                var now = DateTime.UtcNow;
                var p = log.LatestProgress;
                var alive = await db.StepRuns.Where(s => s.Id == fence.StepRunId && s.AttemptToken == fence.Token && s.Status == StepStatus.Running)
                    .ExecuteUpdateAsync(u => u.SetProperty(s => s.HeartbeatAt, now)
                        .SetProperty(s => s.ProgressDone, p == null ? null : p.Value.Done)
                        .SetProperty(s => s.ProgressTotal, p == null ? null : p.Value.Total)
                        .SetProperty(s => s.ProgressMessage, p == null ? null : p.Value.Message), ct);
                if (alive != 1) { stop(StopReason.FenceLost); return; }
                if (await db.Runs.AnyAsync(r => r.Id == fence.RunId && r.Status == RunStatus.Cancelled, ct)) { stop(StopReason.RunCancelled); return; }
                await metrics.FlushAsync(ct);
                await log.FlushAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (FenceLostException) { stop(StopReason.FenceLost); return; }
            catch (Exception e) { logger.LogWarning(e, "heartbeat of run {RunId} step {StepId} failed; retrying", fence.RunId, fence.StepId); }
        }
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try { return await timer.WaitForNextTickAsync(ct); }
        catch (OperationCanceledException) { return false; }
    }

    private async Task SucceedAsync(AttemptFence fence, StepResult result, (double Done, double Total, string? Message)? progress, CancellationToken ct)
    {
        var outputs = new JsonObject();
        foreach (var (k, v) in result.Outputs) outputs[k] = v?.DeepClone();
        await using var db = database.Create();
        var now = DateTime.UtcNow;
        var won = await db.StepRuns.Where(s => s.Id == fence.StepRunId && s.AttemptToken == fence.Token && s.Status == StepStatus.Running)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.Status, StepStatus.Succeeded)
                .SetProperty(s => s.OutputsJson, outputs.ToJsonString())
                .SetProperty(s => s.FinishedAt, now)
                .SetProperty(s => s.Error, (string?)null)
                .SetProperty(s => s.ProgressDone, progress == null ? null : progress.Value.Total)
                .SetProperty(s => s.ProgressTotal, progress == null ? null : progress.Value.Total)
                .SetProperty(s => s.ProgressMessage, progress == null ? null : progress.Value.Message), ct);
        if (won != 1)
        {
            logger.LogWarning("run {RunId} step {StepId}: attempt {Attempt} finished but no longer owns the step; outputs discarded", fence.RunId, fence.StepId, fence.Attempt);
            return;
        }
        await engine.AdvanceAsync(fence.RunId, ct);
    }

    private async Task FailAsync(AttemptFence fence, StepDefinition? definition, string message, CancellationToken ct)
    {
        int failures;
        await using (var db = database.Create())
            failures = await db.StepRuns.Where(s => s.Id == fence.StepRunId).Select(s => s.Failures).FirstAsync(ct) + 1;
        var retry = definition?.Retry ?? RetryPolicy.Default;
        if (failures < retry.Attempts)
        {
            var delay = TimeSpan.FromTicks(retry.Backoff.Ticks * (1L << Math.Min(failures - 1, 20)));
            await RequeueAsync(fence, delay, $"attempt {fence.Attempt} failed: {message}; retry {failures}/{retry.Attempts - 1} in {Durations.Format(delay)}", ct, failures);
            return;
        }
        var suffix = retry.Attempts > 1 ? $" (after {failures} tries)" : "";
        await FinishAsync(fence, StepStatus.Failed, message + suffix, ct, failures);
    }

    private async Task RequeueAsync(AttemptFence fence, TimeSpan delay, string? error, CancellationToken ct, int? failures = null)
    {
        await using var db = database.Create();
        var now = DateTime.UtcNow;
        var won = await db.StepRuns.Where(s => s.Id == fence.StepRunId && s.AttemptToken == fence.Token && s.Status == StepStatus.Running)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.Status, StepStatus.Queued)
                .SetProperty(s => s.AttemptToken, (string?)null)
                .SetProperty(s => s.Failures, s => failures ?? s.Failures)
                .SetProperty(s => s.Error, s => error ?? s.Error)
                .SetProperty(s => s.QueuedAt, now), ct);
        if (won != 1) return;
        var queue = await db.StepRuns.Where(s => s.Id == fence.StepRunId).Select(s => s.Queue).FirstAsync(ct);
        dispatcher.Enqueue(fence.RunId, fence.StepId, queue, delay);
    }

    private async Task FinishAsync(AttemptFence fence, StepStatus status, string message, CancellationToken ct, int? failures = null)
    {
        await using var db = database.Create();
        var now = DateTime.UtcNow;
        var won = await db.StepRuns.Where(s => s.Id == fence.StepRunId && s.AttemptToken == fence.Token && s.Status == StepStatus.Running)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.Status, status)
                .SetProperty(s => s.Error, message)
                .SetProperty(s => s.Failures, s => failures ?? s.Failures)
                .SetProperty(s => s.FinishedAt, now), ct);
        if (won == 1) await engine.AdvanceAsync(fence.RunId, ct);
    }
}
