using T1.Storage.Database;
using T1.Workflows.Engine;

namespace T1.Server.Portal.Evaluation;

/// <summary>What a <c>promote</c> step decided, from its outputs (decision, version, champion, reason) and its <c>model</c> input.</summary>
public sealed record PromotionOutcome(string StepId, string? Model, string? Decision, string? Version, string? Champion, string? Reason)
{
    /// <summary>The decisions of the run's succeeded promote steps, in step order.</summary>
    public static IReadOnlyList<PromotionOutcome> Of(RunDetails run) =>
        run.Steps.Where(s => s.StepType == "promote" && s.Status == StepStatus.Succeeded)
            .Select(s => new PromotionOutcome(s.StepId, StepJson.Member(s.InputsJson, "model"), StepJson.Member(s.OutputsJson, "decision"),
                StepJson.Member(s.OutputsJson, "version"), StepJson.Member(s.OutputsJson, "champion"), StepJson.Member(s.OutputsJson, "reason")))
            .ToList();
}
