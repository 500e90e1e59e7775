using System.Text.Json;
using T1.Ml.Evaluation;
using T1.Server.Tests.Platform;
using T1.Storage.Database;
using T1.Workflows.Registry;

namespace T1.Server.Tests.Steps;

/// <summary>The `promote` step in real runs; the report comes from an `echo` step writing report.json.</summary>
public sealed class PromoteStepTests : IAsyncLifetime
{
    private PlatformHarness _p = null!;

    public async Task InitializeAsync() => _p = await PlatformHarness.StartAsync();
    public async Task DisposeAsync() => await _p.DisposeAsync();

    private static string Workflow(double accuracyAt64, string metric = "accuracy@64", BudgetComparison? comparison = null, bool requireSignificant = false)
    {
        var report = new EvaluationReport
        {
            Problems = 10, Samples = 1, Baseline = comparison is null ? null : new BaselineInfo { Label = "sft", Problems = 10, Resamples = 10_000 },
            Budgets = [new BudgetResult { Budget = 16, Accuracy = 0.1 }, new BudgetResult { Budget = 64, Accuracy = accuracyAt64, Comparison = comparison }],
        };
        var json = JsonSerializer.Serialize(JsonSerializer.Serialize(report, EvaluationReport.Json)); // a YAML-safe quoted string
        return $$$"""
            name: promote-test
            steps:
              - id: report
                uses: echo
                with: { message: {{{json}}} }
              - id: promote
                uses: promote
                needs: [report]
                with:
                  model: tiny-test
                  candidate: ${{ steps.report.outputs.file }}
                  report: ${{ steps.report.outputs.file }}
                  metric: {{{metric}}}
                  margin: 0.05
                  require_significant: {{{(requireSignificant ? "true" : "false")}}}
            """;
    }

    private static BudgetComparison Paired(double value, double low, double high) => new()
    {
        Greedy = new Difference { Value = value, CiLow = low, CiHigh = high, CandidateOnly = 3, BaselineOnly = 1, McnemarP = 0.625 },
        Significant = low > 0,
    };

    [Fact]
    public async Task RequireSignificant_KeepsTheChampion_WhenThePairedIntervalIncludesZero_AndPromotesWhenItLiesAbove()
    {
        Assert.Equal(RunStatus.Succeeded, (await _p.RunAsync(Workflow(0.40))).Run.Status);   // v1: the champion
        var noisy = await _p.RunAsync(Workflow(0.60, comparison: Paired(0.2, -0.05, 0.45), requireSignificant: true));
        var step = noisy.Steps.Single(s => s.StepId == "promote");
        Assert.True(step.Status == StepStatus.Succeeded, step.Error);
        var outputs = JsonDocument.Parse(step.OutputsJson!).RootElement;
        Assert.Equal("kept", outputs.GetProperty("decision").GetString());
        Assert.Equal("kept the champion: the gain over sft is not significant at budget 64: greedy accuracy +20.0 points [-5.0, +45.0], " +
                     "the 95% interval does not lie above 0 (otherwise promoted: accuracy@64 0.6 vs champion 0.4 (margin 0.05))",
            outputs.GetProperty("reason").GetString());

        // The same gain without the requirement is promoted; with a significant interval too.
        var plain = await _p.RunAsync(Workflow(0.60, comparison: Paired(0.2, -0.05, 0.45)));
        Assert.Equal("promoted", JsonDocument.Parse(plain.Steps.Single(s => s.StepId == "promote").OutputsJson!).RootElement.GetProperty("decision").GetString());
        var sure = await _p.RunAsync(Workflow(0.80, comparison: Paired(0.2, 0.05, 0.35), requireSignificant: true));
        Assert.Equal("promoted", JsonDocument.Parse(sure.Steps.Single(s => s.StepId == "promote").OutputsJson!).RootElement.GetProperty("decision").GetString());
        // The plain run's candidate is byte for byte the noisy run's (the same report): it reuses v2 instead of adding a
        // version, so the significant one is v3.
        Assert.Equal(3, (await _p.Get<ModelRegistry>().GetAsync("tiny-test"))!.Model.ChampionVersion);
    }

    [Fact]
    public async Task RequireSignificant_WithoutAComparisonInTheReport_FailsSayingToGiveABaseline()
    {
        var d = await _p.RunAsync(Workflow(0.5, requireSignificant: true));
        var step = d.Steps.Single(s => s.StepId == "promote");
        Assert.Equal(StepStatus.Failed, step.Status);
        Assert.Equal("step 'promote': require_significant needs a paired comparison at budget 64 in the report, and it has none; give the candidate's evaluate step " +
                     "the baseline's report, e.g. baseline: ${{ steps.eval-sft.outputs.report }}, evaluated on the same problems and budgets", step.Error);
        Assert.Null(await _p.Get<ModelRegistry>().GetAsync("tiny-test"));
    }

    [Fact]
    public async Task Promote_RegistersVersions_AndMovesChampionOnlyWhenBetter()
    {
        var first = await _p.RunAsync(Workflow(0.40));
        var worse = await _p.RunAsync(Workflow(0.42));
        var better = await _p.RunAsync(Workflow(0.60));
        Assert.All(new[] { first, worse, better }, d => Assert.Equal(RunStatus.Succeeded, d.Run.Status));

        string Output(Workflows.Engine.RunDetails d, string name) =>
            JsonDocument.Parse(d.Steps.Single(s => s.StepId == "promote").OutputsJson!).RootElement.GetProperty(name).ToString();
        Assert.Equal("promoted", Output(first, "decision"));
        Assert.Equal("kept", Output(worse, "decision"));
        Assert.Equal("1", Output(worse, "champion"));
        Assert.Equal("promoted", Output(better, "decision"));
        Assert.Equal("3", Output(better, "version"));

        var model = (await _p.Get<ModelRegistry>().GetAsync("tiny-test"))!;
        Assert.Equal(3, model.Model.ChampionVersion);
        Assert.Equal(worse.Run.Id, model.Versions.Single(v => v.Version == 2).RunId);
        Assert.Equal(3, model.Decisions.Count);
    }

    [Fact]
    public async Task Promote_WithBudgetThatWasNotEvaluated_FailsNamingTheBudgets()
    {
        var d = await _p.RunAsync(Workflow(0.4, metric: "accuracy@512"));
        var step = d.Steps.Single(s => s.StepId == "promote");
        Assert.Equal(StepStatus.Failed, step.Status);
        Assert.Contains("budget 512", step.Error);
        Assert.Contains("16, 64", step.Error);
        Assert.Null(await _p.Get<ModelRegistry>().GetAsync("tiny-test"));
    }
}
