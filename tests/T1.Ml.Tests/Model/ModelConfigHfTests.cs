using T1.Ml.Model;

namespace T1.Ml.Tests.Model;

/// <summary>config.json settings the model would otherwise ignore: rope_scaling, sliding windows, activations.</summary>
public sealed class ModelConfigHfTests
{
    private const string Qwen25_05B = """
        {"architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2", "hidden_act": "silu", "hidden_size": 896,
         "intermediate_size": 4864, "max_position_embeddings": 32768, "num_attention_heads": 14, "num_hidden_layers": 24,
         "num_key_value_heads": 2, "rms_norm_eps": 1e-06, "rope_theta": 1000000.0, "rope_scaling": null,
         "sliding_window": 32768, "max_window_layers": 21, "tie_word_embeddings": true, "torch_dtype": "bfloat16",
         "use_sliding_window": false, "vocab_size": 151936}
        """;

    private static string With(string key, string json) =>
        Qwen25_05B.Replace($"\"{key}\": ", $"\"{key}\": {json}, \"was_{key}\": ", StringComparison.Ordinal);

    [Fact]
    public void Qwen25Config_HasNoScaling_AndItsShape()
    {
        var c = ModelConfig.FromHfJson(Qwen25_05B, "/m/config.json");
        Assert.Null(c.RopeScaling);
        Assert.Equal((24, 896, 14, 2, 4864, 151_936, 32_768, true, 1e6), (c.NumLayers, c.HiddenSize, c.NumHeads, c.NumKvHeads, c.IntermediateSize, c.VocabSize, c.MaxPositions, c.TieEmbeddings, c.RopeTheta));
    }

    [Fact]
    public void Qwen25YarnSetting_IsRead_AndCoversFactorTimesTheOriginalContext_AndRoundTrips()
    {
        var json = With("rope_scaling", """{"factor": 4.0, "original_max_position_embeddings": 32768, "type": "yarn"}""");
        var c = ModelConfig.FromHfJson(json, "/m/config.json");
        Assert.Equal(new RopeScaling { Type = "yarn", Factor = 4, OriginalMaxPositions = 32_768 }, c.RopeScaling);
        Assert.Equal(131_072, c.MaxPositions);
        Assert.Equal(c, ModelConfig.FromHfJson(c.ToHfJson(), "again.json"));
    }

    [Fact]
    public void YarnFrequencies_KeepHighFrequencies_InterpolateLowOnes_AndScaleAttention()
    {
        var yarn = new RopeScaling { Type = "yarn", Factor = 4, OriginalMaxPositions = 32_768 };
        var (inv, attention) = yarn.Frequencies(64, 1e6, 131_072);
        Assert.Equal(1.0, inv[0], 12);                                    // fastest rotation kept
        Assert.Equal(Math.Pow(1e6, -62.0 / 64) / 4, inv[31], 15);          // slowest divided by the factor
        Assert.Equal(0.1 * Math.Log(4) + 1, attention, 12);
    }

    [Theory]
    [InlineData("""{"type": "dynamic", "factor": 2.0}""", "type 'dynamic' is not implemented")]
    [InlineData("""{"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0, "original_max_position_embeddings": 8192}""", "type 'llama3' is not implemented")]
    public void UnsupportedRopeScaling_IsRefused_NamingTheFileAndTheValue(string scaling, string why)
    {
        var ex = Assert.Throws<FormatException>(() => ModelConfig.FromHfJson(With("rope_scaling", scaling), "/models/q/config.json"));
        Assert.StartsWith($"/models/q/config.json: rope_scaling {System.Text.Json.Nodes.JsonNode.Parse(scaling)!.ToJsonString()} is not supported: {why} (linear and yarn are, as Qwen2.5 uses). " +
            "Remove rope_scaling (the model then covers max_position_embeddings) or use a checkpoint without it.", ex.Message);
    }

    [Fact]
    public void SlidingWindowAndOtherActivations_AreRefused()
    {
        var window = Assert.Throws<FormatException>(() => ModelConfig.FromHfJson(With("use_sliding_window", "true"), "c.json"));
        Assert.Equal("c.json: use_sliding_window is true; sliding-window attention is not implemented (Qwen2.5 ships it off). Set it to false to attend over the whole context.", window.Message);
        var act = Assert.Throws<FormatException>(() => ModelConfig.FromHfJson(With("hidden_act", "\"gelu\""), "c.json"));
        Assert.Equal("c.json: hidden_act 'gelu' is not supported; the MLP is SwiGLU with silu.", act.Message);
    }
}
