using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using T1.Server.Hosting;
using T1.Server.Tests.Platform;
using T1.Storage.Database;
using T1.Workflows.Engine;

namespace T1.Server.Tests.Hosting;

/// <summary>
/// What the engine emits through OpenTelemetry's .NET APIs, read by in-process listeners (the OTLP export itself:
/// <see cref="OtlpExportTests"/>): a run is one trace (run → step → Hangfire enqueue → perform → attempt), the
/// instruments count what happened, and every log line of an attempt carries its run, step and try.
/// </summary>
public sealed class TelemetryTests
{
    private const string Queue = "otel_test";

    [Fact]
    public async Task ARun_IsOneTrace_RunStepHangfireAttempt_AndTheAttemptsLogLinesCarryRunStepAndTry()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is EngineTelemetry.Name or TelemetryJobFilter.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        var logs = new ScopeRecorder();
        // Generous staleness: on a loaded machine a stalled heartbeat would re-run a step (a second attempt, also traced).
        await using var p = await PlatformHarness.StartAsync(logging: l => l.AddProvider(logs), configure: o => o.Engine.StaleAfter = TimeSpan.FromMinutes(2));

        var d = await p.RunAsync("""
            name: traced
            steps:
              - id: first
                uses: echo
                cache: false
                with: { message: first says hello }
              - id: second
                uses: echo
                cache: false
                needs: [first]
                with: { message: second says hello }
            """);
        Assert.Equal(RunStatus.Succeeded, d.Run.Status);

        var run = Assert.Single(spans, a => a.DisplayName == "run traced" && Tag(a, EngineTelemetry.RunIdTag) == d.Run.Id);
        Assert.Equal(run.Id, d.Run.TraceParent); // stored, so every process that queues a step joins this trace
        foreach (var step in new[] { "first", "second" })
        {
            var attempt = await WaitForAsync(spans, a => a.DisplayName == $"attempt 1 {step}" && Tag(a, EngineTelemetry.RunIdTag) == d.Run.Id);
            var perform = Assert.Single(spans, a => a.SpanId == attempt.ParentSpanId);
            var enqueue = Assert.Single(spans, a => a.SpanId == perform.ParentSpanId);
            var queued = Assert.Single(spans, a => a.SpanId == enqueue.ParentSpanId);
            Assert.Equal(("hangfire perform StepJob.RunAsync", ActivityKind.Consumer), (perform.DisplayName, perform.Kind));
            Assert.Equal(("hangfire enqueue StepJob.RunAsync", ActivityKind.Producer), (enqueue.DisplayName, enqueue.Kind));
            Assert.Equal($"step {step}", queued.DisplayName);
            Assert.Equal(run.SpanId, queued.ParentSpanId);
            Assert.All(new[] { attempt, perform, enqueue, queued }, a => Assert.Equal(run.TraceId, a.TraceId));
            Assert.Equal(("succeeded", "echo", p.Options.Engine.WorkerName), (Tag(attempt, EngineTelemetry.OutcomeTag), Tag(attempt, EngineTelemetry.StepTypeTag), Tag(attempt, EngineTelemetry.WorkerTag)));
            Assert.Equal(ActivityStatusCode.Unset, attempt.Status);

            var line = Assert.Single(logs.Entries, e => e.Message.EndsWith($"{step} says hello", StringComparison.Ordinal));
            Assert.Equal(d.Run.Id, line.Scope["RunId"]);
            Assert.Equal(step, line.Scope["StepId"]);
            Assert.Equal(1, line.Scope["Attempt"]);
            Assert.Equal(p.Options.Engine.WorkerName, line.Scope["Worker"]);
        }
    }

    [Fact]
    public async Task Instruments_RecordStepDurations_FailedTries_WorkerDeaths_AndQueueDepth()
    {
        var measurements = new ConcurrentQueue<(string Name, double Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) => { if (instrument.Meter.Name == EngineTelemetry.Name) l.EnableMeasurementEvents(instrument); };
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => measurements.Enqueue((i.Name, v, Tags(tags))));
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => measurements.Enqueue((i.Name, v, Tags(tags))));
        listener.Start();
        await using var p = await PlatformHarness.StartAsync(queues: Queue);

        // A step that fails its first try, then succeeds.
        var flaky = await p.RunAsync($$"""
            name: flaky
            steps:
              - id: flaky
                uses: fail
                queue: {{Queue}}
                retry: { attempts: 2, backoff: 100ms }
                with: { message: not yet, times: 1 }
            """);
        Assert.Equal(RunStatus.Succeeded, flaky.Run.Status);
        bool Mine(Dictionary<string, object?> tags, string type) => Equals(tags[EngineTelemetry.QueueTag], Queue) && Equals(tags[EngineTelemetry.StepTypeTag], type);
        var durations = measurements.Where(m => m.Name == "t1.step.duration" && Mine(m.Tags, "fail")).ToList();
        Assert.Equal(["failed", "succeeded"], durations.Select(m => (string)m.Tags[EngineTelemetry.OutcomeTag]!).Order());
        Assert.All(durations, m => Assert.InRange(m.Value, 0, 60));
        Assert.Equal(1, measurements.Where(m => m.Name == "t1.step.failures" && Mine(m.Tags, "fail")).Sum(m => m.Value));

        // A worker death: the attempt's heartbeat stops (as after kill -9) and the reconciler takes it for dead.
        var nap = await p.StartAsync($$"""
            name: nap
            steps:
              - id: nap
                uses: sleep
                queue: {{Queue}}
                with: { duration: 30s, tick: 100ms }
            """);
        await p.WaitForStepAsync(nap.Id, "nap", StepStatus.Running);
        await using (var db = p.Get<DatabaseFactory>().Create())
            await db.StepRuns.Where(s => s.RunId == nap.Id)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.AttemptToken, "dead-worker").SetProperty(s => s.HeartbeatAt, DateTime.UtcNow.AddMinutes(-5)));
        await WaitUntilAsync(() => measurements.Any(m => m.Name == "t1.worker.deaths" && Mine(m.Tags, "sleep")), "a worker death to be counted");
        await p.Get<RunControl>().CancelAsync(nap.Id);

        // Queue depth: a step on a queue that no worker serves waits there.
        var idle = await p.StartAsync("""
            name: idle
            steps:
              - id: waits
                uses: echo
                queue: nobody_serves_this
                with: { message: waiting }
            """);
        await WaitUntilAsync(() =>
        {
            listener.RecordObservableInstruments();
            return measurements.Any(m => m.Name == "t1.queue.depth" && Equals(m.Tags[EngineTelemetry.QueueTag], "nobody_serves_this") && m.Value == 1);
        }, "the queue depth of nobody_serves_this to be 1");
        Assert.Equal(1, (await p.Get<QueueDepth>().CountAsync())["nobody_serves_this"]);
        await p.Get<RunControl>().CancelAsync(idle.Id);
    }

    private static string? Tag(Activity a, string key) => a.GetTagItem(key)?.ToString();

    private static Dictionary<string, object?> Tags(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var d = new Dictionary<string, object?>();
        foreach (var (k, v) in tags) d[k] = v;
        return d;
    }

    private static async Task<Activity> WaitForAsync(ConcurrentQueue<Activity> spans, Func<Activity, bool> match)
    {
        await WaitUntilAsync(() => spans.Any(match), "the span");
        return Assert.Single(spans, a => match(a));
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var until = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            if (DateTime.UtcNow > until) throw new TimeoutException($"waited 60 s for {what}");
            await Task.Delay(100);
        }
    }
}
