using T1.Ml.Checkpoints;
using T1.Ml.Compute;
using T1.Ml.Model;
using T1.Ml.Sampling;
using T1.Ml.Tasks;
using T1.Ml.Tokenization;
using T1.Ml.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace T1.Ml.Tests.Training;

[Collection(TorchCollection.Name)]
public sealed class SftTrainerTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("t1-sft-").FullName;
    private readonly int _threads = torch.get_num_threads();

    // One thread: these models are far too small to gain from two, and a loaded CI machine makes spinning
    // worker threads slow everything down (the collection runs torch tests one at a time).
    public SftTrainerTests() => torch.set_num_threads(1);

    public void Dispose()
    {
        torch.set_num_threads(_threads);
        Directory.Delete(_root, recursive: true);
    }

    /// <summary>
    /// A task a very small model learns in seconds yet has to generalise: repeat a 3-digit number in the
    /// answer format. Held-out numbers never occur in training.
    /// </summary>
    private static (List<SftExample> Train, List<(string Prompt, string Answer)> HeldOut) EchoTask()
    {
        var numbers = Enumerable.Range(100, 900).OrderBy(n => (n * 7919) % 900).ToList();
        SftExample Example(int n) => new($"Echo {n}.", $"<think>\n{n}\n</think>\nFinal answer: \\boxed{{{n}}}");
        return (numbers.Take(300).Select(Example).ToList(), numbers.Skip(880).Select(n => ($"Echo {n}.", n.ToString())).ToList());
    }

    private static ModelConfig Small(int vocab) => new()
    {
        VocabSize = vocab, HiddenSize = 64, NumLayers = 2, NumHeads = 4, NumKvHeads = 2, IntermediateSize = 128, MaxPositions = 64,
    };

    [Fact]
    public async Task Sft_LowersHeldOutLoss_AndRaisesGreedyHeldOutAccuracy()
    {
        var (train, heldOut) = EchoTask();
        var tokenizer = BpeTrainer.Train(train.SelectMany(e => new[] { ChatFormat.PromptText(e.Prompt), e.Response }), vocabSize: 300);
        torch.manual_seed(0);
        using var model = new DecoderLM(Small(tokenizer.VocabSize));
        var heldOutData = SftData.Encode(heldOut.Select(h => new SftExample(h.Prompt, $"<think>\n{h.Answer}\n</think>\nFinal answer: \\boxed{{{h.Answer}}}")), tokenizer, 64);
        double lossBefore = MeanLoss(model, heldOutData, tokenizer), accuracyBefore = Accuracy(model, tokenizer, heldOut);

        // lr 5e-3: at 1e-2 the echo task sometimes stalled half-learnt (45 % and 55 % in 2 of 16 seed × thread runs on an
        // AMD Zen 5 host, the test's own seed among them); at 5e-3, 16 such runs reached 80–100 % (2026-12-02).
        var options = new SftOptions { Epochs = 20, LearningRate = 5e-3, BatchSize = 16, WarmupSteps = 10, MaxLen = 64, SaveEvery = 0, LogEvery = 10 };
        var metrics = new List<SftMetrics>();
        var result = await new SftTrainer(model, tokenizer, options) { OnMetrics = metrics.Add }.TrainAsync(SftData.Encode(train, tokenizer, 64), _root);

        double lossAfter = MeanLoss(model, heldOutData, tokenizer), accuracyAfter = Accuracy(model, tokenizer, heldOut);
        Assert.True(lossAfter < lossBefore / 3, $"held-out loss {lossBefore:F3} → {lossAfter:F3}");
        Assert.True(accuracyAfter >= accuracyBefore + 0.5, $"held-out greedy accuracy {accuracyBefore:P0} → {accuracyAfter:P0}");
        Assert.Equal(380, result.Steps); // 20 epochs × ⌈300 / 16⌉
        Assert.Equal(result.Steps, metrics[^1].Step);
        Assert.All(metrics, m => Assert.True(double.IsFinite(m.Loss) && m.GradNorm > 0 && m.TokensPerSecond > 0 && m.LearningRate > 0));
        Assert.Equal(20.0, metrics[^1].Epoch, 6);

        // The final checkpoint loads with its tokenizer, as the rl and evaluate steps will load it.
        using var loaded = Checkpoint.Load(result.CheckpointDirectory, CPU);
        Assert.Equal(tokenizer.Encode("Echo 123.\n"), loaded.Tokenizer!.Encode("Echo 123.\n"));
        Assert.Equal(380, loaded.TrainerState!.Step);
        Assert.Equal(accuracyAfter, Accuracy(loaded.Model, loaded.Tokenizer, heldOut));
    }

    [Fact]
    public async Task Resume_ContinuesFromSavedStep_WithTheSameLossCurve_WhenTheRunWasKilled()
    {
        var (train, _) = EchoTask();
        var tokenizer = BpeTrainer.Train(train.SelectMany(e => new[] { ChatFormat.PromptText(e.Prompt), e.Response }), vocabSize: 300);
        var data = SftData.Encode(train.Take(60), tokenizer, 64);
        // 3 epochs × ⌈60 / 8⌉ = 24 micro-batches, 2 per step: 12 steps; state saved at 4 and 8.
        var options = new SftOptions { Epochs = 3, LearningRate = 3e-3, BatchSize = 8, GradAccum = 2, WarmupSteps = 3, MaxLen = 64, SaveEvery = 4, LogEvery = 1, Seed = 7 };

        async Task<(Dictionary<long, double> Losses, SftResult? Result, DecoderLM Model)> Run(string dir, int initSeed, long? killAfterSave = null, string? resumeFrom = null)
        {
            torch.manual_seed(initSeed);
            var model = new DecoderLM(Small(tokenizer.VocabSize));
            var losses = new Dictionary<long, double>();
            using var kill = new CancellationTokenSource();
            var trainer = new SftTrainer(model, tokenizer, options)
            {
                OnMetrics = m => losses.Add(m.Step, m.Loss),
                OnSaved = (saved, _) =>
                {
                    if (saved.Step == killAfterSave) kill.Cancel(); // the worker dies right after this save
                    return Task.CompletedTask;
                },
            };
            try { return (losses, await trainer.TrainAsync(data, dir, resumeFrom, kill.Token), model); }
            catch (OperationCanceledException) { return (losses, null, model); }
        }

        var (full, fullResult, fullModel) = await Run(Path.Combine(_root, "full"), initSeed: 1);
        var (killed, killedResult, killedModel) = await Run(Path.Combine(_root, "killed"), initSeed: 1, killAfterSave: 8);
        var saved = Path.Combine(_root, "killed", SftTrainer.ResumeFolder);
        var (resumed, resumedResult, resumedModel) = await Run(Path.Combine(_root, "resumed"), initSeed: 99, resumeFrom: saved);
        using var _1 = fullModel;
        using var _2 = killedModel;
        using var _3 = resumedModel;

        Assert.Null(killedResult);
        Assert.Equal(Enumerable.Range(1, 8).Select(i => (long)i), killed.Keys.Order()); // it stopped right after step 8
        Assert.Equal(8, Checkpoint.ReadTrainerState(saved)!.Step);
        Assert.Equal(16, Checkpoint.ReadTrainerState(saved)!.DataPosition); // micro-batches consumed
        Assert.Equal(8, resumedResult!.ResumedFromStep);
        Assert.Equal(Enumerable.Range(9, 4).Select(i => (long)i), resumed.Keys.Order()); // the step counter continued at 9
        Assert.Equal(12, resumedResult.Steps);
        for (long s = 1; s <= 8; s++) Assert.Equal(full[s], killed[s], 5);
        for (long s = 9; s <= 12; s++) Assert.True(Math.Abs(full[s] - resumed[s]) < 1e-5, $"step {s}: uninterrupted {full[s]}, resumed {resumed[s]}");
        var expected = fullModel.state_dict();
        foreach (var (name, p) in resumedModel.state_dict())
            Assert.True(p.allclose(expected[name], rtol: 1e-4, atol: 1e-6), name);
        Assert.Equal(fullResult!.FinalLoss, resumedResult.FinalLoss, 5);
    }

    [Fact]
    public async Task Resume_InsideAReportingWindow_LogsExactlyThePointsAnUninterruptedRunLogs()
    {
        var (train, _) = EchoTask();
        var tokenizer = BpeTrainer.Train(train.SelectMany(e => new[] { ChatFormat.PromptText(e.Prompt), e.Response }), vocabSize: 300);
        var data = SftData.Encode(train.Take(48), tokenizer, 64);
        // 2 epochs × 6 batches = 12 steps; reports at 3, 6, 9, 12; state saved at 4 and 8 — both inside a window.
        var options = new SftOptions { Epochs = 2, LearningRate = 3e-3, BatchSize = 8, WarmupSteps = 2, MaxLen = 64, SaveEvery = 4, LogEvery = 3, Seed = 3 };

        async Task<List<SftMetrics>> Run(string dir, long? killAfterSave = null, string? resumeFrom = null)
        {
            torch.manual_seed(5);
            using var model = new DecoderLM(Small(tokenizer.VocabSize));
            var reports = new List<SftMetrics>();
            using var kill = new CancellationTokenSource();
            var trainer = new SftTrainer(model, tokenizer, options)
            {
                OnMetrics = reports.Add,
                OnSaved = (saved, _) =>
                {
                    if (saved.Step == killAfterSave) kill.Cancel();
                    return Task.CompletedTask;
                },
            };
            try { await trainer.TrainAsync(data, dir, resumeFrom, kill.Token); }
            catch (OperationCanceledException) { }
            return reports;
        }

        var full = await Run(Path.Combine(_root, "w-full"));
        var killed = await Run(Path.Combine(_root, "w-killed"), killAfterSave: 4);
        var resumed = await Run(Path.Combine(_root, "w-resumed"), resumeFrom: Path.Combine(_root, "w-killed", SftTrainer.ResumeFolder));

        Assert.Equal([3L, 6, 9, 12], full.Select(m => m.Step));
        Assert.Equal([3L], killed.Select(m => m.Step));
        Assert.Equal([6L, 9, 12], resumed.Select(m => m.Step));
        foreach (var (a, b) in full.Skip(1).Zip(resumed))
        {
            Assert.True(Math.Abs(a.Loss - b.Loss) < 1e-5, $"loss at step {a.Step}: uninterrupted {a.Loss}, resumed {b.Loss}");
            Assert.True(Math.Abs(a.GradNorm - b.GradNorm) < 1e-4 * Math.Max(1, a.GradNorm), $"grad_norm at step {a.Step}: uninterrupted {a.GradNorm}, resumed {b.GradNorm}");
        }
    }

    [Fact]
    public async Task Resume_FromADifferentRun_IsRefusedWithAReason()
    {
        var (train, _) = EchoTask();
        var tokenizer = BpeTrainer.Train(train.Select(e => e.Prompt + e.Response), vocabSize: 300);
        var options = new SftOptions { Epochs = 1, BatchSize = 8, MaxLen = 64, SaveEvery = 2 };
        using var model = new DecoderLM(Small(tokenizer.VocabSize));
        await new SftTrainer(model, tokenizer, options).TrainAsync(SftData.Encode(train.Take(40), tokenizer, 64), _root);
        var other = new SftTrainer(model, tokenizer, options with { BatchSize = 4 });
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            other.TrainAsync(SftData.Encode(train.Take(40), tokenizer, 64), Path.Combine(_root, "b"), Path.Combine(_root, SftTrainer.ResumeFolder)));
        Assert.Contains("batches_per_epoch", e.Message);
        Assert.Contains("start without resume", e.Message);
    }

    [Theory]
    [InlineData("epochs", "epochs must be at least 1, got 0")]
    [InlineData("lr", "lr must be in (0, 1], got 0; 1e-3 to 3e-3 suits the tiny preset")]
    [InlineData("batch_size", "batch_size must be at least 1, got 0")]
    [InlineData("max_len", "max_len must be at least 2, got 1")]
    public void Options_NameTheBadInput(string input, string message)
    {
        var o = input switch
        {
            "epochs" => new SftOptions { Epochs = 0 },
            "lr" => new SftOptions { LearningRate = 0 },
            "batch_size" => new SftOptions { BatchSize = 0 },
            _ => new SftOptions { MaxLen = 1 },
        };
        Assert.Equal(message, Assert.Throws<ArgumentException>(() => o.Validate()).Message);
    }

    [Fact]
    public void Encode_DropsExamplesLongerThanMaxLen_AndCountsThem_SoNoneLosesItsEndOfText()
    {
        var tokenizer = BpeTrainer.Train(["Echo 1.\n<think>\n1\n</think>"], vocabSize: 270);
        var data = SftData.Encode([new SftExample("Echo 1.", "short"), new SftExample("Echo 2.", new string('x', 100)), new SftExample(new string('y', 40), "z")], tokenizer, 30);
        Assert.Equal(2, data.TooLong);
        var kept = Assert.Single(data.Examples);
        Assert.Equal(tokenizer.Special.EndOfText, kept.Ids[^1]); // every kept example ends with its end-of-text target
        Assert.Equal(ChatFormat.EncodeExample(tokenizer, "Echo 1.", "short").Ids, kept.Ids);
    }

    [Fact]
    public void ReadJsonl_TakesPromptAndResponse_AndNamesTheBadLine()
    {
        var rows = SftExample.ReadJsonl(new StringReader("{\"prompt\":\"p\",\"response\":\"r\",\"answer\":\"1\"}\n\n{\"prompt\":\"q\",\"response\":\"s\"}\n")).ToList();
        Assert.Equal([new SftExample("p", "r"), new SftExample("q", "s")], rows);
        var e = Assert.Throws<FormatException>(() => SftExample.ReadJsonl(new StringReader("{\"prompt\":\"p\",\"response\":\"r\"}\n{\"prompt\":\"p\",\"text\":\"r\"}")).ToList());
        Assert.Equal("line 2: \"response\" is missing or not a non-empty string (fields: prompt, text)", e.Message);
    }

    private static double MeanLoss(DecoderLM model, SftData data, ITextTokenizer tokenizer)
    {
        using var _ = no_grad();
        using var batch = SftBatch.Collate(data.Examples, tokenizer.Special.Pad, CPU);
        return TensorValues.Float(SftLoss.Sum(model.forward(batch.Inputs), batch.Targets, batch.Mask)) / batch.TargetTokens;
    }

    private static double Accuracy(DecoderLM model, ITextTokenizer tokenizer, List<(string Prompt, string Answer)> problems)
    {
        var sampler = new Sampler(model, tokenizer);
        var outputs = sampler.Generate(problems.Select(p => (IReadOnlyList<int>)ChatFormat.EncodePrompt(tokenizer, p.Prompt)).ToList(),
            new SamplingOptions { Temperature = 0, MaxNewTokens = 24 });
        return problems.Zip(outputs).Count(x => ResponseGrader.Grade(
            new Problem("echo", TaskRegistry.Jsonl, x.First.Prompt, x.First.Answer, 0, new Dictionary<string, string>()),
            ResponseGrader.Text(tokenizer, x.Second.Tokens)).IsCorrect) / (double)problems.Count;
    }
}
