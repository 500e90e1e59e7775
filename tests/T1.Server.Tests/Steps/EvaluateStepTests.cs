using Microsoft.EntityFrameworkCore;
using T1.Ml.Evaluation;
using T1.Server.Tests.Platform;
using T1.Storage.Database;
using T1.Workflows.Engine;
using T1.Workflows.Steps;

namespace T1.Server.Tests.Steps;

/// <summary>The `evaluate` step inside real runs: report folder (JSON, traces, PNG), accuracy@B metrics.</summary>
public sealed class EvaluateStepTests : IAsyncLifetime
{
    private PlatformHarness _p = null!;

    public async Task InitializeAsync() => _p = await PlatformHarness.StartAsync();
    public async Task DisposeAsync() => await _p.DisposeAsync();

    [Fact]
    public async Task Evaluate_WritesReportTracesAndChart_AndAccuracyPerBudget()
    {
        var checkpoint = await TinyCheckpoints.StoreAsync(_p);
        var d = await _p.RunAsync($$"""
            name: eval
            steps:
              - id: eval
                uses: evaluate
                with: { checkpoint: "{{checkpoint}}", task: arithmetic, count: 6, difficulty: 2, budgets: [32, 2], max_answer_tokens: 6, device: cpu }
            """, timeout: TimeSpan.FromMinutes(3));
        var step = d.Steps.Single();
        Assert.True(step.Status == StepStatus.Succeeded, step.Error);
        var outputs = TinyCheckpoints.Outputs(d, "eval");
        Assert.Equal(32, outputs["budget"]!.GetValue<long>());
        Assert.Equal(6, outputs["problems"]!.GetValue<long>());

        var artifact = d.Artifacts.Single(a => a.Name == "report");
        var folder = await _p.Get<ArtifactCache>().GetLocalPathAsync(new ArtifactRef(artifact.Sha256), CancellationToken.None);
        var report = EvaluationReport.Load(folder);
        Assert.Equal([2, 32], report.Budgets.Select(b => b.Budget));
        Assert.Equal(1.0, report.Budgets[0].TruncationRate); // an untrained model never closes its thinking in 2 tokens
        Assert.Equal(2.0, report.Budgets[0].MeanThinkingTokens);
        Assert.Equal("eval", report.Label);
        Assert.Equal("arithmetic (validation split, difficulty 2, seed 0)", report.Dataset);
        Assert.Equal(12, File.ReadLines(Path.Combine(folder, EvaluationReport.TracesFileName)).Count());
        var png = File.ReadAllBytes(Path.Combine(folder, EvaluationReport.ChartFileName));
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png.Take(4));
        Assert.True(png.Length > 5_000);

        await using var db = _p.Get<DatabaseFactory>().Create();
        var metrics = await db.Metrics.Where(m => m.RunId == d.Run.Id && m.Key.StartsWith("accuracy@")).ToListAsync();
        Assert.Equal(["accuracy@2", "accuracy@32"], metrics.Select(m => m.Key).Order());
        Assert.Equal(report.AccuracyAt(32), metrics.Single(m => m.Key == "accuracy@32").Value);
    }

    [Fact]
    public async Task Evaluate_OnASynthesizedDataset_GradesEveryRecord()
    {
        var checkpoint = await TinyCheckpoints.StoreAsync(_p);
        var d = await _p.RunAsync($$$"""
            name: eval-dataset
            steps:
              - id: synth
                uses: synthesize
                with: { task: linear, count: 3, seed: 4 }
              - id: eval
                uses: evaluate
                needs: [synth]
                with: { checkpoint: "{{{checkpoint}}}", dataset: "${{ steps.synth.outputs.dataset }}", count: 0, budgets: [4], max_answer_tokens: 4, device: cpu, label: untrained }
            """, timeout: TimeSpan.FromMinutes(3));
        Assert.True(d.Run.Status == RunStatus.Succeeded, string.Join("; ", d.Steps.Select(s => s.Error)));
        var artifact = d.Artifacts.Single(a => a.Name == "report");
        var report = EvaluationReport.Load(await _p.Get<ArtifactCache>().GetLocalPathAsync(new ArtifactRef(artifact.Sha256), CancellationToken.None));
        Assert.Equal(3, report.Problems);
        Assert.Equal("untrained", report.Label);
    }

    [Fact]
    public async Task Evaluate_BudgetsTooLargeForTheModel_FailsWithAMessage()
    {
        var checkpoint = await TinyCheckpoints.StoreAsync(_p);
        var d = await _p.RunAsync($$"""
            name: eval-big
            steps:
              - id: eval
                uses: evaluate
                with: { checkpoint: "{{checkpoint}}", count: 2, budgets: [4096], device: cpu }
            """, timeout: TimeSpan.FromMinutes(2));
        var step = d.Steps.Single();
        Assert.Equal(StepStatus.Failed, step.Status);
        Assert.Contains("use smaller budgets", step.Error);
    }
}
