using Hangfire;
using Hangfire.States;

namespace T1.Workflows.Engine;

/// <summary>Hands a step attempt to the workers of a queue.</summary>
public interface IJobDispatcher
{
    /// <summary>Enqueues (or, with a delay, schedules) one attempt; returns the job's id.</summary>
    string Enqueue(string runId, string stepId, string queue, TimeSpan delay = default);

    /// <summary>Whether the job can still run (enqueued, scheduled or processing); false when it is gone or done.</summary>
    bool IsPending(string jobId);
}

/// <summary>Each step attempt is a Hangfire job on the step's queue.</summary>
public sealed class HangfireJobDispatcher(IBackgroundJobClient client, JobStorage storage) : IJobDispatcher
{
    private static readonly HashSet<string> PendingStates =
        [EnqueuedState.StateName, ScheduledState.StateName, ProcessingState.StateName, AwaitingState.StateName];

    public string Enqueue(string runId, string stepId, string queue, TimeSpan delay = default) =>
        delay > TimeSpan.Zero
            ? client.Schedule<StepJob>(queue, j => j.RunAsync(runId, stepId, CancellationToken.None), delay)
            : client.Enqueue<StepJob>(queue, j => j.RunAsync(runId, stepId, CancellationToken.None));

    public bool IsPending(string jobId)
    {
        using var connection = storage.GetConnection();
        var state = connection.GetStateData(jobId)?.Name;
        return state is not null && PendingStates.Contains(state);
    }
}
