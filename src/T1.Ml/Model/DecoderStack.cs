using T1.Ml.Compute;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace T1.Ml.Model;

/// <summary>Embeddings, blocks and final norm (Hugging Face <c>Qwen2Model</c>, the "model." prefix).</summary>
public sealed class DecoderStack : nn.Module
{
    private readonly Embedding embed_tokens;
    private readonly ModuleList<DecoderLayer> layers;
    private readonly RmsNorm norm;
    private readonly ModelConfig _config;

    public DecoderStack(ModelConfig c) : base(nameof(DecoderStack))
    {
        embed_tokens = nn.Embedding(c.VocabSize, c.HiddenSize);
        layers = new ModuleList<DecoderLayer>();
        for (int i = 0; i < c.NumLayers; i++) layers.Add(new DecoderLayer(c));
        norm = new RmsNorm(c.HiddenSize, c.RmsNormEps);
        _config = c;
        RegisterComponents();
        var (cos, sin) = Rotary.Tables(c.MaxPositions, c.HeadDim, c.RopeTheta, c.RopeScaling);
        // Not persistent: derived from the config, so never part of a checkpoint.
        register_buffer("rope_cos", cos, persistent: false); // (P, D)
        register_buffer("rope_sin", sin, persistent: false); // (P, D)
    }

    /// <summary>Fuses each layer's q/k/v and gate/up projections for inference (see <see cref="FusedWeight"/>).</summary>
    internal void Fuse()
    {
        foreach (var layer in layers) layer.Fuse();
    }

    /// <summary>Recompute each layer's activations in backward instead of keeping them (training without a cache only).</summary>
    public bool GradCheckpoint { get; set; }

    /// <summary>The token embedding matrix (V, C); also the output projection when embeddings are tied.</summary>
    public Parameter EmbedWeight => embed_tokens.weight!;

    /// <summary>
    /// ids (B, T) → hidden states (B, T, C). Without cache and <paramref name="valid"/>: plain causal
    /// attention over positions 0..T−1 (right padding is harmless). <paramref name="valid"/> (B, T) bool marks
    /// real tokens of left-padded rows; with a cache, positions continue from the cache.
    /// </summary>
    public Tensor Forward(Tensor ids, KvCache? cache, Tensor? valid)
    {
        using var scope = NewDisposeScope();
        long B = ids.shape[0];
        int T = (int)ids.shape[1];
        int start = cache?.Length ?? 0;
        int S = start + T;
        if (S > (cache?.Capacity ?? _config.MaxPositions))
            throw new ArgumentException($"Sequence of {S} positions exceeds the {(cache is null ? "model's MaxPositions" : "KV cache capacity")} {cache?.Capacity ?? _config.MaxPositions}.");
        cache?.Reserve(S);
        var device = ids.device;
        Tensor positions; // (B, T)
        Tensor? mask = null;
        bool causal = false;
        if (cache is null && valid is null)
        {
            positions = KeptScalars.Arange(0, T, device).unsqueeze(0).expand(B, T);
            causal = true;
        }
        else if (T == 1 && valid is null && !cache!.HasPadding)
        {
            // One new real token per row, nothing padded (batch-1 decode): the same as below in 4 ops instead of ~15.
            positions = cache.NextPositions.clone().unsqueeze(1); // (B, 1)
            cache.KeyValid.narrow(1, start, 1).fill_(KeptScalars.True);
            cache.NextPositions.PlusInPlace(1L);
        }
        else
        {
            var v = valid ?? ones([B, T], dtype: @bool, device: device);
            var before = cache?.NextPositions.unsqueeze(1) ?? zeros([B, 1], dtype: int64, device: device);
            positions = before.Plus(v.to(int64).cumsum(1)).PlusInPlace(-1L).AtLeast(0L);
            bool padded = valid is not null && !valid.all().item<bool>();
            Tensor keyValid = v;
            if (cache is not null)
            {
                cache.KeyValid.narrow(1, start, T).copy_(v);
                cache.NextPositions.PlusInPlace(v.to(int64).sum(1));
                cache.HasPadding |= padded;
                padded = cache.HasPadding;
                keyValid = cache.KeyValid.narrow(1, 0, S);
            }
            if (!padded && start == 0) causal = true;
            else if (padded || T > 1) mask = Mask(keyValid, T, start, padded, device); // T == 1, no pad: attend to all
        }
        // float32 tables, cast to the activations' dtype (bf16 models) as Hugging Face does.
        var dtype = EmbedWeight.dtype;
        var flat = positions.flatten();
        var cos = get_buffer("rope_cos")!.index_select(0, flat).view(B, 1, T, -1); // (B, 1, T, D)
        var sin = get_buffer("rope_sin")!.index_select(0, flat).view(B, 1, T, -1); // (B, 1, T, D)
        if (cos.dtype != dtype) (cos, sin) = (cos.to(dtype), sin.to(dtype));
        var x = embed_tokens.forward(ids); // (B, T, C)
        bool checkpoint = GradCheckpoint && cache is null && is_grad_enabled();
        for (int i = 0; i < layers.Count; i++)
        {
            x = checkpoint
                ? LayerCheckpoint.Apply(layers[i], x, cos, sin, mask, causal)
                : layers[i].Forward(x, cos, sin, mask, causal, cache, i, start);
        }
        if (cache is not null) cache.Length = S;
        return norm.forward(x).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// bool (B|1, 1, T, S): query i (at slot start+i) may see key j when j ≤ start+i and key j is real;
    /// every query also sees itself, so rows of pure padding stay finite (their outputs are never used).
    /// </summary>
    private static Tensor Mask(Tensor keyValid, int T, int start, bool padded, Device device)
    {
        int S = start + T;
        var qSlot = KeptScalars.Arange(start, S, device).unsqueeze(1); // (T, 1); built every padded decode step, so no implicit Scalars (KeptScalars)
        var kSlot = KeptScalars.Arange(0, S, device).unsqueeze(0);     // (1, S)
        var causal = kSlot <= qSlot;                                               // (T, S)
        if (!padded) return causal.unsqueeze(0).unsqueeze(0);                      // (1, 1, T, S)
        var self = kSlot == qSlot;                                                 // (T, S)
        return (keyValid.unsqueeze(1).unsqueeze(1) & causal) | self;              // (B, 1, T, S)
    }
}
