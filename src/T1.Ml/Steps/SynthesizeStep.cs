using System.ComponentModel.DataAnnotations;
using T1.Ml.Synthesis;
using T1.Ml.Tasks;
using T1.Workflows.Steps;

namespace T1.Ml.Steps;

/// <summary>T1 data synthesis: trial-and-error traces with self-verification, every final answer verified.</summary>
[StepType("synthesize", Category = "Data", Version = 1,
    Description = "Writes T1 trial-and-error traces with self-verification as a JSONL dataset (prompt, response, answer, task, difficulty): for a generated task (arithmetic, countdown, linear) from its own trace writer; for task jsonl by asking a teacher model (any OpenAI-compatible endpoint, t1 serve included) to attempt, verify, critique and retry each imported problem, keeping only the traces whose final answer the verifier accepts.")]
[StepOutput("dataset", Kind = ValueKind.Artifact, Artifact = "dataset", Description = "JSONL dataset of traces.")]
[StepOutput("count", Kind = ValueKind.Integer, Description = "Traces written.")]
[StepOutput("acceptance_rate", Kind = ValueKind.Number, Description = "Share of teacher responses the verifier accepted (1 for generated tasks, whose traces are correct by construction).")]
public sealed partial class SynthesizeStep : StepHandler<SynthesizeStep.Inputs>
{
    public sealed partial class Inputs
    {
        [StepInput(Required = true, Description = "Problem generator, or jsonl: problems imported from source, traces written by the teacher.", OneOf = ["arithmetic", "countdown", "linear", "jsonl"])]
        public string Task { get; set; } = "";

        [StepInput(Required = true, Description = "Generated tasks: how many traces to write (distinct training-split problems). jsonl: how many problems of the source file to give the teacher (the first N).")]
        [Range(1, 10_000_000)]
        public int Count { get; set; }

        [StepInput(Description = "Seed for problems and traces; the same seed gives the same dataset.")]
        public int Seed { get; set; }

        [StepInput(Description = "Problem difficulty, 1 (easy) to 5.")]
        [Range(1, 5)]
        public int Difficulty { get; set; } = 1;

        [StepInput(Advanced = true, Description = "Most attempts in one trace (wrong ones, then the verified one).")]
        [Range(1, SynthesisOptions.MaxAttempts)]
        public int AttemptsMax { get; set; } = 3;

        [StepInput(Advanced = true, Description = "Share of traces whose first attempt is already right.")]
        [Range(0.0, 1.0)]
        public double FirstTryCorrectShare { get; set; } = 0.3;
    }

    protected override async Task<StepResult> RunAsync(Inputs inputs, StepContext context, CancellationToken cancellationToken)
    {
        if (inputs.Task == TaskRegistry.Jsonl) return await RunTeacherAsync(inputs, context, cancellationToken);
        var options = new SynthesisOptions
        {
            Seed = inputs.Seed, Difficulty = inputs.Difficulty, AttemptsMax = inputs.AttemptsMax, FirstTryCorrectShare = inputs.FirstTryCorrectShare,
        };
        try { options.Validate(); }
        catch (ArgumentException e) { throw new StepFailedException(e.Message); }

        var path = Path.Combine(context.WorkDirectory, "dataset.jsonl");
        var written = 0;
        await using (var file = new StreamWriter(path))
        {
            try
            {
            foreach (var trace in new TraceSynthesizer(options).SynthesizeTask(inputs.Task, inputs.Count))
            {
                cancellationToken.ThrowIfCancellationRequested();
                TraceJsonlWriter.Write([trace], file);
                written++;
                if (written % 500 == 0 || written == inputs.Count)
                {
                    context.ReportProgress(written, inputs.Count, "traces");
                    context.Metrics.Log("traces", written, written);
                }
            }
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                // e.g. more traces asked for than the task has distinct problems at this difficulty
                throw new StepFailedException(e.Message);
            }
        }
        var dataset = await context.Artifacts.PutFileAsync("dataset", path, "dataset", cancellationToken);
        context.Log.Info($"wrote {written} {inputs.Task} traces (difficulty {inputs.Difficulty}, seed {inputs.Seed})");
        return new StepResult().Set("dataset", dataset).Set("count", written).Set("acceptance_rate", 1.0);
    }
}
