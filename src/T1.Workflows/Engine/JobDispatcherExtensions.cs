using Microsoft.EntityFrameworkCore;
using T1.Storage.Database;

namespace T1.Workflows.Engine;

public static class JobDispatcherExtensions
{
    /// <summary>
    /// Enqueues a step that was just moved to Queued and notes the job's id on it. A crash between
    /// the two leaves a Queued step without a job id: the reconciler enqueues it again.
    /// </summary>
    public static async Task EnqueueStepAsync(this IJobDispatcher dispatcher, DatabaseFactory database, long stepRunId,
        string runId, string stepId, string queue, TimeSpan delay, CancellationToken ct)
    {
        await using var db = database.Create();
        string jobId;
        // The step's span joins its run's trace (the run's context is stored on the run), whichever process queues it.
        var traceParent = EngineTelemetry.Source.HasListeners()
            ? await db.Runs.AsNoTracking().Where(r => r.Id == runId).Select(r => r.TraceParent).FirstOrDefaultAsync(ct)
            : null;
        using (EngineTelemetry.StartStep(runId, stepId, queue, traceParent, delay))
            jobId = dispatcher.Enqueue(runId, stepId, queue, delay);
        await db.StepRuns.Where(s => s.Id == stepRunId && s.Status == StepStatus.Queued)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.JobId, jobId), ct);
    }
}
