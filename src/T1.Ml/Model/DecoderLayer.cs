using T1.Ml.Compute;
using TorchSharp;
using static TorchSharp.torch;

namespace T1.Ml.Model;

/// <summary>Pre-norm block: x + attn(norm(x)), then + mlp(norm(x)).</summary>
public sealed class DecoderLayer : nn.Module
{
    private readonly RmsNorm input_layernorm;
    private readonly Attention self_attn;
    private readonly RmsNorm post_attention_layernorm;
    private readonly Mlp mlp;

    public DecoderLayer(ModelConfig c) : base(nameof(DecoderLayer))
    {
        input_layernorm = new RmsNorm(c.HiddenSize, c.RmsNormEps);
        self_attn = new Attention(c);
        post_attention_layernorm = new RmsNorm(c.HiddenSize, c.RmsNormEps);
        mlp = new Mlp(c);
        RegisterComponents();
    }

    /// <summary>Fuses q/k/v and gate/up for inference (see <see cref="FusedWeight"/>).</summary>
    internal void Fuse()
    {
        self_attn.Fuse();
        mlp.Fuse();
    }

    /// <summary>(B, T, C) → (B, T, C); the other arguments as in <see cref="Attention.Forward"/>.</summary>
    public Tensor Forward(Tensor x, Tensor cos, Tensor sin, Tensor? mask, bool causal, KvCache? cache, int layer, int start)
    {
        using var scope = NewDisposeScope();
        var h = x.Plus(self_attn.Forward(input_layernorm.forward(x), cos, sin, mask, causal, cache, layer, start));
        return h.Plus(mlp.forward(post_attention_layernorm.forward(h))).MoveToOuterDisposeScope();
    }
}
