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
        var jobId = dispatcher.Enqueue(runId, stepId, queue, delay);
        await using var db = database.Create();
        await db.StepRuns.Where(s => s.Id == stepRunId && s.Status == StepStatus.Queued)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.JobId, jobId), ct);
    }
}
