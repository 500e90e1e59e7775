using System.Text.Json.Nodes;
using T1.Ml.Evaluation;
using T1.Server.Hosting;
using T1.Server.Tests.Platform;
using T1.Storage.Database;
using T1.Workflows.Definitions;
using T1.Workflows.Engine;
using T1.Workflows.Registry;
using T1.Workflows.Steps;

namespace T1.Server.Tests.EndToEnd;

/// <summary>
/// The demo workflow (workflows/t1-tiny.yaml) end to end through the real engine on a very small
/// config: every step succeeds and leaves its artifacts, metrics, and a promotion decision.
/// </summary>
public sealed class T1PipelineTests
{
    /// <summary>Params that shrink the shipped workflow to a CI-sized run (same steps, same wiring).</summary>
    private static readonly Dictionary<string, string> Tiny = new()
    {
        ["traces"] = "150", ["sft_epochs"] = "1", ["max_len"] = "96", ["rl_steps"] = "2",
        ["prompts_per_step"] = "2", ["samples"] = "4", ["prompt_count"] = "4", ["eval_problems"] = "12", ["eval_samples"] = "2", ["model"] = "t1-e2e",
    };

    [Fact]
    public async Task DemoWorkflow_OnTinyConfig_RunsEveryStep_AndPromotes()
    {
        var path = Path.Combine(TestEnvironment.RepoRoot, "workflows", "t1-tiny.yaml");
        var loaded = WorkflowLoader.LoadFile(path, StepCatalogs.Default);
        Assert.True(loaded.Definition is not null, string.Join("\n", loaded.Diagnostics));

        await using var p = await PlatformHarness.StartAsync();
        var run = await p.Get<WorkflowEngine>().StartRunAsync(loaded.Definition!, Tiny, RunTrigger.Api);
        var d = await p.WaitAsync(run.Id, TimeSpan.FromMinutes(12));

        Assert.True(d.Run.Status == RunStatus.Succeeded,
            $"run {d.Run.Status}: " + string.Join("; ", d.Steps.Where(s => s.Error is not null).Select(s => $"{s.StepId}: {s.Error}")));
        Assert.Equal(["eval-rl", "eval-sft", "promote-rl", "promote-sft", "rl", "sft", "synthesize", "test-rl", "test-sft"], d.Steps.Select(s => s.StepId).Order());

        // a finished step shows its last progress, not the one of its last heartbeat
        var sft = d.Steps.Single(s => s.StepId == "sft");
        Assert.Equal(sft.ProgressTotal, sft.ProgressDone);
        Assert.StartsWith($"step {sft.ProgressTotal}/{sft.ProgressTotal},", sft.ProgressMessage);

        // artifacts: a dataset, two checkpoints, two reports with their chart
        string[] expected = ["synthesize/dataset", "sft/checkpoint", "rl/checkpoint", "eval-sft/report", "eval-rl/report", "test-sft/report", "test-rl/report"];
        foreach (var e in expected)
            Assert.Contains(d.Artifacts, a => $"{a.StepId}/{a.Name}" == e);
        foreach (var step in new[] { "eval-sft", "eval-rl", "test-sft", "test-rl" })
        {
            var report = d.Artifacts.Single(a => a.StepId == step && a.Name == "report");
            var dir = await p.Get<ArtifactCache>().GetLocalPathAsync(new ArtifactRef(report.Sha256), CancellationToken.None);
            var r = EvaluationReport.Load(dir);
            Assert.Equal([16, 32, 64, 128, 256], r.Budgets.Select(b => b.Budget));
            Assert.Equal(12, r.Problems);
            Assert.All(r.Budgets, b => Assert.InRange(b.Accuracy, 0, 1));
            Assert.True(new FileInfo(Path.Combine(dir, EvaluationReport.ChartFileName)).Length > 1000);
            Assert.Contains(step.StartsWith("eval", StringComparison.Ordinal) ? "validation split" : "test split", r.Dataset);
            // RL is compared with SFT on the same problems, budget by budget
            if (step.EndsWith("-rl", StringComparison.Ordinal))
            {
                Assert.Equal(step == "eval-rl" ? "sft" : "sft-test", r.Baseline?.Label);
                Assert.All(r.Budgets, b => Assert.InRange(b.Comparison!.Greedy.McnemarP!.Value, 0, 1));
            }
        }

        // metrics from training and evaluation
        var metrics = await p.Get<RunQueries>().MetricsAsync(run.Id);
        Assert.Contains(metrics, m => m.Key == "loss");
        Assert.Contains(metrics, m => m.Key == "reward");
        Assert.Contains(metrics, m => m.Key == "kl");
        Assert.Contains(metrics, m => m.Key.StartsWith("accuracy@", StringComparison.Ordinal));

        // the registry: SFT registered first (wins), RL judged against it with the numbers stored
        var model = (await p.Get<ModelRegistry>().GetAsync("t1-e2e"))!;
        Assert.Equal(2, model.Versions.Count);
        Assert.Equal(2, model.Decisions.Count);
        var rlDecision = model.Decisions.Single(x => x.CandidateVersion == 2);
        Assert.Equal(1, rlDecision.ChampionVersion);
        Assert.NotNull(rlDecision.CandidateValue);
        Assert.NotNull(rlDecision.ChampionValue);
        var promoteRl = JsonNode.Parse(d.Steps.Single(s => s.StepId == "promote-rl").OutputsJson!)!;
        Assert.Equal(rlDecision.Promoted ? "promoted" : "kept", promoteRl["decision"]!.ToString());
        Assert.Equal(model.Model.ChampionVersion, promoteRl["champion"]!.GetValue<int>());
    }
}
