using System.Text.Json.Nodes;
using T1.Ml.Checkpoints;
using T1.Ml.Model;
using T1.Ml.Sampling;
using T1.Ml.Tests.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace T1.Ml.Tests.Checkpoints;

/// <summary>bfloat16 models: checkpoints in the Hugging Face dtype convention, float32 master weights, decoding.</summary>
[Collection(TorchCollection.Name)]
public sealed class Bf16Tests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("t1-bf16-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Bf16Checkpoint_RoundTrips_WithTorchDtypeBfloat16_AndBf16Tensors()
    {
        torch.manual_seed(41);
        using var m = DecoderLM.Create(TestConfigs.Micro(tied: false), CPU, ScalarType.BFloat16);
        Assert.All(m.parameters(), p => Assert.Equal(ScalarType.BFloat16, p.dtype));
        var dir = Path.Combine(_root, "bf16");
        Checkpoint.Save(dir, m);
        Assert.Equal("bfloat16", (string?)JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "config.json")))!["torch_dtype"]);
        Assert.All(Safetensors.ReadIndex(Path.Combine(dir, "model.safetensors")), e => Assert.Equal(ScalarType.BFloat16, e.Dtype));

        using var _ = no_grad();
        var ids = tensor(new long[,] { { 1, 5, 9, 2, 7 } });
        using var same = Checkpoint.Load(dir, CPU, ScalarType.BFloat16);
        Assert.True((m.forward(ids) == same.Model.forward(ids)).all().item<bool>());
        using var wide = Checkpoint.Load(dir, CPU); // float32 by default: the bf16 values, widened
        Assert.Equal(ScalarType.Float32, wide.Model.Dtype);
        var sm = m.state_dict();
        foreach (var (name, p) in wide.Model.state_dict()) Assert.True((p == sm[name].to(float32)).all().item<bool>(), name);
        Checkpoint.Save(Path.Combine(_root, "fp32"), wide.Model);
        Assert.Equal("float32", (string?)JsonNode.Parse(File.ReadAllText(Path.Combine(_root, "fp32", "config.json")))!["torch_dtype"]);
    }

    [Fact]
    public void Bf16Model_TrainsWithFloat32MasterWeights_AndResumesExactly()
    {
        var cfg = TestConfigs.Micro();
        torch.manual_seed(42);
        using var a = DecoderLM.Create(cfg, CPU, ScalarType.BFloat16);
        using var optA = a.CreateAdamW(lr: 1e-2, weightDecay: 0.1);
        var masters = Assert.IsType<MasterWeightsAdamW>(optA);
        float first = TrainStep(a, optA);
        for (int i = 0; i < 2; i++) TrainStep(a, optA);
        Assert.All(a.parameters(), p => Assert.Equal(ScalarType.BFloat16, p.dtype));
        var dir = Path.Combine(_root, "resume");
        Checkpoint.Save(dir, a, state: new TrainerState { Step = 3 }, optimizer: optA);
        Assert.All(Safetensors.ReadIndex(Path.Combine(dir, MasterWeightsAdamW.MastersFile)), e => Assert.Equal(ScalarType.Float32, e.Dtype));
        float last = 0;
        for (int i = 0; i < 12; i++) last = TrainStep(a, optA); // the run that was never interrupted
        Assert.True(last < first * 0.85, $"loss {first} → {last}: bf16 training with float32 masters should learn");

        torch.manual_seed(999);
        using var b = DecoderLM.Create(cfg, CPU, ScalarType.BFloat16);
        using var optB = b.CreateAdamW(lr: 1e-2, weightDecay: 0.1);
        Checkpoint.Resume(dir, b, optB);
        for (int i = 0; i < 12; i++) TrainStep(b, optB);
        var sa = a.state_dict();
        foreach (var (name, p) in b.state_dict()) Assert.True((p == sa[name]).all().item<bool>(), name);
        GC.KeepAlive(masters);
    }

    [Fact]
    public void Bf16Model_Samples_WithABf16Cache()
    {
        torch.manual_seed(43);
        using var m = DecoderLM.Create(TestConfigs.Micro(), CPU, ScalarType.BFloat16);
        using (no_grad())
        {
            using var cache = m.NewCache(1, 16);
            m.Forward(ones([1, 3], dtype: int64), cache);
            Assert.Equal(ScalarType.BFloat16, cache.Keys[0].dtype);
        }
        var samples = new Sampler(m).Generate([[3, 9, 27], [8, 2]], new SamplingOptions { Temperature = 1.0, MaxNewTokens = 10, Seed = 1 });
        Assert.All(samples, s => Assert.Equal(10, s.Tokens.Count));
    }

    private static float TrainStep(DecoderLM m, optim.Optimizer opt)
    {
        using var scope = NewDisposeScope();
        var batch = randint(0, 8, [4, 9]); // a small alphabet: learnable in a few steps
        opt.zero_grad();
        var (logp, _) = TokenLogProbs.OfNextTokens(m, batch.narrow(1, 0, 8), batch.narrow(1, 1, 8));
        var loss = -logp.mean();
        loss.backward();
        opt.step();
        return loss.item<float>();
    }
}
