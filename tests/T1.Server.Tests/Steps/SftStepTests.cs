using Microsoft.EntityFrameworkCore;
using T1.Ml.Checkpoints;
using T1.Server.Tests.Platform;
using T1.Storage.Database;
using T1.Workflows.Engine;
using T1.Workflows.Steps;
using TorchSharp;

namespace T1.Server.Tests.Steps;

/// <summary>The `sft` step inside a real run: synthesize → sft, a loadable checkpoint artifact, metrics, resume after a dead worker.</summary>
public sealed class SftStepTests : IAsyncLifetime
{
    private PlatformHarness _p = null!;

    public async Task InitializeAsync() => _p = await PlatformHarness.StartAsync();
    public async Task DisposeAsync() => await _p.DisposeAsync();

    private static string Workflow(string sftWith, string model = "tiny") => $$$"""
        name: sft
        steps:
          - id: synth
            uses: synthesize
            with: { task: arithmetic, count: 40, seed: 1 }
          - id: sft
            uses: sft
            needs: [synth]
            with: { dataset: "${{ steps.synth.outputs.dataset }}", model: {{{model}}}, batch_size: 8, lr: 0.002, warmup: 2, vocab_size: 300, device: cpu, {{{sftWith}}} }
        """;

    [Fact]
    public async Task Sft_AfterSynthesize_StoresALoadableCheckpoint_AndLogsTrainingMetrics()
    {
        var d = await _p.RunAsync(Workflow("epochs: 2, save_every: 0"), timeout: TimeSpan.FromMinutes(4));
        var step = d.Steps.Single(s => s.StepId == "sft");
        Assert.True(d.Run.Status == RunStatus.Succeeded, step.Error);

        var artifact = d.Artifacts.Single(a => a.StepId == "sft" && a.Name == "checkpoint");
        var dir = await _p.Get<ArtifactCache>().GetLocalPathAsync(new ArtifactRef(artifact.Sha256), CancellationToken.None);
        using (var loaded = Checkpoint.Load(dir, torch.CPU))
        {
            Assert.Equal(128, loaded.Model.Config.HiddenSize); // the tiny preset
            Assert.NotNull(loaded.Tokenizer);
            Assert.Equal(loaded.Tokenizer!.VocabSize, loaded.Model.Config.VocabSize);
            Assert.Equal(10, loaded.TrainerState!.Step); // 2 epochs × ⌈40 / 8⌉
        }
        Assert.DoesNotContain(d.Artifacts, a => a.StepId == "sft" && a.Name == "resume"); // save_every: 0

        var metrics = await _p.Get<RunQueries>().MetricsAsync(d.Run.Id, "sft");
        foreach (var key in new[] { "loss", "lr", "grad_norm", "tokens_per_s", "epoch" })
            Assert.Contains(metrics, m => m.Key == key && m.Step == 10 && double.IsFinite(m.Value));
        var losses = metrics.Where(m => m.Key == "loss").OrderBy(m => m.Step).Select(m => m.Value).ToList();
        Assert.True(losses[^1] < losses[0], $"loss {losses[0]} → {losses[^1]}");
        Assert.Equal(2.0, metrics.Single(m => m.Key == "epoch" && m.Step == 10).Value, 6);
    }

    [Fact]
    public async Task Sft_ResumesFromItsSavedState_WhenTheWorkerDiedMidTraining()
    {
        var run = await _p.StartAsync(Workflow("epochs: 12, save_every: 3"));
        // Wait for the first resumable state, then make the attempt look like its worker died (as in
        // EngineTests.DeadAttempt_…): the fence moves away and the heartbeat ages, so recovery re-runs the step.
        var until = DateTime.UtcNow.AddMinutes(3);
        while (true)
        {
            await using var db = _p.Get<DatabaseFactory>().Create();
            if (await db.Artifacts.AnyAsync(a => a.RunId == run.Id && a.StepId == "sft" && a.Name == "resume")) break;
            Assert.True(DateTime.UtcNow < until, "no resume state was ever stored");
            await Task.Delay(20);
        }
        await using (var db = _p.Get<DatabaseFactory>().Create())
            await db.StepRuns.Where(s => s.RunId == run.Id && s.StepId == "sft")
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.AttemptToken, "dead-worker").SetProperty(s => s.HeartbeatAt, DateTime.UtcNow.AddMinutes(-5)));

        var d = await _p.WaitAsync(run.Id, TimeSpan.FromMinutes(5));
        var step = d.Steps.Single(s => s.StepId == "sft");
        Assert.True(d.Run.Status == RunStatus.Succeeded, step.Error);
        Assert.Equal(2, step.Attempt);
        var logs = await _p.Get<RunQueries>().LogsAsync(run.Id, "sft");
        var resumed = logs.Single(l => l.Attempt == 2 && l.Message.StartsWith("resuming from step", StringComparison.Ordinal)).Message;
        var from = int.Parse(resumed.Split(' ')[3]);
        Assert.True(from >= 3 && from % 3 == 0 && from < 60, resumed); // a saved step, not a fresh start
        Assert.Contains(logs, l => l.Attempt == 2 && l.Message.Contains($"(resumed at {from})", StringComparison.Ordinal));

        var artifact = d.Artifacts.Single(a => a.StepId == "sft" && a.Name == "checkpoint");
        var dir = await _p.Get<ArtifactCache>().GetLocalPathAsync(new ArtifactRef(artifact.Sha256), CancellationToken.None);
        Assert.Equal(60, Checkpoint.ReadTrainerState(dir)!.Step); // 12 epochs × ⌈40 / 8⌉: the run finished its schedule
    }

    [Fact]
    public async Task Sft_FromAModelFolderOnDisk_StartsFromItsWeightsAndTokenizer()
    {
        var first = await _p.RunAsync(Workflow("epochs: 1, save_every: 0"), timeout: TimeSpan.FromMinutes(3));
        Assert.Equal(RunStatus.Succeeded, first.Run.Status);
        var artifact = first.Artifacts.Single(a => a.StepId == "sft" && a.Name == "checkpoint");
        var cached = await _p.Get<ArtifactCache>().GetLocalPathAsync(new ArtifactRef(artifact.Sha256), CancellationToken.None);
        var folder = Path.Combine(_p.Directory, "models", "my-model"); // as a downloaded Hugging Face folder would be
        Directory.CreateDirectory(folder);
        foreach (var f in Directory.GetFiles(cached)) File.Copy(f, Path.Combine(folder, Path.GetFileName(f)));

        var d = await _p.RunAsync(Workflow("epochs: 1, save_every: 0", model: folder), timeout: TimeSpan.FromMinutes(3));
        var step = d.Steps.Single(s => s.StepId == "sft");
        Assert.True(d.Run.Status == RunStatus.Succeeded, step.Error);
        var logs = await _p.Get<RunQueries>().LogsAsync(d.Run.Id, "sft");
        Assert.Contains(logs, l => l.Message.Contains("local model folder", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("huge", "epochs: 1", "model 'huge' is neither a preset (tiny, small), a checkpoint artifact")]
    [InlineData("tiny", "epochs: 1, max_len: 4096", "max_len 4096 exceeds the model's 512 positions; lower max_len.")]
    public async Task Sft_WithBadInputs_FailsWithAnActionableMessage(string model, string with, string message)
    {
        var d = await _p.RunAsync(Workflow(with, model), timeout: TimeSpan.FromMinutes(3));
        var step = d.Steps.Single(s => s.StepId == "sft");
        Assert.Equal(StepStatus.Failed, step.Status);
        Assert.Contains(message, step.Error);
    }

    [Fact]
    public async Task Sft_OnADatasetThatIsNotJsonl_SaysWhichLineAndWhatItNeeds()
    {
        var d = await _p.RunAsync("""
            name: sft-bad-data
            steps:
              - id: text
                uses: echo
                with: { message: "just words" }
              - id: sft
                uses: sft
                needs: [text]
                with: { dataset: "${{ steps.text.outputs.file }}", device: cpu }
            """, timeout: TimeSpan.FromMinutes(2));
        var step = d.Steps.Single(s => s.StepId == "sft");
        Assert.Equal(StepStatus.Failed, step.Status);
        Assert.Contains("line 1: not valid JSON", step.Error);
        Assert.Contains("Each line must be a JSON object with prompt and response strings", step.Error);
    }
}
