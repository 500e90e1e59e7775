using System.Globalization;

namespace T1.Workflows.Registry;

/// <summary>
/// How a candidate is judged against the champion, from a <c>metric</c> string:
/// <c>accuracy@B</c> (accuracy at thinking budget B must beat the champion's by the margin),
/// <c>accuracy</c> (the same at the candidate's largest budget), or <c>curve</c> (not worse at any
/// budget both were evaluated at, and better by the margin at the largest). With no champion the
/// candidate wins.
/// </summary>
public sealed record PromotionRule(string Metric, int? Budget)
{
    /// <summary>Tolerance for "not worse" in the curve rule (accuracies are averages of 0/1).</summary>
    private const double Tolerance = 1e-9;

    /// <summary>Parses a metric string; throws <see cref="ArgumentException"/> with the accepted forms.</summary>
    public static PromotionRule Parse(string metric)
    {
        var m = metric.Trim();
        if (m is "curve" or "accuracy") return new PromotionRule(m, null);
        if (m.StartsWith("accuracy@", StringComparison.Ordinal)
            && int.TryParse(m["accuracy@".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var b) && b > 0)
            return new PromotionRule("accuracy@" + b.ToString(CultureInfo.InvariantCulture), b);
        throw new ArgumentException($"metric '{metric}' is not known; use accuracy@B (B a thinking budget that was evaluated, e.g. accuracy@256), accuracy (the largest budget) or curve");
    }

    /// <summary>Decides; <paramref name="champion"/> is null when the model has no champion yet.</summary>
    public PromotionVerdict Decide(IReadOnlyDictionary<int, double> candidate, IReadOnlyDictionary<int, double>? champion, double margin)
    {
        if (candidate.Count == 0) throw new ArgumentException("the candidate's evaluation report has no budgets");
        int budget = Budget ?? candidate.Keys.Max();
        if (!candidate.TryGetValue(budget, out var cand))
            throw new ArgumentException($"metric '{Metric}' needs budget {budget}, but the candidate was evaluated at {Budgets(candidate)}; use one of those");

        if (champion is null)
            return new PromotionVerdict(true, cand, null, $"first version with an evaluation: promoted ({Metric} = {P(cand)})");

        if (Metric == "curve")
        {
            var common = candidate.Keys.Intersect(champion.Keys).Order().ToList();
            if (common.Count == 0)
                return new PromotionVerdict(false, cand, null, $"kept the champion: it was evaluated at {Budgets(champion)}, the candidate at {Budgets(candidate)}; no budget in common to compare");
            foreach (var b in common)
                if (candidate[b] < champion[b] - Tolerance)
                    return new PromotionVerdict(false, candidate[b], champion[b],
                        $"kept the champion: the candidate is worse at budget {b} ({P(candidate[b])} < {P(champion[b])})");
            int top = common[^1];
            bool better = candidate[top] >= champion[top] + margin - Tolerance && candidate[top] > champion[top];
            return new PromotionVerdict(better, candidate[top], champion[top], better
                ? $"promoted: not worse at any of {common.Count} budgets and {P(candidate[top])} vs {P(champion[top])} at budget {top} (margin {P(margin)})"
                : $"kept the champion: at budget {top} the candidate has {P(candidate[top])} vs {P(champion[top])}, which does not beat it by the margin {P(margin)}");
        }

        if (!champion.TryGetValue(budget, out var champ))
            return new PromotionVerdict(false, cand, null, $"kept the champion: it was never evaluated at budget {budget} (it has {Budgets(champion)}), so the two cannot be compared on {Metric}");
        bool wins = cand >= champ + margin - Tolerance && cand > champ;
        return new PromotionVerdict(wins, cand, champ, wins
            ? $"promoted: {Metric} {P(cand)} vs champion {P(champ)} (margin {P(margin)})"
            : $"kept the champion: {Metric} {P(cand)} vs champion {P(champ)} does not beat it by the margin {P(margin)}");
    }

    private static string Budgets(IReadOnlyDictionary<int, double> acc) =>
        string.Join(", ", acc.Keys.Order().Select(b => b.ToString(CultureInfo.InvariantCulture)));

    private static string P(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
}

/// <summary>The outcome of <see cref="PromotionRule.Decide"/>: the decision and the numbers it compared.</summary>
public sealed record PromotionVerdict(bool Promoted, double? CandidateValue, double? ChampionValue, string Reason);
