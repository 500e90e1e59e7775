using System.ComponentModel.DataAnnotations;
using System.Globalization;
using T1.Ml.Compute;
using T1.Ml.Evaluation;
using T1.Ml.Tasks;
using T1.Workflows.Steps;

namespace T1.Ml.Steps;

/// <summary>Inference-budget evaluation: accuracy against the number of thinking tokens allowed.</summary>
[StepMetric("accuracy@*", MetricGoal.Maximize)]
[StepMetric("greedy_accuracy@*", MetricGoal.Maximize)]
[StepMetric("pass_at_1@*", MetricGoal.Maximize)]
[StepMetric("difference@*", MetricGoal.Maximize)]
[StepType("evaluate", Category = "Evaluation", Version = 1,
    Description = "Evaluates a checkpoint on validation or test problems at several thinking-token budgets: the thinking is cut at each budget and the answer forced with the answer prompt. Greedy accuracy (Wilson 95% interval) and, with samples > 0, sampled pass@1 (95% interval over problems) per budget, with the cut share; given a baseline report, the paired difference (bootstrap 95% interval, McNemar's p for greedy). Writes report.json, traces.jsonl and budget_curve.png, and stores accuracy@B metrics.")]
[StepOutput("report", Kind = ValueKind.Artifact, Artifact = "evaluation-report", Description = "Folder with report.json, traces.jsonl and budget_curve.png.")]
[StepOutput("accuracy", Kind = ValueKind.Number, Description = "The primary figure at the largest budget: sampled pass@1 when samples > 0, else greedy accuracy.")]
[StepOutput("accuracy_smallest", Kind = ValueKind.Number, Description = "Accuracy at the smallest budget.")]
[StepOutput("budget", Kind = ValueKind.Integer, Description = "The largest budget.")]
[StepOutput("problems", Kind = ValueKind.Integer, Description = "Problems evaluated.")]
public sealed partial class EvaluateStep : StepHandler<EvaluateStep.Inputs>
{
    public sealed partial class Inputs
    {
        [StepInput(Artifact = "checkpoint", Required = true, Kind = ValueKind.Artifact, Description = "Checkpoint to evaluate.")]
        public string Checkpoint { get; set; } = "";

        [StepInput(Description = "Problem generator (arithmetic, countdown, linear), or jsonl with source. Ignored when dataset is given.", OneOf = ["arithmetic", "countdown", "linear", "jsonl"])]
        public string Task { get; set; } = "arithmetic";

        [StepInput(Description = "Which split of a generated task: validation (for choosing settings and in-experiment promotion) or test (read only for final numbers). Never overlaps the train split that synthesize and rl draw from; ignored for files and datasets.", OneOf = ["validation", "test"])]
        public string Split { get; set; } = "validation";

        [StepInput(Artifact = "dataset", Kind = ValueKind.Artifact, Data = DataRole.Evaluation, Description = "A dataset artifact to evaluate on instead of a task (JSONL with prompt/problem/question and answer).")]
        public string? Dataset { get; set; }

        [StepInput(Description = "Problems to evaluate (fewer when the split or the file has fewer; 0 = a whole file or dataset).")]
        [Range(0, 1_000_000)]
        public int Count { get; set; } = 100;

        [StepInput(Description = "Difficulty of generated problems, 1 to 5.")]
        [Range(1, 5)]
        public int Difficulty { get; set; } = 1;

        [StepInput(Description = "Seed of the generated problems; the same seed, count and split give the same problems.")]
        public int Seed { get; set; }

        [StepInput(Advanced = true, Data = DataRole.Evaluation, Description = "jsonl only: path of the JSONL file (e.g. MATH500).")]
        public string? Source { get; set; }

        [StepInput(Description = "Thinking-token budgets.")]
        public List<int> Budgets { get; set; } = [16, 32, 64, 128, 256];

        [StepInput(Description = "Responses per problem sampled at temperature for sampled pass@1 (the primary figure when > 0); 0 = greedy only. One greedy response per problem is always evaluated.")]
        [Range(0, 1024)]
        public int Samples { get; set; }

        [StepInput(Advanced = true, Description = "Temperature of the sampled responses (> 0 when samples > 0; the greedy ones use 0).")]
        [Range(0.0, 5.0)]
        public double Temperature { get; set; } = 1.0;

        [StepInput(Artifact = "evaluation-report", Kind = ValueKind.Artifact, Description = "The report of another checkpoint's evaluate step on the same problems (same task, split, difficulty, count and seed): the report then holds, per budget, the paired difference with its bootstrap 95% interval and McNemar's p for greedy; promote's require_significant reads it.")]
        public string? Baseline { get; set; }

        [StepInput(Advanced = true, Description = "Nucleus sampling of the sampled responses (1 = off).")]
        [Range(0.01, 1.0)]
        public double TopP { get; set; } = 1.0;

        [StepInput(Advanced = true, Description = "Appended when the thinking is cut at a budget: closes the thinking and opens the answer.")]
        public string AnswerPrompt { get; set; } = BudgetEvaluationOptions.DefaultAnswerPrompt;

        [StepInput(Advanced = true, Description = "Where a thinking longer than the budget is cut: token (exactly at the budget), line (after the last complete line within it, so the answer never reads a half-written number) or check (after the last complete Check: line within it, so the answer never follows an attempt whose check was cut off).", OneOf = [BudgetEvaluationOptions.CutAtToken, BudgetEvaluationOptions.CutAtLine, BudgetEvaluationOptions.CutAtCheck])]
        public string CutAt { get; set; } = BudgetEvaluationOptions.CutAtToken;

        [StepInput(Advanced = true, Description = "Most tokens of the answer decoded after the thinking.")]
        [Range(1, 4096)]
        public int MaxAnswerTokens { get; set; } = 24;

        [StepInput(Advanced = true, Description = "Responses generated together (bounds memory).")]
        [Range(1, 4096)]
        public int BatchSize { get; set; } = 64;

        [StepInput(Advanced = true, Description = "Name of the evaluated model in the chart and report (default: the step id).")]
        public string? Label { get; set; }

        [StepInput(Description = "Compute device.", OneOf = ["auto", "cpu", "cuda"])]
        public string Device { get; set; } = "auto";

        [StepInput(Advanced = true, Description = "Precision: fp32, or bf16 (bfloat16 weights and activations; half the memory, slower on CPUs without bf16 instructions).", OneOf = [ModelDtype.Fp32, ModelDtype.Bf16])]
        public string Dtype { get; set; } = ModelDtype.Fp32;
    }

    protected override async Task<StepResult> RunAsync(Inputs inputs, StepContext context, CancellationToken cancellationToken)
    {
        var options = new BudgetEvaluationOptions
        {
            Budgets = inputs.Budgets, Samples = inputs.Samples, Temperature = inputs.Temperature, TopP = inputs.TopP,
            AnswerPrompt = inputs.AnswerPrompt, CutAt = inputs.CutAt, MaxAnswerTokens = inputs.MaxAnswerTokens, BatchSize = inputs.BatchSize, Seed = inputs.Seed,
        };
        try { options.Validate(); }
        catch (ArgumentException e) { throw new StepFailedException($"step '{context.StepId}': {e.Message}"); }
        var compute = StepCompute.Initialize(inputs.Device, inputs.Seed, context);
        var problems = await StepProblems.LoadAsync(context, string.IsNullOrWhiteSpace(inputs.Dataset) ? inputs.Task : inputs.Dataset,
            string.IsNullOrWhiteSpace(inputs.Dataset) ? "task" : "dataset", ProblemSets.Parse(inputs.Split), inputs.Count, inputs.Seed, inputs.Difficulty, inputs.Source, cancellationToken);
        if (problems.Problems.Count == 0) throw new StepFailedException($"step '{context.StepId}': {problems.Description} has no problems to evaluate");
        var path = await context.Artifacts.GetLocalPathAsync(ArtifactRef.ParseInput(inputs.Checkpoint, context.StepId, "checkpoint"), cancellationToken);
        using var loaded = StepCompute.LoadCheckpoint(path, compute, context, "checkpoint", inputs.Dtype);
        context.Log.Info($"evaluating {problems.Problems.Count} problems from {problems.Description}, greedy{(inputs.Samples > 0 ? $" and {inputs.Samples} samples at temperature {inputs.Temperature.ToString(CultureInfo.InvariantCulture)}" : "")}, at budgets [{string.Join(", ", options.Budgets.Order())}] on {compute}");

        BudgetEvaluation evaluation;
        try
        {
            evaluation = new BudgetEvaluator(loaded.Model, loaded.Tokenizer!).Evaluate(problems.Problems, options, inputs.Checkpoint, problems.Description,
                (done, total) => context.ReportProgress(done, total, "responses"), cancellationToken);
        }
        catch (ArgumentException e) { throw new StepFailedException($"step '{context.StepId}': {e.Message}"); }
        var report = evaluation.Report with { Label = string.IsNullOrWhiteSpace(inputs.Label) ? context.StepId : inputs.Label };
        if (!string.IsNullOrWhiteSpace(inputs.Baseline)) report = await CompareAsync(report, evaluation.Traces, inputs.Baseline, inputs.Seed, context, cancellationToken);
        evaluation = evaluation with { Report = report };

        var folder = Path.Combine(context.WorkDirectory, "report");
        EvaluationFolder.Write(folder, evaluation);
        foreach (var b in report.Budgets)
        {
            context.Metrics.Log($"accuracy@{b.Budget}", b.Budget, b.Accuracy);
            context.Metrics.Log($"mean_thinking_tokens@{b.Budget}", b.Budget, b.MeanThinkingTokens);
            context.Metrics.Log($"truncation_rate@{b.Budget}", b.Budget, b.TruncationRate);
            context.Log.Info(EvaluationLines.Budget(b));
            if (b.Greedy is { } g) context.Metrics.Log($"greedy_accuracy@{b.Budget}", b.Budget, g.Accuracy);
            if (b.Sampled is { } s) context.Metrics.Log($"pass_at_1@{b.Budget}", b.Budget, s.Accuracy);
            if (b.Comparison is { } c)
            {
                context.Metrics.Log($"difference@{b.Budget}", b.Budget, (c.Sampled ?? c.Greedy).Value);
                context.Log.Info(EvaluationLines.Comparison(b.Budget, c, report.Baseline?.Label));
            }
        }
        var artifact = await context.Artifacts.PutDirectoryAsync("report", folder, "evaluation-report", cancellationToken);
        return new StepResult().Set("report", artifact)
            .Set("accuracy", report.Budgets[^1].Accuracy).Set("accuracy_smallest", report.Budgets[0].Accuracy)
            .Set("budget", report.Budgets[^1].Budget).Set("problems", report.Problems);
    }

    /// <summary>The report with its paired comparison against the baseline report artifact.</summary>
    private static async Task<EvaluationReport> CompareAsync(EvaluationReport report, IReadOnlyList<EvaluationTrace> traces, string baseline,
        int seed, StepContext context, CancellationToken cancellationToken)
    {
        if (!ArtifactRef.TryParse(baseline, out var reference))
            throw new StepFailedException($"step '{context.StepId}': input 'baseline' must be the report output of another evaluate step, such as ${{{{ steps.eval-sft.outputs.report }}}}, got '{baseline}'");
        var folder = await context.Artifacts.GetLocalPathAsync(reference, cancellationToken);
        EvaluationReport baselineReport;
        List<EvaluationTrace> baselineTraces;
        try
        {
            baselineReport = EvaluationReport.Load(folder);
            baselineTraces = EvaluationFolder.ReadTraces(folder).ToList();
        }
        catch (Exception e) when (e is IOException or System.Text.Json.JsonException or InvalidDataException)
        {
            throw new StepFailedException($"step '{context.StepId}': input 'baseline' ({baseline}) is not an evaluation report: {e.Message}. Pass the report output of an evaluate step.");
        }
        try { return PairedComparison.Compare(report, traces, baselineReport, baselineTraces, baseline, seed: seed); }
        catch (ArgumentException e) { throw new StepFailedException($"step '{context.StepId}': input 'baseline': {e.Message}"); }
    }
}
