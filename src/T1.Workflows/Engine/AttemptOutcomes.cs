using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using T1.Storage.Database;
using T1.Workflows.Definitions;
using T1.Workflows.Steps;

namespace T1.Workflows.Engine;

/// <summary>
/// How an attempt ends — succeeded, failed (then retried or final), handed back, cancelled or
/// interrupted — each a fenced transition through <see cref="StateWriter"/>: an attempt that no
/// longer owns its step records nothing.
/// </summary>
public sealed class AttemptOutcomes(DatabaseFactory database, EngineOptions options, WorkflowEngine engine, IJobDispatcher dispatcher,
    ILogger<AttemptOutcomes> logger)
{
    private Actor Me => Actor.Worker(options.WorkerName);

    public async Task SucceedAsync(AttemptFence fence, StepResult result, (double Done, double Total, string? Message)? progress, CancellationToken ct)
    {
        var outputs = new JsonObject();
        foreach (var (k, v) in result.Outputs) outputs[k] = v?.DeepClone();
        await using var db = database.Create();
        var won = await StateWriter.StepAsync(db, fence, StepStatus.Running, StepStatus.Succeeded, Me, $"attempt {fence.Attempt} succeeded",
            (u, now) => u.SetProperty(s => s.OutputsJson, outputs.ToJsonString())
                .SetProperty(s => s.FinishedAt, now)
                .SetProperty(s => s.Error, (string?)null)
                .SetProperty(s => s.ProgressDone, progress == null ? null : progress.Value.Total)
                .SetProperty(s => s.ProgressTotal, progress == null ? null : progress.Value.Total)
                .SetProperty(s => s.ProgressMessage, progress == null ? null : progress.Value.Message),
            fence.Token, ct);
        if (!won)
        {
            logger.LogWarning("run {RunId} step {StepId}: attempt {Attempt} finished but no longer owns the step; outputs discarded", fence.RunId, fence.StepId, fence.Attempt);
            return;
        }
        await engine.AdvanceAsync(fence.RunId, ct);
    }

    /// <summary>A failed try: retried after the back-off while tries remain, else the step fails.</summary>
    public async Task FailAsync(AttemptFence fence, StepDefinition? definition, string message, CancellationToken ct)
    {
        int failures;
        await using (var db = database.Create())
        {
            var step = await db.StepRuns.Where(s => s.Id == fence.StepRunId).Select(s => new { s.Failures, s.StepType, s.Queue }).FirstAsync(ct);
            failures = step.Failures + 1;
            EngineTelemetry.StepFailures.Add(1, new(EngineTelemetry.StepTypeTag, step.StepType), new(EngineTelemetry.QueueTag, step.Queue));
        }
        var retry = definition?.Retry ?? RetryPolicy.Default;
        if (failures < retry.Attempts)
        {
            var delay = Backoff(retry, failures);
            await RequeueAsync(fence, delay, $"attempt {fence.Attempt} failed: {message}; retry {failures}/{retry.Attempts - 1} in {Durations.Format(delay)}", ct, failures);
            return;
        }
        var suffix = retry.Attempts > 1 ? $" (after {failures} tries)" : "";
        await FinishAsync(fence, StepStatus.Failed, message + suffix, ct, failures);
    }

    /// <summary>The wait before retry number <paramref name="failures"/>: the back-off, doubled each time.</summary>
    public static TimeSpan Backoff(RetryPolicy retry, int failures) =>
        TimeSpan.FromTicks(retry.Backoff.Ticks * (1L << Math.Clamp(failures - 1, 0, 20)));

    public async Task RequeueAsync(AttemptFence fence, TimeSpan delay, string reason, CancellationToken ct, int? failures = null)
    {
        await using var db = database.Create();
        var error = failures is null ? null : reason;
        var won = await StateWriter.StepAsync(db, fence, StepStatus.Running, StepStatus.Queued, Me, reason,
            (u, now) => u.SetProperty(s => s.AttemptToken, (string?)null)
                .SetProperty(s => s.Failures, s => failures ?? s.Failures)
                .SetProperty(s => s.Error, s => error ?? s.Error)
                .SetProperty(s => s.QueuedAt, now + delay),
            fence.Token, ct);
        if (!won) return;
        var queue = await db.StepRuns.Where(s => s.Id == fence.StepRunId).Select(s => s.Queue).FirstAsync(ct);
        await dispatcher.EnqueueStepAsync(database, fence.StepRunId, fence.RunId, fence.StepId, queue, delay, ct);
    }

    public async Task FinishAsync(AttemptFence fence, StepStatus status, string message, CancellationToken ct, int? failures = null)
    {
        await using var db = database.Create();
        var won = await StateWriter.StepAsync(db, fence, StepStatus.Running, status, Me, message,
            (u, now) => u.SetProperty(s => s.Error, message)
                .SetProperty(s => s.Failures, s => failures ?? s.Failures)
                .SetProperty(s => s.FinishedAt, now),
            fence.Token, ct);
        if (won) await engine.AdvanceAsync(fence.RunId, ct);
    }
}
