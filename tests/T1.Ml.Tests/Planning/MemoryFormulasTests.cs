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
    public void KvCache_Is2LayersKvHeadsHeadDimTokensBytes()
    {
        var c = Qwen(28, 1536, 12, 2, 8960, 151936, true); // 1.5B: D = 128
        // 2 · 28 · 256 rows · 2 · 10 496 positions · 128 · 4 B + 256 · 10 496 B of slot mask
        var part = MemoryFormulas.KvCache(c, 256, 10_496, PlanDtype.Fp32, "x");
        Assert.Equal(2L * 28 * 256 * 2 * 10_496 * 128 * 4 + 256L * 10_496, part.Bytes);
        Assert.Equal(MemoryComponent.KvCache, part.Component);
        Assert.Equal(part.Bytes / 2 + 256L * 10_496 / 2, MemoryFormulas.KvCache(c, 256, 10_496, PlanDtype.Bf16, "x").Bytes);
    }

    [Fact]
    public void RepeatedKv_IsZero_WithoutGroupedQueries()
    {
        var c = ModelConfig.Tiny(512) with { NumKvHeads = 4 };
        Assert.Equal(0, MemoryFormulas.RepeatedKv(c, 8, 100, PlanDtype.Fp32, "x").Bytes);
        Assert.Equal(2L * 8 * 4 * 100 * 32 * 4, MemoryFormulas.RepeatedKv(ModelConfig.Tiny(512), 8, 100, PlanDtype.Fp32, "x").Bytes);
    }

    [Fact]
    public void AdamW_HoldsTwoFp32Moments_OrMasterWeightsToo_ForBf16()
    {
        var c = ModelConfig.Tiny(512);
        Assert.Equal(2 * 1_050_752L * 4, MemoryFormulas.AdamW(c, PlanDtype.Fp32).Bytes);
        Assert.Equal(3 * 1_050_752L * 4, MemoryFormulas.AdamW(c, PlanDtype.Bf16).Bytes);
    }
}
