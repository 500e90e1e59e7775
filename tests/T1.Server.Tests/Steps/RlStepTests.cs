using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using T1.Ml.Checkpoints;
using T1.Ml.Model;
using T1.Ml.Tokenization;
using T1.Server.Tests.Platform;
using T1.Storage.Artifacts;
using T1.Storage.Database;
using T1.Workflows.Engine;
using T1.Workflows.Steps;
using TorchSharp;

namespace T1.Server.Tests.Steps;

/// <summary>Initial checkpoints for the rl and evaluate step tests: a very small untrained model with a trained BPE tokenizer.</summary>
internal static class TinyCheckpoints
{
    /// <summary>Saves a micro model + tokenizer and stores it as a folder artifact; returns its t1:// reference.</summary>
    public static async Task<string> StoreAsync(PlatformHarness p, int seed = 1)
    {
        var tok = BpeTrainer.Train(
        [
            "Compute 3+4.\n<think>\nTry: 3+4=7.\nCheck: 3+4=7, correct.\n</think>\nFinal answer: \\boxed{7}",
            "Compute 8*6.\n<think>\nTry: 8*6=48.\nCheck: 8*6=48, correct.\n</think>\nFinal answer: \\boxed{48}",
        ], vocabSize: 300);
        torch.manual_seed(seed);
        using var model = new DecoderLM(new ModelConfig
        {
            VocabSize = tok.VocabSize, HiddenSize = 32, NumLayers = 2, NumHeads = 4, NumKvHeads = 2,
            IntermediateSize = 64, MaxPositions = 128, TieEmbeddings = true,
        });
        var dir = Path.Combine(p.Directory, $"init-{seed}");
        Checkpoint.Save(dir, model, tok);
        var (manifest, _) = await ArtifactManifest.PutDirectoryAsync(p.Get<ArtifactStore>(), dir, CancellationToken.None);
        return new ArtifactRef(manifest.Sha256).ToString();
    }

    public static JsonObject Outputs(RunDetails d, string step) => JsonNode.Parse(d.Steps.Single(s => s.StepId == step).OutputsJson!)!.AsObject();
}

/// <summary>The `rl` step inside real runs: metrics, checkpoint, alarms, resume after a dead worker.</summary>
public sealed class RlStepTests : IAsyncLifetime
{
    private PlatformHarness _p = null!;

    public async Task InitializeAsync() => _p = await PlatformHarness.StartAsync();
    public async Task DisposeAsync() => await _p.DisposeAsync();

    private static string Yaml(string init, int steps = 3) => $$"""
        name: rl
        steps:
          - id: rl
            uses: rl
            with:
              init: "{{init}}"
              task: arithmetic
              steps: {{steps}}
              prompts_per_step: 2
              samples_per_prompt: 4
              max_new_tokens: 12
              lr: 0.001
              save_every: 2
              device: cpu
              alarm_overlong_max: 0
        """;

    [Fact]
    public async Task Rl_LogsEveryMetricPerStep_AndOutputsALoadableCheckpoint()
    {
        var init = await TinyCheckpoints.StoreAsync(_p);
        // The PPO-style inputs as a workflow spells them (an untrained init earns −1 everywhere: filter_groups refills twice).
        var yaml = Yaml(init).Replace("save_every: 2", "save_every: 2\n      ppo_epochs: 2\n      minibatches: 2\n      clip_low: 0.2\n      clip_high: 0.3\n" +
                                      "      loss_agg: sequence\n      kl_estimator: k3\n      filter_groups: true\n      filter_max_rounds: 2");
        var d = await _p.RunAsync(yaml, timeout: TimeSpan.FromMinutes(3));
        var step = d.Steps.Single();
        Assert.True(step.Status == StepStatus.Succeeded, step.Error);
        var outputs = TinyCheckpoints.Outputs(d, "rl");
        Assert.Equal(3, outputs["steps"]!.GetValue<long>());
        Assert.Equal(0, outputs["resumed_from"]!.GetValue<long>());

        await using var db = _p.Get<DatabaseFactory>().Create();
        var metrics = await db.Metrics.Where(m => m.RunId == d.Run.Id).ToListAsync();
        string[] keys = ["reward", "reward_std", "accuracy", "pass_at_k", "zero_variance_groups", "groups_dropped", "mean_response_len", "max_response_len",
            "overlong_ratio", "repetition_ratio", "entropy", "kl", "clip_fraction", "rollout_tokens_per_s", "train_tokens_per_s"];
        foreach (var key in keys)
            Assert.Equal([1L, 2L, 3L], metrics.Where(m => m.Key == key).Select(m => m.Step).Order());

        var artifact = d.Artifacts.Single(a => a.Name == "checkpoint");
        var path = await _p.Get<ArtifactCache>().GetLocalPathAsync(new ArtifactRef(artifact.Sha256), CancellationToken.None);
        using var loaded = Checkpoint.Load(path, torch.CPU);
        Assert.NotNull(loaded.Tokenizer);
        Assert.Equal(3, loaded.TrainerState!.Step);
        Assert.Contains(d.Artifacts, a => a.Name == "resume"); // saved at step 2
        // Untrained, every response earns −1: 2 rounds × 2 groups without signal; the first round's are trained on (only entropy and KL act), the refill's dropped.
        Assert.Equal([2.0, 2.0, 2.0], metrics.Where(m => m.Key == "groups_dropped").OrderBy(m => m.Step).Select(m => m.Value));
    }

    [Fact]
    public async Task Rl_HealthAlarm_FailsTheStep_NamingAlarmStepAndValues()
    {
        var init = await TinyCheckpoints.StoreAsync(_p);
        var yaml = Yaml(init).Replace("alarm_overlong_max: 0", "alarm_overlong_max: 0\n      alarm_entropy_min: 100\n      alarm_patience: 2");
        var d = await _p.RunAsync(yaml, timeout: TimeSpan.FromMinutes(3));
        var step = d.Steps.Single();
        Assert.Equal(StepStatus.Failed, step.Status);
        Assert.Contains("RL health alarm 'entropy collapse' at step 2", step.Error);
        Assert.Contains("1: ", step.Error);           // the recent values, by step
        Assert.Contains("alarm_entropy_min", step.Error); // and how to turn it off
    }

    [Fact]
    public async Task Rl_WorkerDiesMidRun_RetryResumesFromTheSavedStep_AndTheCounterAdvances()
    {
        var init = await TinyCheckpoints.StoreAsync(_p);
        var run = await _p.StartAsync(Yaml(init, steps: 30));
        // wait for the first resumable state (step 2), then make the live attempt look like a dead worker's
        var until = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (true)
        {
            await using var db = _p.Get<DatabaseFactory>().Create();
            if (await db.Artifacts.AnyAsync(a => a.RunId == run.Id && a.StepId == "rl" && a.Name == "resume")) break;
            Assert.True(DateTime.UtcNow < until, "no resume state was saved");
            await Task.Delay(50);
        }
        await using (var db = _p.Get<DatabaseFactory>().Create())
            await db.StepRuns.Where(s => s.RunId == run.Id && s.StepId == "rl")
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.AttemptToken, "dead-worker").SetProperty(s => s.HeartbeatAt, DateTime.UtcNow.AddMinutes(-5)));

        var d = await _p.WaitAsync(run.Id, TimeSpan.FromMinutes(4));
        var step = d.Steps.Single();
        Assert.True(step.Status == StepStatus.Succeeded, step.Error);
        Assert.Equal(2, step.Attempt);
        var outputs = TinyCheckpoints.Outputs(d, "rl");
        var resumedFrom = outputs["resumed_from"]!.GetValue<long>();
        Assert.True(resumedFrom >= 2 && resumedFrom % 2 == 0, $"resumed from {resumedFrom}");
        Assert.Equal(30, outputs["steps"]!.GetValue<long>());
        await using var check = _p.Get<DatabaseFactory>().Create();
        var logs = await check.StepLogs.Where(l => l.RunId == run.Id && l.Attempt == 2).Select(l => l.Message).ToListAsync();
        Assert.Contains(logs, m => m.Contains($"resuming from step {resumedFrom} of 30"));
        var rewardSteps = await check.Metrics.Where(m => m.RunId == run.Id && m.Key == "reward").Select(m => m.Step).ToListAsync();
        Assert.Equal(Enumerable.Range(1, 30).Select(i => (long)i), rewardSteps.Order()); // every step once: none skipped, none doubled
    }
}
