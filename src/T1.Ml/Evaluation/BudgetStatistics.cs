using T1.Ml.Evaluation.Statistics;

namespace T1.Ml.Evaluation;

/// <summary>Turns the graded traces of one budget into its <see cref="BudgetResult"/>: figures and 95 % intervals per mode.</summary>
public static class BudgetStatistics
{
    /// <summary>The budget's figures; <paramref name="sampled"/> is null when no samples were drawn (then greedy is primary).</summary>
    public static BudgetResult Of(int budget, IReadOnlyList<EvaluationTrace> greedy, IReadOnlyList<EvaluationTrace>? sampled)
    {
        var g = Pass(greedy, samples: 1);
        var s = sampled is null ? null : Pass(sampled, sampled.Count / Math.Max(1, sampled.Select(t => t.ProblemId).Distinct().Count()));
        var primary = s ?? g;
        return new BudgetResult
        {
            Budget = budget, Accuracy = primary.Accuracy, MeanThinkingTokens = primary.MeanThinkingTokens,
            TruncationRate = primary.TruncationRate, ParsableRate = primary.ParsableRate, Responses = primary.Responses,
            Greedy = g, Sampled = s,
        };
    }

    /// <summary>
    /// Figures of one mode. With one response per problem the interval is Wilson's; with several it is the normal
    /// interval over problems of each problem's share of right responses.
    /// </summary>
    public static PassResult Pass(IReadOnlyList<EvaluationTrace> traces, int samples)
    {
        if (traces.Count == 0) return new PassResult { Samples = samples };
        int correct = traces.Count(t => t.Correct);
        var ci = samples == 1 ? ConfidenceIntervals.Wilson(correct, traces.Count) : ConfidenceIntervals.NormalMean(PerProblem(traces).Values.ToList());
        return new PassResult
        {
            Accuracy = ci.Estimate, CiLow = ci.Low, CiHigh = ci.High, Samples = samples, Correct = correct, Responses = traces.Count,
            MeanThinkingTokens = traces.Average(t => (double)t.ThinkingTokens),
            TruncationRate = traces.Average(t => t.Truncated ? 1.0 : 0.0),
            ParsableRate = traces.Average(t => t.Extracted is null ? 0.0 : 1.0),
        };
    }

    /// <summary>Each problem's share of right responses, by problem id.</summary>
    public static Dictionary<string, double> PerProblem(IEnumerable<EvaluationTrace> traces) =>
        traces.GroupBy(t => t.ProblemId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Average(t => t.Correct ? 1.0 : 0.0), StringComparer.Ordinal);
}
