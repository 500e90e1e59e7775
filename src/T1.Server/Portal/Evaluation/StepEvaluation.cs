using T1.Ml.Evaluation;
using T1.Server.Portal.Charts;

namespace T1.Server.Portal.Evaluation;

/// <summary>
/// A succeeded <c>evaluate</c> step of a run and its report (read from the step's <c>report</c> folder artifact),
/// or why the report could not be read.
/// </summary>
public sealed record StepEvaluation(string RunId, string StepId, string Sha256, EvaluationReport? Report, string? Error)
{
    /// <summary>Accuracy against thinking budget, one point per evaluated budget; each point carries the 95% interval of the figure it shows (pass@1 when sampled, else greedy) when the report has one.</summary>
    public ChartSeries AccuracyCurve(string name) =>
        new(name, Report?.Budgets.OrderBy(b => b.Budget)
            .Select(b => (b.Sampled ?? b.Greedy) is { } ci ? new ChartPoint(b.Budget, b.Accuracy, ci.CiLow, ci.CiHigh) : new ChartPoint(b.Budget, b.Accuracy))
            .ToList() ?? []);

    /// <summary>The budget with the best accuracy (the smallest such budget on ties), or null without budgets.</summary>
    public BudgetResult? Best => Report?.Budgets.OrderByDescending(b => b.Accuracy).ThenBy(b => b.Budget).FirstOrDefault();
}
