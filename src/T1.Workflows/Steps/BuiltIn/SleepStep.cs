using System.ComponentModel.DataAnnotations;

namespace T1.Workflows.Steps.BuiltIn;

/// <summary>Built-in test step: waits, logging one metric point per tick.</summary>
[StepType("sleep", Category = "Built-in", Description = "Waits for `duration`, logging the metric `tick` once per `tick` interval. For trying timeouts, cancellation and crash recovery.")]
[StepOutput("slept_ms", Kind = ValueKind.Integer, Description = "Milliseconds actually waited.")]
public sealed class SleepStep : StepHandler<SleepStep.Inputs>
{
    public sealed class Inputs
    {
        [StepInput(Description = "How long to wait, e.g. 500ms, 10s, 2m.")]
        public TimeSpan Duration { get; set; } = TimeSpan.FromSeconds(1);

        [StepInput(Description = "Interval between metric points and progress updates.")]
        public TimeSpan Tick { get; set; } = TimeSpan.FromMilliseconds(250);
    }

    protected override async Task<StepResult> RunAsync(Inputs inputs, StepContext context, CancellationToken cancellationToken)
    {
        var started = DateTime.UtcNow;
        var tick = inputs.Tick <= TimeSpan.Zero ? TimeSpan.FromMilliseconds(250) : inputs.Tick;
        long n = 0;
        while (DateTime.UtcNow - started < inputs.Duration)
        {
            var left = inputs.Duration - (DateTime.UtcNow - started);
            await Task.Delay(left < tick ? left : tick, cancellationToken);
            n++;
            context.Metrics.Log("tick", n, (DateTime.UtcNow - started).TotalSeconds);
            context.ReportProgress((DateTime.UtcNow - started).TotalSeconds, inputs.Duration.TotalSeconds, "sleeping");
        }
        await context.Metrics.FlushAsync(cancellationToken);
        return new StepResult().Set("slept_ms", (long)(DateTime.UtcNow - started).TotalMilliseconds);
    }
}
