using Hangfire;
using Hangfire.States;

namespace T1.Workflows.Engine;

/// <summary>Hands a step attempt to the workers of a queue.</summary>
public interface IJobDispatcher
{
    void Enqueue(string runId, string stepId, string queue, TimeSpan delay = default);
}

/// <summary>Each step attempt is a Hangfire job on the step's queue.</summary>
public sealed class HangfireJobDispatcher(IBackgroundJobClient client) : IJobDispatcher
{
    public void Enqueue(string runId, string stepId, string queue, TimeSpan delay = default)
    {
        if (delay > TimeSpan.Zero)
            client.Schedule<StepJob>(queue, j => j.RunAsync(runId, stepId, CancellationToken.None), delay);
        else
            client.Enqueue<StepJob>(queue, j => j.RunAsync(runId, stepId, CancellationToken.None));
    }
}
