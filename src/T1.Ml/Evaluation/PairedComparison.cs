using T1.Ml.Evaluation.Statistics;

namespace T1.Ml.Evaluation;

/// <summary>
/// Compares an evaluation with a baseline evaluation of another checkpoint on the same problems, budget by budget:
/// per problem the candidate's score minus the baseline's (greedy: 0/1; sampled: the share of right samples),
/// averaged, with the paired percentile bootstrap over problems (<see cref="ConfidenceIntervals.PairedBootstrap"/>,
/// seeded) and, for greedy, McNemar's exact test. Pairing removes the problems' own difficulty from the noise,
/// so a real gain shows with far fewer problems than two separate intervals would need.
/// </summary>
public static class PairedComparison
{
    /// <summary>
    /// <paramref name="report"/> with <see cref="BudgetResult.Comparison"/> filled for every budget both evaluated.
    /// </summary>
    /// <exception cref="ArgumentException">The two evaluated different problems, or share no budget; the message says what to align.</exception>
    public static EvaluationReport Compare(EvaluationReport report, IReadOnlyList<EvaluationTrace> traces,
        EvaluationReport baseline, IReadOnlyList<EvaluationTrace> baselineTraces, string baselineReport,
        int resamples = ConfidenceIntervals.DefaultResamples, int seed = 0)
    {
        var mine = traces.Select(t => t.ProblemId).ToHashSet(StringComparer.Ordinal);
        var theirs = baselineTraces.Select(t => t.ProblemId).ToHashSet(StringComparer.Ordinal);
        if (!mine.SetEquals(theirs))
            throw new ArgumentException($"the baseline report ({Name(baseline)}) evaluated {theirs.Count} problems and this evaluation {mine.Count}, " +
                $"{mine.Intersect(theirs).Count()} of them in common; a paired comparison needs the same problems: evaluate both with the same task, split, difficulty, count and seed (or the same dataset)");
        var common = report.Budgets.Select(b => b.Budget).Intersect(baseline.Budgets.Select(b => b.Budget)).ToHashSet();
        if (common.Count == 0)
            throw new ArgumentException($"the baseline report ({Name(baseline)}) was evaluated at budgets [{string.Join(", ", baseline.Budgets.Select(b => b.Budget))}], " +
                $"this one at [{string.Join(", ", report.Budgets.Select(b => b.Budget))}]; give both at least one budget in common");
        var problems = mine.Order(StringComparer.Ordinal).ToList();

        var budgets = report.Budgets.Select(b => !common.Contains(b.Budget) ? b : b with
        {
            Comparison = Budget(b.Budget, problems, ByMode(traces, report, b.Budget), ByMode(baselineTraces, baseline, b.Budget), resamples, seed),
        }).ToList();
        return report with
        {
            Budgets = budgets,
            Baseline = new BaselineInfo { Label = baseline.Label, Checkpoint = baseline.Checkpoint, Report = baselineReport, Problems = problems.Count, Resamples = resamples },
        };
    }

    /// <summary>
    /// The comparison at one budget straight from two sets of traces (the portal's Traces page); traces without a
    /// mode count as greedy.
    /// </summary>
    /// <exception cref="ArgumentException">The two hold different problems at that budget.</exception>
    public static BudgetComparison AtBudget(IReadOnlyList<EvaluationTrace> candidate, IReadOnlyList<EvaluationTrace> baseline, int budget,
        int resamples = ConfidenceIntervals.DefaultResamples, int seed = 0)
    {
        var c = candidate.Where(t => t.Budget == budget).ToList();
        var b = baseline.Where(t => t.Budget == budget).ToList();
        var problems = c.Select(t => t.ProblemId).ToHashSet(StringComparer.Ordinal);
        if (!problems.SetEquals(b.Select(t => t.ProblemId)))
            throw new ArgumentException($"the two evaluations hold different problems at budget {budget}: a paired comparison needs the same problems");
        ILookup<string, EvaluationTrace> ByMode(List<EvaluationTrace> traces) => traces.ToLookup(t => t.Mode ?? EvaluationTrace.Greedy, StringComparer.Ordinal);
        return Budget(budget, problems.Order(StringComparer.Ordinal).ToList(), ByMode(c), ByMode(b), resamples, seed);
    }

    private static BudgetComparison Budget(int budget, List<string> problems,
        ILookup<string, EvaluationTrace> candidate, ILookup<string, EvaluationTrace> baseline, int resamples, int seed)
    {
        var cg = Scores(candidate[EvaluationTrace.Greedy], problems);
        var bg = Scores(baseline[EvaluationTrace.Greedy], problems);
        int candidateOnly = 0, baselineOnly = 0;
        for (int i = 0; i < problems.Count; i++)
        {
            if (cg[i] > bg[i]) candidateOnly++;
            else if (cg[i] < bg[i]) baselineOnly++;
        }
        var greedy = ConfidenceIntervals.PairedBootstrap(cg, bg, resamples, seed + budget);
        var greedyDifference = new Difference
        {
            Value = greedy.Estimate, CiLow = greedy.Low, CiHigh = greedy.High,
            CandidateOnly = candidateOnly, BaselineOnly = baselineOnly, McnemarP = McNemar.ExactP(candidateOnly, baselineOnly),
        };
        Difference? sampledDifference = null;
        if (candidate[EvaluationTrace.Sampled].Any() && baseline[EvaluationTrace.Sampled].Any())
        {
            var sampled = ConfidenceIntervals.PairedBootstrap(Scores(candidate[EvaluationTrace.Sampled], problems),
                Scores(baseline[EvaluationTrace.Sampled], problems), resamples, seed + budget + 1);
            sampledDifference = new Difference { Value = sampled.Estimate, CiLow = sampled.Low, CiHigh = sampled.High };
        }
        var primary = sampledDifference ?? greedyDifference;
        return new BudgetComparison
        {
            Greedy = greedyDifference, Sampled = sampledDifference,
            Primary = sampledDifference is null ? EvaluationTrace.Greedy : EvaluationTrace.Sampled,
            Significant = primary.CiLow > 0,
        };
    }

    /// <summary>Traces of one budget by mode; traces written before modes existed count as the report's only mode.</summary>
    private static ILookup<string, EvaluationTrace> ByMode(IReadOnlyList<EvaluationTrace> traces, EvaluationReport report, int budget) =>
        traces.Where(t => t.Budget == budget)
            .ToLookup(t => t.Mode ?? (report.Temperature > 0 ? EvaluationTrace.Sampled : EvaluationTrace.Greedy), StringComparer.Ordinal);

    private static double[] Scores(IEnumerable<EvaluationTrace> traces, List<string> problems)
    {
        var perProblem = BudgetStatistics.PerProblem(traces);
        return problems.Select(p => perProblem.TryGetValue(p, out var v) ? v
            : throw new ArgumentException($"problem '{p}' has no {traces.FirstOrDefault()?.Mode ?? "greedy"} response at this budget in one of the reports")).ToArray();
    }

    private static string Name(EvaluationReport r) => string.IsNullOrEmpty(r.Label) ? r.Checkpoint : r.Label;
}
