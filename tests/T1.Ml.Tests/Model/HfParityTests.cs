using T1.Ml.Checkpoints;
using Xunit.Abstractions;
using T1.Ml.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace T1.Ml.Tests.Model;

/// <summary>
/// Logits of models loaded from Hugging Face folders (random weights, written by <see cref="SyntheticHfModel"/>)
/// against an independent PyTorch implementation written from transformers' modeling_qwen2.py
/// (bench/py/qwen2_reference.py): grouped-query and full attention, q/k/v biases and none, tied and untied
/// embeddings, rope_theta 1e6 and 1e4, linear and yarn rope_scaling, fp32 and bf16 storage, several lengths,
/// and a left-padded batch with Hugging Face's attention mask and position ids. Weights are drawn large
/// enough (std 0.15 on width 64, biases 0.5) that attention is far from uniform and logits are O(1).
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class HfParityTests(HfParityTests.Reference reference, ITestOutputHelper output) : IClassFixture<HfParityTests.Reference>
{
    public const double Tolerance = 1e-4;

    private static readonly ModelConfig Base = new()
    {
        VocabSize = 96, HiddenSize = 64, NumLayers = 2, NumHeads = 4, NumKvHeads = 2, IntermediateSize = 128,
        MaxPositions = 128, RopeTheta = 1e6, RmsNormEps = 1e-6, TieEmbeddings = true, AttentionBias = true,
    };

    private static readonly Dictionary<string, (ModelConfig Config, ScalarType Dtype)> Models = new()
    {
        ["gqa-bias-tied"] = (Base, ScalarType.Float32),
        ["mha-untied-bf16"] = (Base with { NumKvHeads = 4, TieEmbeddings = false }, ScalarType.BFloat16),
        ["gqa8to1-untied-theta1e4"] = (Base with { NumHeads = 8, NumKvHeads = 1, TieEmbeddings = false, RopeTheta = 1e4 }, ScalarType.Float32),
        ["no-bias"] = (Base with { AttentionBias = false }, ScalarType.Float32),
        ["yarn"] = (Base with { MaxPositions = 64, RopeScaling = new RopeScaling { Type = "yarn", Factor = 4, OriginalMaxPositions = 16 } }, ScalarType.Float32),
        ["linear"] = (Base with { RopeScaling = new RopeScaling { Type = "linear", Factor = 2, OriginalMaxPositions = 64 } }, ScalarType.Float32),
    };

    /// <summary>Case name → (model, rows of ids, lengths of the real tokens at each row's end: left padding).</summary>
    private static readonly Dictionary<string, (string Model, int Rows, int T, int[]? Lengths)> Cases = new()
    {
        ["gqa-bias-tied T=1"] = ("gqa-bias-tied", 2, 1, null),
        ["gqa-bias-tied T=7"] = ("gqa-bias-tied", 2, 7, null),
        ["gqa-bias-tied T=100"] = ("gqa-bias-tied", 1, 100, null),
        ["gqa-bias-tied left-padded"] = ("gqa-bias-tied", 4, 13, [13, 6, 1, 9]),
        ["mha-untied-bf16 T=23"] = ("mha-untied-bf16", 2, 23, null),
        ["mha-untied-bf16 left-padded"] = ("mha-untied-bf16", 3, 11, [3, 11, 8]),
        ["gqa8to1-untied-theta1e4 T=40"] = ("gqa8to1-untied-theta1e4", 2, 40, null),
        ["no-bias T=17"] = ("no-bias", 2, 17, null),
        ["yarn T=60"] = ("yarn", 2, 60, null),
        ["yarn left-padded"] = ("yarn", 2, 50, [50, 20]),
        ["linear T=30"] = ("linear", 2, 30, null),
    };

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Logits_MatchThePyTorchReference(string name)
    {
        var (model, ids, mask) = reference.Inputs[name];
        using var loaded = Checkpoint.Load(reference.Folders[model], torch.CPU);
        var diff = MaxDiffAtRealTokens(loaded.Model, ids, mask, reference.Logits[name]);
        output.WriteLine($"{name}: max |diff| {diff:E2}, max |logit| {reference.Logits[name].abs().max().item<float>():F2}");
        Assert.True(diff <= Tolerance, $"{name}: max |logits - reference| = {diff:E2} at real tokens (tolerance {Tolerance:E0})");
        Assert.True(reference.Logits[name].abs().max().item<float>() > 1f, $"{name}: reference logits are too small to make the comparison meaningful");
    }

    [Theory]
    [InlineData("gqa-bias-tied left-padded", 4)]
    [InlineData("mha-untied-bf16 left-padded", 3)]
    [InlineData("yarn left-padded", 5)]
    public void CachedDecoding_GivesTheReferenceLogits_AtEachStep(string name, int steps)
    {
        // As generation runs: prefill all but the last columns with the KV cache, then one column a step.
        var (model, ids, mask) = reference.Inputs[name];
        using var loaded = Checkpoint.Load(reference.Folders[model], torch.CPU);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var x = tensor(ids.SelectMany(r => r).ToArray()).view(ids.Length, -1);
        var real = tensor(mask.SelectMany(r => r).ToArray()).view(ids.Length, -1).to(ScalarType.Bool);
        long B = x.shape[0], T = x.shape[1], prefill = T - steps;
        using var cache = loaded.Model.NewCache(B, (int)T);
        var pieces = new List<Tensor> { loaded.Model.Forward(x.narrow(1, 0, prefill), cache, real.narrow(1, 0, prefill)) };
        for (long t = prefill; t < T; t++)
            pieces.Add(loaded.Model.Forward(x.narrow(1, t, 1), cache, real.narrow(1, t, 1)));
        var logits = cat(pieces, dim: 1); // (B, T, V)
        var diff = (logits - reference.Logits[name]).abs().amax(-1).masked_select(real).max().item<float>();
        output.WriteLine($"{name}, cached ({prefill} + {steps} × 1): max |diff| {diff:E2}");
        Assert.True(diff <= Tolerance, $"{name} with the KV cache: max |logits - reference| = {diff:E2} at real tokens (tolerance {Tolerance:E0})");
    }

    [Fact]
    public void Comparison_DetectsAWrongRopeTheta_IgnoredRopeScaling_AndIgnoredPadding()
    {
        var (model, ids, mask) = reference.Inputs["gqa-bias-tied T=100"];
        using (var loaded = Checkpoint.Load(reference.Folders[model], torch.CPU))
        using (var wrongTheta = DecoderLM.Create(loaded.Model.Config with { RopeTheta = 1e4 }, torch.CPU))
        {
            Checkpoint.LoadWeights(reference.Folders[model], wrongTheta);
            Assert.True(MaxDiffAtRealTokens(wrongTheta, ids, mask, reference.Logits["gqa-bias-tied T=100"]) > 100 * Tolerance);
        }
        (model, ids, mask) = reference.Inputs["yarn T=60"];
        using (var loaded = Checkpoint.Load(reference.Folders[model], torch.CPU))
        using (var unscaled = DecoderLM.Create(loaded.Model.Config with { RopeScaling = null }, torch.CPU))
        {
            Checkpoint.LoadWeights(reference.Folders[model], unscaled);
            Assert.True(MaxDiffAtRealTokens(unscaled, ids, mask, reference.Logits["yarn T=60"]) > 100 * Tolerance);
        }
        (model, ids, mask) = reference.Inputs["gqa-bias-tied left-padded"];
        using var padded = Checkpoint.Load(reference.Folders[model], torch.CPU);
        using var _ = no_grad();
        var ignoringMask = padded.Model.forward(tensor(ids.SelectMany(r => r).ToArray()).view(ids.Length, -1));
        var real = tensor(mask.SelectMany(r => r).ToArray()).view(ids.Length, -1).to(ScalarType.Bool);
        var diff = (ignoringMask - reference.Logits["gqa-bias-tied left-padded"]).abs().amax(-1).masked_select(real).max().item<float>();
        Assert.True(diff > 100 * Tolerance);
    }

    private static double MaxDiffAtRealTokens(DecoderLM model, long[][] ids, long[][] mask, Tensor expected)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var x = tensor(ids.SelectMany(r => r).ToArray()).view(ids.Length, -1);
        var real = tensor(mask.SelectMany(r => r).ToArray()).view(ids.Length, -1).to(ScalarType.Bool);
        bool padded = !real.all().item<bool>();
        var logits = padded ? model.Forward(x, valid: real) : model.forward(x); // (B, T, V)
        return (logits - expected).abs().amax(-1).masked_select(real).max().item<float>();
    }

    /// <summary>Writes every model folder and input once, and runs the Python reference once for all cases.</summary>
    public sealed class Reference : IDisposable
    {
        private readonly string _root = Directory.CreateTempSubdirectory("t1-parity-").FullName;

        public Reference()
        {
            int seed = 100;
            foreach (var (name, (config, dtype)) in Models)
            {
                var dir = Path.Combine(_root, name);
                SyntheticHfModel.Write(dir, config, new SyntheticWeights { Seed = seed++, Dtype = dtype, Std = 0.15, BiasStd = 0.5, NormJitter = 0.2 });
                Folders[name] = dir;
            }
            var random = new Random(7);
            foreach (var (name, (model, rows, t, lengths)) in Cases)
            {
                var ids = new long[rows][];
                var mask = new long[rows][];
                for (int r = 0; r < rows; r++)
                {
                    int real = lengths?[r] ?? t;
                    ids[r] = Enumerable.Range(0, t).Select(i => i < t - real ? 0L : random.Next(1, Base.VocabSize)).ToArray();
                    mask[r] = Enumerable.Range(0, t).Select(i => i < t - real ? 0L : 1L).ToArray();
                }
                Inputs[name] = (model, ids, mask);
            }
            var names = Cases.Keys.ToList();
            var logits = PyTorchReference.Logits(_root, names.Select(n => (Folders[Inputs[n].Model], Inputs[n].Ids, Inputs[n].Mask)).ToList());
            for (int i = 0; i < names.Count; i++) Logits[names[i]] = logits[i];
        }

        public Dictionary<string, string> Folders { get; } = [];

        public Dictionary<string, (string Model, long[][] Ids, long[][] Mask)> Inputs { get; } = [];

        public Dictionary<string, Tensor> Logits { get; } = [];

        public void Dispose()
        {
            foreach (var t in Logits.Values) t.Dispose();
            Directory.Delete(_root, recursive: true);
        }
    }
}
