using T1.Ml.Model;
using T1.Ml.Sampling;
using T1.Ml.Tests.Model;
using T1.Ml.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace T1.Ml.Tests.Sampling;

/// <summary>
/// The managed CPU decode step (<see cref="CpuDecodeStep"/>) against libtorch's forward on the same weights and KV cache
/// layout: the same greedy tokens and logits within float rounding, for GQA and full attention, tied and untied output,
/// with and without q/k/v biases, left-padded rows and rows leaving the batch; and the serving engine with and without it.
/// </summary>
[Collection(TorchCollection.Name)]
public class CpuDecodeStepTests
{
    /// <summary>Agreement of float32 results summed in another order: relative to the largest magnitude (at least 1).</summary>
    private const float Tolerance = 1e-4f;

    public static TheoryData<string> Configs => ["gqa-tied-bias", "mha-untied-nobias", "gqa-untied-yarn", "mha-wide-heads", "gqa-three-heads", "gqa-four-heads"];

    /// <summary>
    /// Configs for 16 rows: one whose widths are whole panels, one whose widths are not (partial panels, rows of odd
    /// length), one with heads of several SIMD vectors (two query heads a key/value head: <see cref="PairedAttention"/>),
    /// one with three query heads a key/value head (<see cref="GroupedAttention"/>).
    /// </summary>
    public static TheoryData<string> BatchConfigs => ["gqa-tied-bias", "gqa-odd-widths", "gqa-wide-heads", "gqa-three-heads"];

    private static ModelConfig Config(string name) => name switch
    {
        "gqa-tied-bias" => TestConfigs.Micro(tied: true) with { MaxPositions = 200 },
        "mha-untied-nobias" => TestConfigs.Micro(tied: false) with { NumKvHeads = 4, AttentionBias = false, MaxPositions = 200 },
        "gqa-untied-yarn" => TestConfigs.Micro(tied: false) with
        {
            MaxPositions = 256,
            RopeScaling = new RopeScaling { Type = "yarn", Factor = 4.0, OriginalMaxPositions = 64 },
        },
        "mha-wide-heads" => TestConfigs.Micro() with { HiddenSize = 64, NumHeads = 2, NumKvHeads = 2, MaxPositions = 200 }, // head width 32
        "gqa-wide-heads" => TestConfigs.Micro() with { HiddenSize = 64, NumHeads = 2, NumKvHeads = 1, MaxPositions = 200 },
        "gqa-three-heads" => TestConfigs.Micro() with { HiddenSize = 48, NumHeads = 6, NumKvHeads = 2, MaxPositions = 200 }, // GroupedAttention; 150 steps cross its blocks of 64
        "gqa-four-heads" => TestConfigs.Micro(tied: false) with { NumHeads = 4, NumKvHeads = 1, MaxPositions = 200 },
        "gqa-odd-widths" => TestConfigs.Micro(tied: false, vocab: 100) with { IntermediateSize = 60, MaxPositions = 200 },
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Configs))]
    public void Step_GivesLibtorchsGreedyTokensAndLogits_OverPaddedRowsThatLeave(string config) =>
        AssertParity(config, [[3, 9, 27, 4, 11, 2, 8], [8, 2], [5, 5, 6, 1, 40]], steps: 150, leaveAt: 60, keep: [0, 2]); // past the cache's first page of 128 slots

    /// <summary>
    /// 16 rows of 16 different prompt lengths (ragged: every row but the longest left-padded) go through the batched
    /// products (<see cref="CpuMatrix.PanelRowsFrom"/> rows and more); 13 left after some leave run as 12 panel rows and one
    /// row-major row.
    /// </summary>
    [Theory]
    [MemberData(nameof(BatchConfigs))]
    public void Step_AtBatch16_GivesLibtorchsGreedyTokensAndLogits_OverRaggedRows(string config)
    {
        var prompts = Enumerable.Range(0, 16).Select(r => (IReadOnlyList<int>)Enumerable.Range(0, 1 + (r * 7) % 16).Select(i => (r * 13 + i * 5 + 1) % 60).ToList()).ToList();
        AssertParity(config, prompts, steps: 40, leaveAt: 20, keep: [0, 1, 2, 4, 5, 6, 8, 9, 10, 11, 12, 14, 15]);
    }

    /// <summary>
    /// Greedy decode of <paramref name="prompts"/> by libtorch's forward and by the managed step side by side for
    /// <paramref name="steps"/> steps; after step <paramref name="leaveAt"/> only the rows <paramref name="keep"/> stay.
    /// Every step: the same tokens, logits, cache bookkeeping, keys and values.
    /// </summary>
    private static void AssertParity(string config, IReadOnlyList<IReadOnlyList<int>> prompts, int steps, int leaveAt, long[] keep)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        torch.manual_seed(31);
        using var m = new DecoderLM(Config(config));
        var c = m.Config;
        // Larger weights than at initialisation, so logits spread and a greedy choice is never a near tie; biases
        // (zero at initialisation) random, so that adding them is checked.
        foreach (var (name, p) in m.named_parameters()) (name.EndsWith(".bias") ? p.copy_(randn_like(p)) : p).mul_(8);
        var fast = CpuDecodeStep.TryCreate(m) ?? throw new InvalidOperationException("no fast path for a float32 CPU model");
        var (ids, valid) = BatchKv.LeftPad(prompts, 0, m.Device);
        using var torchCache = m.NewCache(prompts.Count, c.MaxPositions);
        using var fastCache = m.NewCache(prompts.Count, c.MaxPositions);
        var expected = m.Forward(ids, torchCache, valid, lastOnly: true).select(1, 0); // (b, V)
        var got = m.Forward(ids, fastCache, valid, lastOnly: true).select(1, 0);      // (b, V)
        for (int s = 0; s < steps; s++)
        {
            using var step = NewDisposeScope();
            var next = expected.argmax(-1); // (b)
            Assert.Equal(next.data<long>().ToArray(), got.argmax(-1).data<long>().ToArray());
            if (s == leaveAt)
            {
                torchCache.KeepRows(keep); // rows leave the batch
                fastCache.KeepRows(keep);
                next = next.index_select(0, tensor(keep));
            }
            expected = m.Forward(next.unsqueeze(1), torchCache, lastOnly: true).select(1, 0).MoveToOuterDisposeScope();
            got = fast.Step(fastCache, next.data<long>().ToArray()).MoveToOuterDisposeScope();
            Assert.Equal(expected.shape, got.shape);
            AssertClose(expected, got, $"step {s}: logits");
            Assert.Equal(torchCache.Length, fastCache.Length);
            Assert.Equal(torchCache.NextPositions.data<long>().ToArray(), fastCache.NextPositions.data<long>().ToArray());
            Assert.Equal(torchCache.KeyValid.data<bool>().ToArray(), fastCache.KeyValid.data<bool>().ToArray());
            for (int l = 0; l < c.NumLayers; l++)
            {
                AssertClose(torchCache.Keys[l], fastCache.Keys[l], $"step {s}: layer {l} keys");
                AssertClose(torchCache.Values[l], fastCache.Values[l], $"step {s}: layer {l} values");
            }
        }
    }

    private static void AssertClose(Tensor expected, Tensor got, string what)
    {
        float scale = Math.Max(1f, expected.abs().max().item<float>()), diff = (expected - got).abs().max().item<float>();
        Assert.True(diff <= Tolerance * scale, $"{what} differ by {diff} (largest magnitude {scale})");
    }

    [Fact]
    public void TryCreate_LeavesModelsItCannotRunToLibtorch()
    {
        using var bf16 = DecoderLM.Create(TestConfigs.Micro(), CPU, ScalarType.BFloat16);
        Assert.Null(CpuDecodeStep.TryCreate(bf16));
        using var tooLarge = new DecoderLM(ModelConfig.Small(vocabSize: 16384)); // ≈ 19 M parameters
        Assert.True(tooLarge.ParameterCount > CpuDecodeStep.MaxParameters);
        Assert.Null(CpuDecodeStep.TryCreate(tooLarge));
    }

    [Fact]
    public void Engine_GivesTheSameChoicesWithAndWithoutTheFastPath_UnderContinuousBatching()
    {
        var corpus = Enumerable.Range(0, 200).Select(i => $"Compute {i % 23}+{i % 7}.\n<think>\nTry: {i % 23}+{i % 7}={i % 23 + i % 7}.\n</think>\nFinal answer: \\boxed{{{i % 23 + i % 7}}}");
        var tok = BpeTrainer.Train(corpus, vocabSize: 300);
        var config = TestConfigs.Micro(vocab: tok.VocabSize) with { MaxPositions = 160 };
        DecodeEngine Engine(bool fast)
        {
            torch.manual_seed(32);
            var model = new DecoderLM(config);
            using (no_grad()) foreach (var p in model.parameters()) p.mul_(8);
            return new DecodeEngine(model, tok, new DecodeEngineOptions { CpuFastPath = fast }, fast ? "fast" : "torch");
        }
        var requests = new[]
        {
            new DecodeRequest { Prompt = tok.Encode("Compute 3+4.\n<think>\n"), Temperature = 0, MaxTokens = 120, IgnoreEos = true },
            new DecodeRequest { Prompt = tok.Encode("Compute 12+5.\n<think>\n"), Temperature = 0.9, Seed = 7, Choices = 3, MaxTokens = 60, LogProbs = true, TopLogProbs = 2 },
            new DecodeRequest { Prompt = tok.Encode("<think>\n"), Temperature = 0, MaxTokens = 40, Stop = ["+"] },
            new DecodeRequest { Prompt = tok.Encode("Compute 20+6.\n<think>\nTry:"), Temperature = 0, MaxTokens = 90, ThinkingBudget = 10, IgnoreEos = true },
        };
        using var withFast = Engine(fast: true);
        using var withTorch = Engine(fast: false);
        Assert.True(withFast.UsesCpuFastPath);
        Assert.False(withTorch.UsesCpuFastPath);
        var expected = Run(withTorch, requests);
        var got = Run(withFast, requests);
        Assert.True(withFast.Steps > 0);
        for (int i = 0; i < requests.Length; i++)
        {
            Assert.Equal(expected[i].Keys.Order(), got[i].Keys.Order());
            foreach (var (choice, (text, finish, logps)) in expected[i])
            {
                Assert.Equal(text, got[i][choice].Text);
                Assert.Equal(finish, got[i][choice].Finish);
                Assert.Equal(logps.Count, got[i][choice].LogProbs.Count);
                for (int t = 0; t < logps.Count; t++) Assert.InRange(got[i][choice].LogProbs[t], logps[t] - Tolerance, logps[t] + Tolerance);
            }
        }
    }

    /// <summary>Submits all requests at once (they batch together) and collects each choice's text, finish reason and log-probabilities.</summary>
    private static List<Dictionary<int, (string Text, string? Finish, List<float> LogProbs)>> Run(DecodeEngine engine, DecodeRequest[] requests)
    {
        var readers = requests.Select(engine.Submit).ToList();
        var results = new List<Dictionary<int, (string, string?, List<float>)>>();
        foreach (var reader in readers)
        {
            var choices = new Dictionary<int, (string Text, string? Finish, List<float> LogProbs)>();
            var read = Task.Run(async () =>
            {
                await foreach (var d in reader.ReadAllAsync())
                {
                    var (text, finish, logps) = choices.TryGetValue(d.Choice, out var v) ? v : ("", null, new List<float>());
                    logps.AddRange(d.LogProbs.Select(p => p.LogProb));
                    choices[d.Choice] = (text + d.Reasoning + "|" + d.Content, d.Finish ?? finish, logps);
                }
            });
            Assert.True(read.Wait(TimeSpan.FromMinutes(5)), "the engine did not finish a request within 5 minutes");
            results.Add(choices);
        }
        return results;
    }
}
