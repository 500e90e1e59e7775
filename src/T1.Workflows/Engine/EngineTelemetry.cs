using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace T1.Workflows.Engine;

/// <summary>
/// The engine's OpenTelemetry signals, through the .NET APIs (no exporter here; the hosts wire one):
/// the activity source and meter <c>T1.Engine</c>. Spans: <c>run WORKFLOW</c> (a run starts) →
/// <c>step ID</c> (each time the step is queued: first, retry, re-queue) → Hangfire's enqueue and
/// perform → <c>attempt N ID</c> (one try on a worker). Instruments: <c>t1.step.duration</c>,
/// <c>t1.step.failures</c>, <c>t1.worker.deaths</c>, and <c>t1.queue.depth</c> (<see cref="QueueDepth"/>).
/// </summary>
public static class EngineTelemetry
{
    public const string Name = "T1.Engine";

    // Attribute names (also the tags of the instruments).
    public const string RunIdTag = "t1.run.id";
    public const string WorkflowTag = "t1.workflow";
    public const string StepIdTag = "t1.step.id";
    public const string StepTypeTag = "t1.step.type";
    public const string QueueTag = "t1.queue";
    public const string AttemptTag = "t1.attempt";
    public const string WorkerTag = "t1.worker";
    public const string OutcomeTag = "t1.outcome";

    public static readonly ActivitySource Source = new(Name);
    public static readonly Meter Meter = new(Name);

    /// <summary>Seconds from an attempt's start to its end, by step type, queue and outcome (succeeded, failed, …).</summary>
    public static readonly Histogram<double> StepDuration = Meter.CreateHistogram<double>(
        "t1.step.duration", "s", "How long step attempts ran, by step type, queue and outcome");

    /// <summary>Failed tries (handler failures, time-outs, engine errors); worker deaths are counted apart.</summary>
    public static readonly Counter<long> StepFailures = Meter.CreateCounter<long>(
        "t1.step.failures", "{attempt}", "Failed step attempts, by step type and queue (retried or final)");

    /// <summary>Attempts found dead by the reconciler (no heartbeat for StaleAfter).</summary>
    public static readonly Counter<long> WorkerDeaths = Meter.CreateCounter<long>(
        "t1.worker.deaths", "{attempt}", "Step attempts whose worker stopped sending heartbeats, by step type and queue");

    /// <summary>The span of an attempt (parent: the Hangfire job that carries it); null when nobody listens.</summary>
    internal static Activity? StartAttempt(AttemptFence fence, string stepType, string queue, string worker)
    {
        var activity = Source.StartActivity($"attempt {fence.Attempt} {fence.StepId}", ActivityKind.Internal);
        activity?.SetTag(RunIdTag, fence.RunId).SetTag(StepIdTag, fence.StepId).SetTag(StepTypeTag, stepType)
            .SetTag(QueueTag, queue).SetTag(AttemptTag, fence.Attempt).SetTag(WorkerTag, worker);
        return activity;
    }

    /// <summary>
    /// The span of a step being queued, a child of its run's span (<paramref name="runTraceParent"/>, stored on
    /// the run) whatever process queues it; linked to what caused it (an attempt that finished, the reconciler).
    /// </summary>
    internal static Activity? StartStep(string runId, string stepId, string queue, string? runTraceParent, TimeSpan delay)
    {
        if (!Source.HasListeners()) return null;
        ActivityContext.TryParse(runTraceParent, null, isRemote: true, out var parent);
        var cause = Activity.Current;
        ActivityLink[]? links = cause is null || cause.Context.TraceId == parent.TraceId ? null : [new ActivityLink(cause.Context)];
        var activity = Source.StartActivity($"step {stepId}", ActivityKind.Internal, parent, links: links);
        activity?.SetTag(RunIdTag, runId).SetTag(StepIdTag, stepId).SetTag(QueueTag, queue);
        if (delay > TimeSpan.Zero) activity?.SetTag("t1.step.delay_s", delay.TotalSeconds);
        return activity;
    }

    /// <summary>The span of a run starting; its context (a W3C traceparent) is stored on the run so that every step joins its trace.</summary>
    internal static Activity? StartRun(string runId, string workflow, string trigger)
    {
        var activity = Source.StartActivity($"run {workflow}", ActivityKind.Internal);
        activity?.SetTag(RunIdTag, runId).SetTag(WorkflowTag, workflow).SetTag("t1.trigger", trigger);
        return activity;
    }

    internal static void Fail(this Activity? activity, string message) => activity?.SetStatus(ActivityStatusCode.Error, message);
}
