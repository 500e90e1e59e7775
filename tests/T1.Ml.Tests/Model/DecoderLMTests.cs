using T1.Ml.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace T1.Ml.Tests.Model;

[Collection(TorchCollection.Name)]
public class DecoderLMTests
{
    [Fact]
    public void Presets_HaveTheAdvertisedSizes()
    {
        using var tiny = new DecoderLM(ModelConfig.Tiny());
        Assert.InRange(tiny.ParameterCount, 800_000, 1_300_000);
        using var small = new DecoderLM(ModelConfig.Small());
        Assert.InRange(small.ParameterCount, 10_000_000, 20_000_000);
    }

    [Fact]
    public void ParameterNames_AreHuggingFaceQwen2Names()
    {
        using var untied = new DecoderLM(TestConfigs.Micro(tied: false));
        var names = untied.state_dict().Keys.ToHashSet();
        Assert.Contains("model.embed_tokens.weight", names);
        Assert.Contains("model.layers.1.self_attn.q_proj.weight", names);
        Assert.Contains("model.layers.1.self_attn.q_proj.bias", names);
        Assert.Contains("model.layers.1.self_attn.k_proj.bias", names);
        Assert.Contains("model.layers.1.self_attn.v_proj.bias", names);
        Assert.DoesNotContain("model.layers.1.self_attn.o_proj.bias", names);
        Assert.Contains("model.layers.0.mlp.gate_proj.weight", names);
        Assert.Contains("model.layers.0.mlp.up_proj.weight", names);
        Assert.Contains("model.layers.0.mlp.down_proj.weight", names);
        Assert.Contains("model.layers.0.input_layernorm.weight", names);
        Assert.Contains("model.layers.0.post_attention_layernorm.weight", names);
        Assert.Contains("model.norm.weight", names);
        Assert.Contains("lm_head.weight", names);
        Assert.DoesNotContain(names, n => n.Contains("rope", StringComparison.Ordinal));
        Assert.Equal(3 + 2 * 12, names.Count); // embed, final norm, lm_head + 12 a layer

        using var tied = new DecoderLM(TestConfigs.Micro(tied: true));
        Assert.DoesNotContain("lm_head.weight", tied.state_dict().Keys);
        var sd = untied.state_dict();
        Assert.Equal(new long[] { 32, 32 }, sd["model.layers.0.self_attn.q_proj.weight"].shape);
        Assert.Equal(new long[] { 16, 32 }, sd["model.layers.0.self_attn.k_proj.weight"].shape); // 2 kv heads × 8
        Assert.Equal(new long[] { 64, 32 }, sd["model.layers.0.mlp.gate_proj.weight"].shape);   // HF (out, in)
        Assert.Equal(new long[] { 64, 32 }, sd["lm_head.weight"].shape);
    }

    [Fact]
    public void Logits_DoNotDependOnFutureTokens()
    {
        torch.manual_seed(1);
        using var m = new DecoderLM(TestConfigs.Micro());
        using var _ = no_grad();
        var a = tensor(new long[] { 1, 2, 3, 4, 5, 6 }).unsqueeze(0);
        var b = tensor(new long[] { 1, 2, 3, 9, 9, 9 }).unsqueeze(0);
        var la = m.forward(a);
        var lb = m.forward(b);
        Assert.Equal(new long[] { 1, 6, 64 }, la.shape);
        Assert.True(la.narrow(1, 0, 3).allclose(lb.narrow(1, 0, 3), rtol: 1e-5, atol: 1e-6));
        Assert.False(la.narrow(1, 3, 1).allclose(lb.narrow(1, 3, 1), rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void ConfigWithoutGqaOrBias_LlamaShape_RunsAndHasNoBiases()
    {
        var cfg = TestConfigs.Micro() with { NumKvHeads = 4, AttentionBias = false };
        using var m = new DecoderLM(cfg);
        Assert.DoesNotContain(m.state_dict().Keys, k => k.EndsWith(".bias", StringComparison.Ordinal));
        using var logits = m.forward(ones([2, 5], dtype: int64));
        Assert.Equal(new long[] { 2, 5, 64 }, logits.shape);
    }

    [Fact]
    public void BadShape_IsRejectedWithTheField()
    {
        var ex = Assert.Throws<ArgumentException>(() => new DecoderLM(TestConfigs.Micro() with { NumKvHeads = 3 }));
        Assert.Contains("NumKvHeads", ex.Message);
    }
}
