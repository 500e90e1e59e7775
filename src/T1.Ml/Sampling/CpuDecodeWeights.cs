using System.Runtime.InteropServices;
using T1.Ml.Model;
using static TorchSharp.torch;

namespace T1.Ml.Sampling;

/// <summary>
/// A float32 CPU model's weights copied once into managed arrays for <see cref="CpuDecodeStep"/>, in the layout the
/// step reads: each layer's q/k/v rows stacked (as <see cref="DecoderLM.FuseProjections"/> does), gate then up rows
/// stacked, matrices row-major (out, in) as torch keeps them. A snapshot: later changes to the model do not show.
/// </summary>
internal sealed class CpuDecodeWeights
{
    private CpuDecodeWeights(ModelConfig config) => Config = config;

    public ModelConfig Config { get; }
    public float[] Embed { get; private init; } = [];    // (V, C)
    public CpuMatrix Output { get; private init; } = null!; // (V, C): Embed itself when tied
    public float[] FinalNorm { get; private init; } = []; // (C)
    public float[] Cos { get; private init; } = [];      // (P, D)
    public float[] SignedSin { get; private init; } = []; // (P, D): first half negated (see Rotary.Tables)
    public Layer[] Layers { get; private init; } = [];

    /// <summary>One decoder block's weights.</summary>
    public sealed record Layer(
        float[] InputNorm,  // (C)
        CpuMatrix Qkv,      // ((H + 2·KV)·D, C)
        float[]? QkvBias,   // ((H + 2·KV)·D)
        CpuMatrix O,        // (C, H·D)
        float[] PostNorm,   // (C)
        CpuMatrix GateUp,   // (2·I, C)
        CpuMatrix Down);    // (C, I)

    /// <summary>Copies the weights of <paramref name="model"/> (float32, on the CPU).</summary>
    public static CpuDecodeWeights From(DecoderLM model)
    {
        using var scope = NewDisposeScope();
        var c = model.Config;
        var p = model.named_parameters().ToDictionary(x => x.name, x => (Tensor)x.parameter);
        float[] Get(string name) => p.TryGetValue(name, out var t)
            ? Copy(t)
            : throw new InvalidOperationException($"CPU decode: the model has no parameter '{name}'.");
        float[] Cat(params string[] names) => names.SelectMany(Get).ToArray();
        int C = c.HiddenSize, D = c.HeadDim, I = c.IntermediateSize;
        var layers = new Layer[c.NumLayers];
        for (int i = 0; i < c.NumLayers; i++)
        {
            string l = $"model.layers.{i}.";
            layers[i] = new Layer(
                Get(l + "input_layernorm.weight"),
                new CpuMatrix(Cat(l + "self_attn.q_proj.weight", l + "self_attn.k_proj.weight", l + "self_attn.v_proj.weight"), (c.NumHeads + 2 * c.NumKvHeads) * D, C),
                c.AttentionBias ? Cat(l + "self_attn.q_proj.bias", l + "self_attn.k_proj.bias", l + "self_attn.v_proj.bias") : null,
                new CpuMatrix(Get(l + "self_attn.o_proj.weight"), C, c.NumHeads * D),
                Get(l + "post_attention_layernorm.weight"),
                new CpuMatrix(Cat(l + "mlp.gate_proj.weight", l + "mlp.up_proj.weight"), 2 * I, C),
                new CpuMatrix(Get(l + "mlp.down_proj.weight"), C, I));
        }
        var embed = Get("model.embed_tokens.weight");
        var (cos, sin) = Rotary.Tables(c.MaxPositions, c.HeadDim, c.RopeTheta, c.RopeScaling);
        return new CpuDecodeWeights(c)
        {
            Embed = embed,
            Output = new CpuMatrix(c.TieEmbeddings ? embed : Get("lm_head.weight"), c.VocabSize, C),
            FinalNorm = Get("model.norm.weight"),
            Cos = Copy(cos),
            SignedSin = Copy(sin),
            Layers = layers,
        };
    }

    private static float[] Copy(Tensor t) // within the caller's dispose scope
    {
        return MemoryMarshal.Cast<byte, float>(t.detach().contiguous().bytes).ToArray();
    }
}
