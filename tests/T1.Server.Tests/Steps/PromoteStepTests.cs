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

    private static string Workflow(double accuracyAt64, string metric = "accuracy@64")
    {
        var report = new EvaluationReport
        {
            Problems = 10, Samples = 1,
            Budgets = [new BudgetResult { Budget = 16, Accuracy = 0.1 }, new BudgetResult { Budget = 64, Accuracy = accuracyAt64 }],
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
            """;
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
