using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using T1.Ml.Evaluation;
using T1.Server.Portal.Charts;
using T1.Storage.Database;
using T1.Workflows.Engine;

namespace T1.Server.Portal.Evaluation;

/// <summary>
/// A succeeded <c>evaluate</c> step of a run and its report (read from the step's <c>report</c> folder artifact),
/// or why the report could not be read.
/// </summary>
public sealed record StepEvaluation(string RunId, string StepId, string Sha256, EvaluationReport? Report, string? Error)
{
    /// <summary>Accuracy against thinking budget, one point per evaluated budget.</summary>
    public ChartSeries AccuracyCurve(string name) =>
        new(name, Report?.Budgets.OrderBy(b => b.Budget).Select(b => new ChartPoint(b.Budget, b.Accuracy)).ToList() ?? []);

    /// <summary>The budget with the best accuracy (the smallest such budget on ties), or null without budgets.</summary>
    public BudgetResult? Best => Report?.Budgets.OrderByDescending(b => b.Accuracy).ThenBy(b => b.Budget).FirstOrDefault();
}

/// <summary>What a <c>promote</c> step decided, from its outputs (decision, version, champion, reason) and its <c>model</c> input.</summary>
public sealed record PromotionOutcome(string StepId, string? Model, string? Decision, string? Version, string? Champion, string? Reason)
{
    /// <summary>The decisions of the run's succeeded promote steps, in step order.</summary>
    public static IReadOnlyList<PromotionOutcome> Of(RunDetails run) =>
        run.Steps.Where(s => s.StepType == "promote" && s.Status == StepStatus.Succeeded)
            .Select(s => new PromotionOutcome(s.StepId, Value(s.InputsJson, "model"), Value(s.OutputsJson, "decision"),
                Value(s.OutputsJson, "version"), Value(s.OutputsJson, "champion"), Value(s.OutputsJson, "reason")))
            .ToList();

    /// <summary>One JSON object's member as text; null when absent or not JSON.</summary>
    internal static string? Value(string? json, string name)
    {
        if (string.IsNullOrEmpty(json)) return null;
        try
        {
            return JsonNode.Parse(json) is JsonObject o && o[name] is { } v
                ? v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : v.ToJsonString()
                : null;
        }
        catch (JsonException) { return null; }
    }
}

/// <summary>How the portal writes the figures of an evaluation.</summary>
public static class EvaluationText
{
    public static string Percent(double share) => (share * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    public static string Tokens(double tokens) => tokens.ToString("0", CultureInfo.InvariantCulture);
}
