using System.Text.Json;
using T1.Ml.Evaluation;

namespace T1.Ml.Tests.Evaluation;

/// <summary>Report statistics from fixed traces: per-mode intervals, the paired comparison and the report's JSON schema.</summary>
public class PairedComparisonTests
{
    private static EvaluationTrace T(string problem, bool correct, string mode = EvaluationTrace.Greedy, int budget = 64, int sample = 0, bool cut = false) =>
        new() { Budget = budget, ProblemId = problem, Mode = mode, Sample = sample, Correct = correct, Extracted = correct ? "1" : null, Truncated = cut, ThinkingTokens = cut ? budget : 10 };

    /// <summary>Ten problems, greedy: the first <paramref name="right"/> right; sampled: 2 samples each, the first <paramref name="sampledRight"/> problems both right.</summary>
    private static (EvaluationReport Report, List<EvaluationTrace> Traces) Evaluation(int right, int sampledRight, string label)
    {
        var traces = new List<EvaluationTrace>();
        for (int i = 0; i < 10; i++)
        {
            traces.Add(T($"p{i}", i < right, cut: i % 2 == 0));
            for (int s = 0; s < 2; s++) traces.Add(T($"p{i}", i < sampledRight, EvaluationTrace.Sampled, sample: s));
        }
        var result = BudgetStatistics.Of(64, traces.Where(t => t.Mode == EvaluationTrace.Greedy).ToList(), traces.Where(t => t.Mode == EvaluationTrace.Sampled).ToList());
        return (new EvaluationReport { Label = label, Checkpoint = $"t1://artifacts/{label}", Problems = 10, Samples = 2, Temperature = 1, Primary = EvaluationTrace.Sampled, Budgets = [result] }, traces);
    }

    [Fact]
    public void BudgetStatistics_GivesGreedyWithWilson_SampledWithTheNormalInterval_AndTheCutShare()
    {
        var (report, _) = Evaluation(right: 8, sampledRight: 5, "rl");
        var b = Assert.Single(report.Budgets);
        Assert.Equal(0.8, b.Greedy!.Accuracy, 12);
        Assert.Equal(0.490162, b.Greedy.CiLow, 5);   // Wilson 8/10, as in ConfidenceIntervalsTests
        Assert.Equal(0.5, b.Greedy.TruncationRate);
        Assert.Equal(0.5, b.Sampled!.Accuracy, 12);
        // per-problem shares 1,1,1,1,1,0,0,0,0,0: s = √(2.5/9), half = 1.96·s/√10 = 0.326661
        Assert.Equal(0.5 - 0.326661, b.Sampled.CiLow, 5);
        Assert.Equal(0.5 + 0.326661, b.Sampled.CiHigh, 5);
        Assert.Equal(2, b.Sampled.Samples);
        Assert.Equal(0.0, b.Sampled.TruncationRate);
        Assert.Equal(0.5, b.Accuracy);               // sampled pass@1 is the primary figure
        Assert.Equal(20, b.Responses);
    }

    [Fact]
    public void Compare_GivesThePairedDifference_McNemar_AndSignificance()
    {
        var (candidate, traces) = Evaluation(right: 9, sampledRight: 9, "rl");
        var (baseline, baselineTraces) = Evaluation(right: 1, sampledRight: 1, "sft");
        var compared = PairedComparison.Compare(candidate, traces, baseline, baselineTraces, "t1://artifacts/sft-report", resamples: 4000, seed: 1);
        var c = compared.Budgets[0].Comparison!;
        Assert.Equal(0.8, c.Greedy.Value, 12);
        Assert.Equal(8, c.Greedy.CandidateOnly);
        Assert.Equal(0, c.Greedy.BaselineOnly);
        Assert.Equal(2.0 / 256, c.Greedy.McnemarP!.Value, 12);   // 2·(1/2)⁸
        Assert.Equal(0.8, c.Sampled!.Value, 12);
        Assert.True(c.Sampled.CiLow > 0.4, $"{c.Sampled.CiLow}");
        Assert.Equal(EvaluationTrace.Sampled, c.Primary);
        Assert.True(c.Significant);
        Assert.Equal(new BaselineInfo { Label = "sft", Checkpoint = "t1://artifacts/sft", Report = "t1://artifacts/sft-report", Problems = 10, Resamples = 4000 }, compared.Baseline);

        // One problem's difference is not evidence: the interval includes 0.
        var (close, closeTraces) = Evaluation(right: 2, sampledRight: 2, "rl");
        var tie = PairedComparison.Compare(close, closeTraces, baseline, baselineTraces, "r", resamples: 4000, seed: 1).Budgets[0].Comparison!;
        Assert.Equal(0.1, tie.Sampled!.Value, 12);
        Assert.Equal(0, tie.Sampled.CiLow);
        Assert.Equal(1.0, tie.Greedy.McnemarP);
        Assert.False(tie.Significant);
    }

    [Fact]
    public void Compare_RefusesDifferentProblems_NamingWhatToAlign()
    {
        var (candidate, traces) = Evaluation(5, 5, "rl");
        var (baseline, baselineTraces) = Evaluation(5, 5, "sft");
        var other = baselineTraces.Select(t => t.ProblemId == "p0" ? t with { ProblemId = "q0" } : t).ToList();
        var e = Assert.Throws<ArgumentException>(() => PairedComparison.Compare(candidate, traces, baseline, other, "r"));
        Assert.Equal("the baseline report (sft) evaluated 10 problems and this evaluation 10, 9 of them in common; a paired comparison needs the same problems: " +
                     "evaluate both with the same task, split, difficulty, count and seed (or the same dataset)", e.Message);
    }

    [Fact]
    public void Report_Json_HoldsTheIntervalsAndTheComparison_InSnakeCase()
    {
        var (candidate, traces) = Evaluation(9, 9, "rl");
        var (baseline, baselineTraces) = Evaluation(1, 1, "sft");
        var report = PairedComparison.Compare(candidate, traces, baseline, baselineTraces, "r", resamples: 500);
        using var doc = JsonDocument.Parse(JsonSerializer.Serialize(report, EvaluationReport.Json));
        var root = doc.RootElement;
        Assert.Equal("sampled", root.GetProperty("primary").GetString());
        Assert.Equal("sft", root.GetProperty("baseline").GetProperty("label").GetString());
        var b = root.GetProperty("budgets")[0];
        foreach (var name in new[] { "budget", "accuracy", "truncation_rate", "greedy", "sampled", "comparison" }) Assert.True(b.TryGetProperty(name, out _), name);
        foreach (var name in new[] { "accuracy", "ci_low", "ci_high", "samples", "correct", "responses", "truncation_rate", "mean_thinking_tokens", "parsable_rate" })
            Assert.True(b.GetProperty("greedy").TryGetProperty(name, out _), "greedy." + name);
        var comparison = b.GetProperty("comparison");
        Assert.True(comparison.GetProperty("significant").GetBoolean());
        Assert.Equal("sampled", comparison.GetProperty("primary").GetString());
        foreach (var name in new[] { "value", "ci_low", "ci_high", "candidate_only", "baseline_only", "mcnemar_p" })
            Assert.True(comparison.GetProperty("greedy").TryGetProperty(name, out _), "comparison.greedy." + name);
        Assert.False(comparison.GetProperty("sampled").TryGetProperty("mcnemar_p", out _)); // McNemar is for 0/1 outcomes only

        var back = JsonSerializer.Deserialize<EvaluationReport>(JsonSerializer.Serialize(report, EvaluationReport.Json), EvaluationReport.Json)!;
        Assert.Equal(report.Budgets, back.Budgets);
    }
}
