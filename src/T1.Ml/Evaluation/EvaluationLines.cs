using System.Globalization;

namespace T1.Ml.Evaluation;

/// <summary>One-line texts of a budget's figures and of a paired comparison, as the step log and the CLI print them.</summary>
public static class EvaluationLines
{
    /// <summary>"budget 64: greedy 41.0% [35.2, 47.1], pass@1 38.5% [33.0, 44.0] (n=4, T=1), thinking 37 tokens, cut 12%, parsable 98%".</summary>
    public static string Budget(BudgetResult b)
    {
        var parts = new List<string>();
        if (b.Greedy is { } g) parts.Add($"greedy {Ci(g.Accuracy, g.CiLow, g.CiHigh)}");
        if (b.Sampled is { } s) parts.Add($"pass@1 {Ci(s.Accuracy, s.CiLow, s.CiHigh)} (n={s.Samples})");
        if (parts.Count == 0) parts.Add($"accuracy {P(b.Accuracy)}");
        return string.Create(CultureInfo.InvariantCulture,
            $"budget {b.Budget}: {string.Join(", ", parts)}, thinking {b.MeanThinkingTokens:0.#} tokens, cut {P(b.TruncationRate)}, parsable {P(b.ParsableRate)}");
    }

    /// <summary>"budget 64 vs sft: greedy +6.0 points [+1.5, +10.6], McNemar p 0.012 (9 vs 1 problems); pass@1 +5.2 points [+2.0, +8.3]: significant".</summary>
    public static string Comparison(int budget, BudgetComparison c, string? baseline)
    {
        var text = $"budget {budget} vs {baseline ?? "baseline"}: greedy {Points(c.Greedy)}, McNemar p {c.Greedy.McnemarP?.ToString("0.###", CultureInfo.InvariantCulture)} " +
                   $"({c.Greedy.CandidateOnly} vs {c.Greedy.BaselineOnly} problems right for one only)";
        if (c.Sampled is { } s) text += $"; pass@1 {Points(s)}";
        return text + (c.Significant ? ": significant" : ": not significant (the interval includes 0 or lies below)");
    }

    /// <summary>"+6.0 points [+1.5, +10.6]": a difference and its interval in percentage points.</summary>
    public static string Points(Difference d) =>
        string.Create(CultureInfo.InvariantCulture, $"{d.Value * 100:+0.0;-0.0;0.0} points [{d.CiLow * 100:+0.0;-0.0;0.0}, {d.CiHigh * 100:+0.0;-0.0;0.0}]");

    /// <summary>"41.0% [35.2, 47.1]".</summary>
    public static string Ci(double value, double low, double high) =>
        string.Create(CultureInfo.InvariantCulture, $"{value * 100:0.0}% [{low * 100:0.0}, {high * 100:0.0}]");

    private static string P(double share) => (share * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%";
}
