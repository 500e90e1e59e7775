using System.ComponentModel.DataAnnotations;
using T1.Ml.Evaluation;
using T1.Workflows.Registry;
using T1.Workflows.Steps;

namespace T1.Ml.Steps;

/// <summary>Checkpoint promotion: registers the candidate and moves the champion alias only if it wins.</summary>
[StepType("promote", Category = "Registry", Version = 1, Cacheable = false,
    Description = "Registers a checkpoint as a new version of a model with its evaluation report and makes it the champion only if it beats the current champion by the margin (the first version wins). Every decision is recorded with the numbers it compared.")]
[StepOutput("decision", Kind = ValueKind.String, Description = "promoted or kept.")]
[StepOutput("version", Kind = ValueKind.Integer, Description = "The version number given to the candidate.")]
[StepOutput("champion", Kind = ValueKind.Integer, Description = "The champion version after the decision.")]
[StepOutput("reason", Kind = ValueKind.String, Description = "Why, with the numbers compared.")]
public sealed class PromoteStep(ModelRegistry registry) : StepHandler<PromoteStep.Inputs>
{
    public sealed class Inputs
    {
        [StepInput(Required = true, Description = "Registry name of the model, e.g. t1-tiny.")]
        public string Model { get; set; } = "";

        [StepInput(Artifact = "checkpoint", Required = true, Kind = ValueKind.Artifact, Description = "The candidate checkpoint (a checkpoint output of sft or rl).")]
        public string Candidate { get; set; } = "";

        [StepInput(Artifact = "evaluation-report", Required = true, Kind = ValueKind.Artifact, Description = "The candidate's evaluation report (the report output of evaluate).")]
        public string Report { get; set; } = "";

        [StepInput(Description = "accuracy@B (accuracy at thinking budget B), accuracy (the largest budget), or curve (not worse at any budget, better at the largest).")]
        public string Metric { get; set; } = "accuracy";

        [StepInput(Description = "How much better than the champion the candidate must be (accuracy points as a fraction, e.g. 0.02).")]
        [Range(0.0, 1.0)]
        public double Margin { get; set; }

        [StepInput(Description = "Also require the report's paired comparison with its baseline (evaluate's baseline input) to be significant at the metric's budget: the 95% interval of the difference lies above 0. Otherwise the champion is kept, and the decision says why.")]
        public bool RequireSignificant { get; set; }
    }

    protected override async Task<StepResult> RunAsync(Inputs inputs, StepContext context, CancellationToken cancellationToken)
    {
        PromotionRule rule;
        try { rule = PromotionRule.Parse(inputs.Metric); }
        catch (ArgumentException e) { throw new StepFailedException($"input 'metric': {e.Message}"); }
        var candidate = ArtifactRef.ParseInput(inputs.Candidate, context.StepId, "candidate");
        var reportRef = ArtifactRef.ParseInput(inputs.Report, context.StepId, "report");

        var reportPath = await context.Artifacts.GetLocalPathAsync(reportRef, cancellationToken);
        EvaluationReport report;
        try { report = EvaluationReport.Load(reportPath); }
        catch (Exception e) when (e is IOException or System.Text.Json.JsonException or InvalidDataException)
        {
            throw new StepFailedException($"input 'report' ({inputs.Report}) is not an evaluation report: {e.Message}. Pass the report output of an evaluate step.");
        }
        var accuracy = report.Budgets.ToDictionary(b => b.Budget, b => b.Accuracy);
        string? hold = inputs.RequireSignificant ? SignificanceHold(report, rule, context.StepId) : null;

        PromotionOutcome outcome;
        try
        {
            outcome = await registry.PromoteAsync(new PromotionCandidate(
                inputs.Model, $"run:{context.RunId}/{context.StepId}", candidate.Sha256, reportRef.Sha256,
                accuracy, context.RunId, context.StepId, hold), rule, inputs.Margin, cancellationToken);
        }
        catch (Exception e) when (e is ArgumentException or RegistryException)
        {
            throw new StepFailedException(e.Message);
        }

        var d = outcome.Decision;
        int champion = d.Promoted ? d.CandidateVersion : d.ChampionVersion ?? 0;
        context.Log.Info($"{inputs.Model} v{d.CandidateVersion}: {d.Reason}");
        context.Metrics.Log("promoted", 0, d.Promoted ? 1 : 0);
        if (d.CandidateValue is { } cv) context.Metrics.Log("candidate_value", 0, cv);
        if (d.ChampionValue is { } chv) context.Metrics.Log("champion_value", 0, chv);
        return new StepResult()
            .Set("decision", d.Promoted ? "promoted" : "kept")
            .Set("version", d.CandidateVersion)
            .Set("champion", champion)
            .Set("reason", d.Reason);
    }

    /// <summary>
    /// Null when the report's paired comparison at the rule's budget (the largest for accuracy and curve) is
    /// significant; otherwise why the candidate must not be promoted.
    /// </summary>
    /// <exception cref="StepFailedException">The report holds no comparison at that budget.</exception>
    internal static string? SignificanceHold(EvaluationReport report, PromotionRule rule, string stepId)
    {
        if (report.Budgets.Count == 0) throw new StepFailedException($"step '{stepId}': the report has no budgets");
        int budget = rule.Budget ?? report.Budgets.Max(b => b.Budget);
        var result = report.Budgets.FirstOrDefault(b => b.Budget == budget);
        if (result?.Comparison is not { } c)
            throw new StepFailedException($"step '{stepId}': require_significant needs a paired comparison at budget {budget} in the report, and it has none; " +
                "give the candidate's evaluate step the baseline's report, e.g. baseline: ${{ steps.eval-sft.outputs.report }}, evaluated on the same problems and budgets");
        if (c.Significant) return null;
        var d = c.Sampled ?? c.Greedy;
        var metric = c.Sampled is null ? "greedy accuracy" : "sampled pass@1";
        return $"the gain over {report.Baseline?.Label ?? "the baseline"} is not significant at budget {budget}: {metric} {EvaluationLines.Points(d)}, the 95% interval does not lie above 0";
    }
}
