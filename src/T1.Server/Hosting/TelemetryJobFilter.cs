using System.Diagnostics;
using Hangfire.Client;
using Hangfire.Server;

namespace T1.Server.Hosting;

/// <summary>
/// Hangfire's part of a trace: an enqueue span (producer) where a job is created, whose context travels with the job
/// as its parameter <c>traceparent</c>, and a perform span (consumer) around the job on the worker that picks it up,
/// a child of that context — so a step's attempt on any worker joins the trace of the run that queued it.
/// </summary>
internal sealed class TelemetryJobFilter : IClientFilter, IServerFilter
{
    public const string SourceName = "T1.Hangfire";
    public const string TraceParameter = "traceparent";
    private const string ActivityKey = "t1.activity";

    internal static readonly ActivitySource Source = new(SourceName);

    public void OnCreating(CreatingContext context)
    {
        var activity = Source.StartActivity($"hangfire enqueue {Describe(context.Job)}", ActivityKind.Producer);
        activity?.SetTag("messaging.system", "hangfire").SetTag("messaging.destination.name", (context.InitialState as Hangfire.States.EnqueuedState)?.Queue);
        if ((activity ?? Activity.Current) is { } current) context.SetJobParameter(TraceParameter, current.Id);
        if (activity is not null) context.Items[ActivityKey] = activity;
    }

    public void OnCreated(CreatedContext context)
    {
        if (!context.Items.TryGetValue(ActivityKey, out var o) || o is not Activity activity) return;
        activity.SetTag("messaging.message.id", context.BackgroundJob?.Id);
        if (context.Exception is { } e) activity.SetStatus(ActivityStatusCode.Error, e.Message);
        activity.Stop();
    }

    public void OnPerforming(PerformingContext context)
    {
        if (!Source.HasListeners()) return;
        ActivityContext.TryParse(context.GetJobParameter<string>(TraceParameter), null, isRemote: true, out var parent);
        var activity = Source.StartActivity($"hangfire perform {Describe(context.BackgroundJob.Job)}", ActivityKind.Consumer, parent);
        if (activity is null) return;
        activity.SetTag("messaging.system", "hangfire").SetTag("messaging.message.id", context.BackgroundJob.Id)
            .SetTag("hangfire.server", context.ServerId);
        context.Items[ActivityKey] = activity;
    }

    public void OnPerformed(PerformedContext context)
    {
        if (!context.Items.TryGetValue(ActivityKey, out var o) || o is not Activity activity) return;
        if (context.Exception is { } e && !context.ExceptionHandled) activity.SetStatus(ActivityStatusCode.Error, e.Message);
        activity.Stop();
    }

    private static string Describe(Hangfire.Common.Job? job) => job is null ? "job" : $"{job.Type.Name}.{job.Method.Name}";
}
