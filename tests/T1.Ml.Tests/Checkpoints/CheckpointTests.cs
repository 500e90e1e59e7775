using System.Text.Json.Nodes;
using T1.Ml.Checkpoints;
using T1.Ml.Model;
using T1.Ml.Tests.Model;
using T1.Ml.Tests.Tokenization;
using T1.Ml.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace T1.Ml.Tests.Checkpoints;

[Collection(TorchCollection.Name)]
public sealed class CheckpointTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("t1-ckpt-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void SaveThenLoad_GivesSameLogits_Tokenizer_AndTrainerState()
    {
        var tok = BpeTrainer.Train(BpeTextTokenizerTests.Corpus, vocabSize: 300);
        torch.manual_seed(11);
        using var m = new DecoderLM(TestConfigs.Micro(tied: false, vocab: tok.VocabSize));
        var dir = Path.Combine(_root, "ck");
        var extra = new JsonObject { ["anchor_refreshed_at"] = 40, ["note"] = "ema" };
        Checkpoint.Save(dir, m, tok, new TrainerState { Step = 7, DataPosition = 1234, Seed = 5, Extra = extra });
        Assert.True(File.Exists(Path.Combine(dir, "config.json")));
        Assert.True(File.Exists(Path.Combine(dir, "model.safetensors")));
        Assert.True(File.Exists(Path.Combine(dir, "vocab.json")));

        using var loaded = Checkpoint.Load(dir, torch.CPU);
        Assert.Equal(m.Config, loaded.Model.Config);
        using var _ = no_grad();
        var ids = tensor(tok.Encode("Answer: 47").Select(i => (long)i).ToArray()).unsqueeze(0);
        Assert.True(m.forward(ids).allclose(loaded.Model.forward(ids)));
        Assert.Equal(tok.Encode("x = 12\n"), loaded.Tokenizer!.Encode("x = 12\n"));
        Assert.Equal(7, loaded.TrainerState!.Step);
        Assert.Equal(1234, loaded.TrainerState.DataPosition);
        Assert.Equal(40, (int)loaded.TrainerState.Extra!["anchor_refreshed_at"]!);
        Assert.NotEmpty(loaded.TrainerState.RngState!);
    }

    [Fact]
    public void Resume_ContinuesExactlyAsIfNeverStopped()
    {
        var cfg = TestConfigs.Micro();
        torch.manual_seed(21);
        using var a = new DecoderLM(cfg);
        using var optA = a.CreateAdamW(lr: 1e-2, weightDecay: 0.1);
        for (int i = 0; i < 3; i++) TrainStep(a, optA);
        var dir = Path.Combine(_root, "resume");
        Checkpoint.Save(dir, a, state: new TrainerState { Step = 3 }, optimizer: optA);
        for (int i = 0; i < 2; i++) TrainStep(a, optA); // the run that was never interrupted

        torch.manual_seed(999); // a fresh worker: other weights, other RNG
        using var b = new DecoderLM(cfg);
        using var optB = b.CreateAdamW(lr: 1e-2, weightDecay: 0.1);
        var state = Checkpoint.Resume(dir, b, optB);
        Assert.Equal(3, state!.Step);
        for (int i = 0; i < 2; i++) TrainStep(b, optB);

        var sa = a.state_dict();
        foreach (var (name, p) in b.state_dict())
        {
            Assert.True(p.allclose(sa[name], rtol: 1e-5, atol: 1e-6), name);
        }
    }

    [Fact]
    public void Resume_WithoutTrainerState_ReturnsNull_AndLeavesTheModelAlone()
    {
        using var m = new DecoderLM(TestConfigs.Micro());
        var dir = Path.Combine(_root, "weights-only");
        Checkpoint.Save(dir, m);
        using var other = new DecoderLM(TestConfigs.Micro());
        var before = other.state_dict()["model.norm.weight"].clone();
        Assert.Null(Checkpoint.Resume(dir, other));
        Assert.True(other.state_dict()["model.norm.weight"].equal(before).all().item<bool>());
    }

    [Fact]
    public void SavingOverAnExistingCheckpoint_ReplacesIt_AndLeavesNoTemporaryFolders()
    {
        var dir = Path.Combine(_root, "same");
        using var first = new DecoderLM(TestConfigs.Micro());
        Checkpoint.Save(dir, first, state: new TrainerState { Step = 1 });
        using var second = new DecoderLM(TestConfigs.Micro() with { NumLayers = 1 });
        Checkpoint.Save(dir, second);
        Assert.Equal(1, Checkpoint.ReadConfig(dir).NumLayers);
        Assert.Null(Checkpoint.ReadTrainerState(dir)); // the old folder's files are gone, not merged
        Assert.Equal(new[] { "same" }, Directory.GetDirectories(_root).Select(Path.GetFileName));
    }

    [Fact]
    public void LoadingIntoTheWrongShape_NamesTheTensor()
    {
        using var m = new DecoderLM(TestConfigs.Micro());
        var dir = Path.Combine(_root, "shape");
        Checkpoint.Save(dir, m);
        using var wide = new DecoderLM(TestConfigs.Micro() with { IntermediateSize = 96 });
        var ex = Assert.Throws<InvalidDataException>(() => Checkpoint.LoadWeights(dir, wide));
        Assert.Contains("mlp.", ex.Message);
        Assert.Contains("[64, 32]", ex.Message);
    }

    private static void TrainStep(DecoderLM m, optim.Optimizer opt)
    {
        using var scope = NewDisposeScope();
        // Data drawn from torch's global RNG: resume must restore it to draw the same batch.
        var batch = randint(0, m.Config.VocabSize, [2, 9]);
        opt.zero_grad();
        var logits = m.forward(batch.narrow(1, 0, 8));
        nn.functional.cross_entropy(logits.reshape(-1, m.Config.VocabSize), batch.narrow(1, 1, 8).reshape(-1)).backward();
        opt.step();
    }
}
