using T1.Ml.Model;
using T1.Ml.Planning;

namespace T1.Ml.Tests.Planning;

public sealed class MemoryFormulasTests
{
    private static ModelConfig Qwen(int layers, int hidden, int heads, int kv, int intermediate, int vocab, bool tied) => new()
    {
        NumLayers = layers, HiddenSize = hidden, NumHeads = heads, NumKvHeads = kv, IntermediateSize = intermediate,
        VocabSize = vocab, TieEmbeddings = tied, AttentionBias = true, MaxPositions = 32768,
    };

    [Theory]
    // The parameter counts Hugging Face reports for the Qwen2.5 checkpoints of these shapes (DESIGN.md, "Public shapes").
    [InlineData(24, 896, 14, 2, 4864, 151936, true, 494_032_768L)]
    [InlineData(28, 1536, 12, 2, 8960, 151936, true, 1_543_714_304L)]
    [InlineData(28, 3584, 28, 4, 18944, 152064, false, 7_615_616_512L)]
    public void ParameterCount_MatchesTheQwen25Checkpoints(int l, int c, int h, int kv, int i, int v, bool tied, long expected) =>
        Assert.Equal(expected, MemoryFormulas.ParameterCount(Qwen(l, c, h, kv, i, v, tied)));

    [Fact]
    public void ParameterCount_EqualsTheBuiltModel_ForTheTinyPreset()
    {
        // 512·128 embedding + 4 × (49 408 attention + 196 608 MLP + 256 norms) + 128 final norm = 1 050 752
        Assert.Equal(1_050_752L, MemoryFormulas.ParameterCount(ModelConfig.Tiny(512)));
    }

    [Fact]
    public void KvCache_Is2LayersKvHeadsHeadDimPagedPositionsBytes_PlusOneLayerWhileGrowing()
    {
        var c = Qwen(28, 1536, 12, 2, 8960, 151936, true); // 1.5B: D = 128
        // 10 496 positions take 82 pages of 128 = 10 496 slots; 2 · (28 + 1) · 64 rows · 2 · 10 496 · 128 · 2 B (bf16) + the slot mask
        var part = MemoryFormulas.KvCache(c, 64, 10_496, PlanDtype.Bf16, "x");
        Assert.Equal(2L * 29 * 64 * 2 * 10_496 * 128 * 2 + 64L * 10_496, part.Bytes);
        Assert.Equal(MemoryComponent.KvCache, part.Component);
        // 130 positions take two pages
        Assert.Equal(2L * 29 * 1 * 2 * 256 * 128 * 4 + 256, MemoryFormulas.KvCache(c, 1, 130, PlanDtype.Fp32, "x").Bytes);
    }

    [Fact]
    public void Logits_AreChunked_NeverTheWholeTokensTimesVocabulary()
    {
        var c = Qwen(28, 1536, 12, 2, 8960, 151936, true);
        // chunk ⌊128 MiB / (4 · 151 936)⌋ = 220 positions; training adds V·C·(4 + 2) and the hidden gradient 8·10 496·C·2
        var part = MemoryFormulas.Logits(c, 8, 10_496, PlanDtype.Bf16, 4, training: true, "x", "y");
        Assert.Equal(4L * 220 * 151_936 * 4 + 151_936L * 1536 * 6 + 8L * 10_496 * 1536 * 2, part.Bytes);
        Assert.Equal(2L * 220 * 151_936 * 4, MemoryFormulas.Logits(c, 8, 10_496, PlanDtype.Bf16, 2, training: false, "x", "y").Bytes);
    }

    [Fact]
    public void GradCheckpoint_KeepsLayerInputsAndOneLayer()
    {
        var c = ModelConfig.Tiny(512); // C 128, I 512, H 4, D 32, L 4
        Assert.Equal((4L * (9 * 128 + 4 * 512 + 4) + 2 * 128 + 2 * 32) * 4, MemoryFormulas.SavedPerToken(c, PlanDtype.Fp32, checkpointed: false));
        Assert.Equal((4L * 128 + (9 * 128 + 4 * 512 + 4) + 2 * 128 + 2 * 32) * 4, MemoryFormulas.SavedPerToken(c, PlanDtype.Fp32, checkpointed: true));
        // bf16: 2 B elements, plus RMSNorm's fp32 copy of its input (4C bytes a layer)
        Assert.Equal(4L * ((9 * 128 + 4 * 512 + 4) * 2 + 4 * 128) + (2 * 128 + 2 * 32) * 2, MemoryFormulas.SavedPerToken(c, PlanDtype.Bf16, checkpointed: false));
    }

    [Fact]
    public void AdamW_HoldsTwoFp32Moments_OrMasterWeightsToo_ForBf16()
    {
        var c = ModelConfig.Tiny(512);
        Assert.Equal(2 * 1_050_752L * 4, MemoryFormulas.AdamW(c, PlanDtype.Fp32).Bytes);
        Assert.Equal(3 * 1_050_752L * 4, MemoryFormulas.AdamW(c, PlanDtype.Bf16).Bytes);
    }
}
