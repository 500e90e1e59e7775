using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace T1.Ml.Model;

/// <summary>
/// Grouped-query self-attention with rotary positions and the fused
/// <c>scaled_dot_product_attention</c>; q/k/v biases as in Qwen2 (config.AttentionBias). After <see cref="Fuse"/>
/// q, k and v come from one matrix multiply (<see cref="FusedWeight"/>) and k is rotated together with q.
/// </summary>
public sealed class Attention : nn.Module
{
    private readonly Linear q_proj;
    private readonly Linear k_proj;
    private readonly Linear v_proj;
    private readonly Linear o_proj;
    private readonly int _heads;
    private readonly int _kvHeads;
    private readonly int _headDim;
    private FusedWeight? _qkv;     // (H·D + 2·KV·D, C)
    private FusedWeight? _qkvBias; // (H·D + 2·KV·D)

    public Attention(ModelConfig c) : base(nameof(Attention))
    {
        q_proj = nn.Linear(c.HiddenSize, c.NumHeads * c.HeadDim, hasBias: c.AttentionBias);
        k_proj = nn.Linear(c.HiddenSize, c.NumKvHeads * c.HeadDim, hasBias: c.AttentionBias);
        v_proj = nn.Linear(c.HiddenSize, c.NumKvHeads * c.HeadDim, hasBias: c.AttentionBias);
        o_proj = nn.Linear(c.NumHeads * c.HeadDim, c.HiddenSize, hasBias: false);
        _heads = c.NumHeads;
        _kvHeads = c.NumKvHeads;
        _headDim = c.HeadDim;
        RegisterComponents();
    }

    /// <summary>Fuses the q/k/v projections for inference (see <see cref="FusedWeight"/>); idempotent.</summary>
    internal void Fuse()
    {
        if (Fused) return;
        _qkv?.Dispose();
        _qkvBias?.Dispose();
        _qkv = FusedWeight.Create(q_proj.weight!, k_proj.weight!, v_proj.weight!);
        _qkvBias = q_proj.bias is null ? null : FusedWeight.Create(q_proj.bias!, k_proj.bias!, v_proj.bias!);
    }

    private bool Fused => _qkv is not null && _qkv.Holds(q_proj.weight, k_proj.weight, v_proj.weight)
        && (q_proj.bias is null ? _qkvBias is null : _qkvBias is not null && _qkvBias.Holds(q_proj.bias, k_proj.bias, v_proj.bias));

    /// <summary>
    /// <paramref name="x"/> (B, T, C); <paramref name="cos"/>/<paramref name="sin"/> (B, 1, T, D);
    /// <paramref name="mask"/> null or bool (B|1, 1, T, S) with true = may attend; <paramref name="causal"/>
    /// only when there is no mask and queries and keys cover the same positions. With a cache, this
    /// step's keys/values are written at slots [start, start+T) and attention reads [0, start+T).
    /// </summary>
    public Tensor Forward(Tensor x, Tensor cos, Tensor sin, Tensor? mask, bool causal, KvCache? cache, int layer, int start)
    {
        using var scope = NewDisposeScope();
        long B = x.shape[0], T = x.shape[1];
        Tensor q, k, v;
        if (Fused)
        {
            int n = _heads + 2 * _kvHeads;
            var fused = nn.functional.linear(x, _qkv!.Tensor, _qkvBias?.Tensor);                // (B, T, (H+2KV)·D)
            var qkv = T == 1 ? fused.view(B, n, 1, _headDim) : fused.view(B, T, n, _headDim).transpose(1, 2); // (B, H+2KV, T, D): one position needs no transpose
            var qk = Rotary.Apply(qkv.narrow(1, 0, _heads + _kvHeads), cos, sin); // (B, H+KV, T, D)
            q = qk.narrow(1, 0, _heads);                    // (B, H, T, D)
            k = qk.narrow(1, _heads, _kvHeads);             // (B, KV, T, D)
            v = qkv.narrow(1, _heads + _kvHeads, _kvHeads); // (B, KV, T, D)
        }
        else
        {
            q = Rotary.Apply(q_proj.forward(x).view(B, T, _heads, _headDim).transpose(1, 2), cos, sin);   // (B, H, T, D)
            k = Rotary.Apply(k_proj.forward(x).view(B, T, _kvHeads, _headDim).transpose(1, 2), cos, sin); // (B, KV, T, D)
            v = v_proj.forward(x).view(B, T, _kvHeads, _headDim).transpose(1, 2);                         // (B, KV, T, D)
        }
        if (cache is not null)
        {
            cache.Keys[layer].narrow(2, start, T).copy_(k);
            cache.Values[layer].narrow(2, start, T).copy_(v);
            k = cache.Keys[layer].narrow(2, 0, start + T);   // (B, KV, S, D)
            v = cache.Values[layer].narrow(2, 0, start + T); // (B, KV, S, D)
        }
        Tensor y;
        if (_kvHeads != _heads && T == 1)
        {
            // Decoding one position: each group of query heads attends to its shared k/v head, so the cache is
            // read as it is, never repeated. Query head h belongs to kv head h / group (as repeat_interleave).
            int group = _heads / _kvHeads;
            var qg = q.reshape(B, _kvHeads, group, _headDim);                                                         // (B, KV, G, D)
            y = nn.functional.scaled_dot_product_attention(qg, k, v, attn_mask: mask, is_casual: false); // (B, KV, G, D) = heads in order
        }
        else
        {
            if (_kvHeads != _heads)
            {
                int rep = _heads / _kvHeads;
                k = k.repeat_interleave(rep, dim: 1); // (B, H, S, D): prefill and training only
                v = v.repeat_interleave(rep, dim: 1); // (B, H, S, D)
            }
            // The flag is spelled is_casual in TorchSharp. It is only set when T == S (see DecoderLM):
            // with fewer queries than keys libtorch's causal mask would be anchored at key 0.
            y = nn.functional.scaled_dot_product_attention(q, k, v, attn_mask: mask, is_casual: causal); // (B, H, T, D)
        }
        y = T == 1
            ? y.reshape(B, 1, _heads * _headDim)                                // (B, 1, C): with one position the heads are already in order
            : y.transpose(1, 2).contiguous().view(B, T, _heads * _headDim);     // (B, T, C)
        return o_proj.forward(y).MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _qkv?.Dispose();
            _qkvBias?.Dispose();
        }
        base.Dispose(disposing);
    }
}
