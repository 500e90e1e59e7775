using System.Numerics;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using T1.Ml.Model;
using static TorchSharp.torch;

namespace T1.Ml.Sampling;

/// <summary>
/// The one-token decode step of a small float32 model on the CPU in managed SIMD code (<see cref="TensorPrimitives"/>)
/// instead of ~170 TorchSharp ops: batch-1 decode of a ~1 M-parameter model is bound by the fixed cost of each op
/// (call, result handle, dispose scope), not by its arithmetic. Computes what <see cref="DecoderLM.Forward"/> computes
/// for one new token per row (embedding, RMSNorm, q/k/v, rotary, grouped-query attention over the KV cache, o-proj,
/// SwiGLU MLP, final norm, output projection), reading and writing the same <see cref="KvCache"/> tensors in place,
/// so prefill, <see cref="BatchKv"/> and <see cref="KvCache.KeepRows"/> stay libtorch's. Weights are copied once
/// (<see cref="CpuDecodeWeights"/>). Logits equal the libtorch path's up to float rounding (summation order).
/// </summary>
internal sealed class CpuDecodeStep
{
    /// <summary>Largest model (parameters) taken: beyond it the step's matrix products, not op dispatch, dominate.</summary>
    public const long MaxParameters = 16_000_000;

    private readonly CpuDecodeWeights _w;
    private readonly ModelConfig _c;
    private readonly float _scale;
    private float[] _x = [], _h = [], _qkv = [], _att = [], _o = [], _gu = [], _act = [];
    private float[] _scores = [], _scores2 = [];
    private readonly float[] _rot;

    private CpuDecodeStep(CpuDecodeWeights weights)
    {
        _w = weights;
        _c = weights.Config;
        _scale = 1f / MathF.Sqrt(_c.HeadDim);
        _rot = new float[_c.HeadDim];
    }

    /// <summary>
    /// The fast step for <paramref name="model"/> when it fits (float32 weights on the CPU, at most
    /// <see cref="MaxParameters"/>), else null: the caller keeps libtorch's forward.
    /// </summary>
    public static CpuDecodeStep? TryCreate(DecoderLM model)
    {
        if (model.Device.type != TorchSharp.DeviceType.CPU || model.Dtype != ScalarType.Float32 || model.ParameterCount > MaxParameters) return null;
        return new CpuDecodeStep(CpuDecodeWeights.From(model));
    }

    /// <summary>
    /// Feeds <paramref name="ids"/> (one token per row of <paramref name="cache"/>) and returns the next-token logits
    /// (rows, V) as a float32 CPU tensor, as <c>model.Forward(ids (rows, 1), cache, lastOnly: true).select(1, 0)</c> does.
    /// </summary>
    public Tensor Step(KvCache cache, ReadOnlySpan<long> ids) => tensor(StepToHost(cache, ids), [ids.Length, _c.VocabSize]);

    /// <summary>
    /// <see cref="Step"/> with the logits left in a new array (rows × V, row-major): a caller that only needs the
    /// greedy token does not pay for a tensor.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // straight to optimised code: in a server, tiered compilation leaves hot loops in slow instrumented code for long
    public float[] StepToHost(KvCache cache, ReadOnlySpan<long> ids)
    {
        int b = (int)cache.Batch, C = _c.HiddenSize, V = _c.VocabSize, I = _c.IntermediateSize;
        int H = _c.NumHeads, KV = _c.NumKvHeads, D = _c.HeadDim, n = (H + 2 * KV) * D;
        if (ids.Length != b) throw new ArgumentException($"CPU decode: {ids.Length} tokens for a cache of {b} rows.");
        int start = cache.Length, S = start + 1;
        if (S > cache.Capacity) throw new ArgumentException($"Sequence of {S} positions exceeds the KV cache capacity {cache.Capacity}.");
        cache.Reserve(S);
        int slots = cache.Allocated;
        Ensure(ref _x, b * C); Ensure(ref _h, b * C); Ensure(ref _qkv, b * n); Ensure(ref _att, b * H * D);
        Ensure(ref _o, b * C); Ensure(ref _gu, b * 2 * I); Ensure(ref _act, b * I); Ensure(ref _scores, H / KV * S); Ensure(ref _scores2, S);
        var logits = new float[b * V]; // handed to the caller

        // The cache's bookkeeping, as DecoderStack.Forward does for one real token per row.
        var valid = MemoryMarshal.Cast<byte, bool>(cache.KeyValid.bytes);       // (B, slots)
        var next = MemoryMarshal.Cast<byte, long>(cache.NextPositions.bytes);    // (B)
        Span<int> positions = b <= 64 ? stackalloc int[b] : new int[b];
        for (int r = 0; r < b; r++)
        {
            valid[r * slots + start] = true;
            positions[r] = (int)next[r]++;
            if (ids[r] < 0 || ids[r] >= V) throw new ArgumentOutOfRangeException(nameof(ids), ids[r], $"CPU decode: token id must be in 0..{V - 1}.");
            _w.Embed.AsSpan((int)ids[r] * C, C).CopyTo(_x.AsSpan(r * C, C));
        }
        bool padded = cache.HasPadding;
        int G = H / KV; // query heads a key/value head; a group's heads are consecutive

        for (int l = 0; l < _c.NumLayers; l++)
        {
            var w = _w.Layers[l];
            var keys = MemoryMarshal.Cast<byte, float>(cache.Keys[l].bytes);     // (B, KV, slots, D)
            var values = MemoryMarshal.Cast<byte, float>(cache.Values[l].bytes); // (B, KV, slots, D)
            Norm(_x, w.InputNorm, _h, b);
            w.Qkv.Multiply(w.QkvBias, _h, _qkv, b);
            for (int r = 0; r < b; r++)
            {
                var qkv = _qkv.AsSpan(r * n, n);
                for (int head = 0; head < H + KV; head++) Rotate(qkv.Slice(head * D, D), positions[r]);
                for (int g = 0; g < KV; g++)
                {
                    int at = ((r * KV + g) * slots + start) * D;
                    qkv.Slice((H + g) * D, D).CopyTo(keys.Slice(at, D));
                    qkv.Slice((H + KV + g) * D, D).CopyTo(values.Slice(at, D));
                }
                for (int g = 0; g < KV; g++) // each group's heads read the key/value head's cache once together
                {
                    int h = g * G, kv = (r * KV + g) * slots * D;
                    var k = keys.Slice(kv, S * D);
                    var v = values.Slice(kv, S * D);
                    var mask = padded ? valid.Slice(r * slots, S) : default;
                    if (G == 2 && PairedAttention.Fits(D))
                        PairedAttention.Attend(qkv.Slice(h * D, D), qkv.Slice((h + 1) * D, D), k, v, mask,
                            _att.AsSpan((r * H + h) * D, D), _att.AsSpan((r * H + h + 1) * D, D), S, D, _scale, _scores, _scores2);
                    else if (G >= 3 && GroupedAttention.Fits(D))
                        GroupedAttention.Attend(qkv.Slice(h * D, G * D), k, v, mask, _att.AsSpan((r * H + h) * D, G * D), G, S, D, _scale, _scores);
                    else
                        for (int head = h; head < h + G; head++) Attend(qkv.Slice(head * D, D), k, v, mask, _att.AsSpan((r * H + head) * D, D), S, D);
                }
            }
            w.O.Multiply(null, _att, _o, b);
            TensorPrimitives.Add(_x.AsSpan(0, b * C), _o.AsSpan(0, b * C), _x.AsSpan(0, b * C));
            Norm(_x, w.PostNorm, _h, b);
            w.GateUp.Multiply(null, _h, _gu, b);
            for (int r = 0; r < b; r++)
            {
                var gate = _gu.AsSpan(r * 2 * I, I);
                var up = _gu.AsSpan(r * 2 * I + I, I);
                var act = _act.AsSpan(r * I, I);
                TensorPrimitives.Sigmoid(gate, act);
                TensorPrimitives.Multiply(act, gate, act); // silu(gate)
                TensorPrimitives.Multiply(act, up, act);
            }
            w.Down.Multiply(null, _act, _o, b);
            TensorPrimitives.Add(_x.AsSpan(0, b * C), _o.AsSpan(0, b * C), _x.AsSpan(0, b * C));
        }
        cache.Length = S;
        Norm(_x, _w.FinalNorm, _h, b);
        _w.Output.Multiply(null, _h, logits, b);
        return logits; // (b, V)
    }

    /// <summary>RMSNorm of each of <paramref name="rows"/> rows of <paramref name="x"/> into <paramref name="y"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Norm(float[] x, float[] weight, float[] y, int rows)
    {
        int C = _c.HiddenSize;
        for (int r = 0; r < rows; r++)
        {
            var xr = x.AsSpan(r * C, C);
            var yr = y.AsSpan(r * C, C);
            float rms = 1f / MathF.Sqrt(TensorPrimitives.SumOfSquares(xr) / C + (float)_c.RmsNormEps);
            TensorPrimitives.Multiply(xr, rms, yr);
            TensorPrimitives.Multiply(yr, weight, yr);
        }
    }

    /// <summary>Rotary in place, as <c>Rotary.Apply</c>: x·cos + roll(x, D/2)·sin′ at <paramref name="position"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Rotate(Span<float> x, int position)
    {
        int D = x.Length, half = D / 2;
        var cos = _w.Cos.AsSpan(position * D, D);
        var sin = _w.SignedSin.AsSpan(position * D, D);
        var rot = _rot.AsSpan();
        TensorPrimitives.Multiply(x.Slice(half, half), sin.Slice(0, half), rot.Slice(0, half)); // roll(x)[i] = x[i + D/2] for i < D/2
        TensorPrimitives.Multiply(x.Slice(0, half), sin.Slice(half, half), rot.Slice(half, half));
        TensorPrimitives.MultiplyAdd(x, cos, rot, x);
    }

    /// <summary>
    /// One query head over <paramref name="slots"/> cached positions (those <paramref name="valid"/> marks, or all when
    /// empty). Head widths of whole vectors run as FMA chains in registers (<see cref="GroupedAttention.Scores"/>,
    /// <see cref="GroupedAttention.AddWeighted"/>); other widths go through <see cref="TensorPrimitives"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Attend(ReadOnlySpan<float> q, ReadOnlySpan<float> keys, ReadOnlySpan<float> values, ReadOnlySpan<bool> valid, Span<float> y, int slots, int D)
    {
        var scores = _scores.AsSpan(0, slots);
        bool vectors = GroupedAttention.Fits(D) && keys.Length >= slots * D && values.Length >= slots * D && y.Length >= D;
        if (vectors) GroupedAttention.Scores(q, keys[..(slots * D)], scores, D, _scale);
        else for (int j = 0; j < slots; j++) scores[j] = TensorPrimitives.Dot(q, keys.Slice(j * D, D)) * _scale;
        if (!valid.IsEmpty)
            for (int j = 0; j < slots; j++) if (!valid[j]) scores[j] = float.NegativeInfinity; // a padding slot's key may be anything
        GroupedAttention.Softmax(scores);
        y[..D].Clear();
        if (vectors)
        {
            GroupedAttention.AddWeighted(scores, values[..(slots * D)], y, D);
            return;
        }
        for (int j = 0; j < slots; j++)
            if (scores[j] != 0f) TensorPrimitives.MultiplyAdd(values.Slice(j * D, D), scores[j], y, y);
    }

    private static void Ensure(ref float[] buffer, int size)
    {
        if (buffer.Length < size) buffer = new float[size];
    }
}
