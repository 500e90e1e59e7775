using System.Numerics;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
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
    private float[] _scores = [];
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
        Ensure(ref _o, b * C); Ensure(ref _gu, b * 2 * I); Ensure(ref _act, b * I); Ensure(ref _scores, S);
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

        for (int l = 0; l < _c.NumLayers; l++)
        {
            var w = _w.Layers[l];
            var keys = MemoryMarshal.Cast<byte, float>(cache.Keys[l].bytes);     // (B, KV, slots, D)
            var values = MemoryMarshal.Cast<byte, float>(cache.Values[l].bytes); // (B, KV, slots, D)
            Norm(_x, w.InputNorm, _h, b);
            MatMul(w.Qkv, w.QkvBias, _h, _qkv, b, n, C);
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
                for (int head = 0; head < H; head++)
                {
                    int g = head / (H / KV), kv = (r * KV + g) * slots * D;
                    Attend(qkv.Slice(head * D, D), keys.Slice(kv, S * D), values.Slice(kv, S * D),
                        padded ? valid.Slice(r * slots, S) : default, _att.AsSpan((r * H + head) * D, D), S, D);
                }
            }
            MatMul(w.O, null, _att, _o, b, C, H * D);
            TensorPrimitives.Add(_x.AsSpan(0, b * C), _o.AsSpan(0, b * C), _x.AsSpan(0, b * C));
            Norm(_x, w.PostNorm, _h, b);
            MatMul(w.GateUp, null, _h, _gu, b, 2 * I, C);
            for (int r = 0; r < b; r++)
            {
                var gate = _gu.AsSpan(r * 2 * I, I);
                var up = _gu.AsSpan(r * 2 * I + I, I);
                var act = _act.AsSpan(r * I, I);
                TensorPrimitives.Sigmoid(gate, act);
                TensorPrimitives.Multiply(act, gate, act); // silu(gate)
                TensorPrimitives.Multiply(act, up, act);
            }
            MatMul(w.Down, null, _act, _o, b, C, I);
            TensorPrimitives.Add(_x.AsSpan(0, b * C), _o.AsSpan(0, b * C), _x.AsSpan(0, b * C));
        }
        cache.Length = S;
        Norm(_x, _w.FinalNorm, _h, b);
        MatMul(_w.Output, null, _h, logits, b, V, C);
        return logits; // (b, V)
    }

    /// <summary>RMSNorm of each of <paramref name="rows"/> rows of <paramref name="x"/> into <paramref name="y"/>.</summary>
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

    /// <summary>
    /// y (rows, outs) = x (rows, ins) · wᵀ (+ bias), w row-major (outs, ins). Four weight rows at a time (a few KiB, in
    /// L1) meet every input row, one SIMD FMA chain each: the input is loaded once per four outputs.
    /// </summary>
    private static void MatMul(float[] w, float[]? bias, float[] x, float[] y, int rows, int outs, int ins)
    {
        int n = Vector<float>.Count, o = 0;
        if (ins % n == 0)
        {
            ref float wRef = ref MemoryMarshal.GetArrayDataReference(w);
            ref float xRef = ref MemoryMarshal.GetArrayDataReference(x);
            if (w.Length < outs * ins || x.Length < rows * ins || y.Length < rows * outs) throw new ArgumentException("CPU decode: matrix sizes do not match.");
            for (; o + 4 <= outs; o += 4)
            {
                nuint w0 = (nuint)(o * ins), w1 = w0 + (nuint)ins, w2 = w1 + (nuint)ins, w3 = w2 + (nuint)ins;
                int r = 0;
                for (; r + 2 <= rows; r += 2) Block(ref wRef, w0, w1, w2, w3, ref xRef, (nuint)(r * ins), (nuint)ins, y.AsSpan(r * outs + o, 4), y.AsSpan((r + 1) * outs + o, 4), bias, o);
                for (; r < rows; r++)
                {
                    nuint xr = (nuint)(r * ins);
                    Vector<float> a0 = default, a1 = default, a2 = default, a3 = default;
                    for (nuint i = 0; i < (nuint)ins; i += (nuint)n)
                    {
                        var xv = Vector.LoadUnsafe(ref xRef, xr + i);
                        a0 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref wRef, w0 + i), xv, a0);
                        a1 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref wRef, w1 + i), xv, a1);
                        a2 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref wRef, w2 + i), xv, a2);
                        a3 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref wRef, w3 + i), xv, a3);
                    }
                    var yr = y.AsSpan(r * outs + o, 4);
                    yr[0] = Vector.Sum(a0) + (bias is null ? 0f : bias[o]);
                    yr[1] = Vector.Sum(a1) + (bias is null ? 0f : bias[o + 1]);
                    yr[2] = Vector.Sum(a2) + (bias is null ? 0f : bias[o + 2]);
                    yr[3] = Vector.Sum(a3) + (bias is null ? 0f : bias[o + 3]);
                }
            }
        }
        var xs = x.AsSpan(0, rows * ins);
        for (; o < outs; o++) // what the blocks above left: a last few rows, or widths that are not whole vectors
        {
            var wo = w.AsSpan(o * ins, ins);
            float add = bias is null ? 0f : bias[o];
            for (int r = 0; r < rows; r++) y[r * outs + o] = TensorPrimitives.Dot(wo, xs.Slice(r * ins, ins)) + add;
        }
    }

    /// <summary>
    /// Four weight rows against two input rows (<paramref name="x0"/> and the next): eight independent FMA chains, each
    /// weight vector loaded once for both rows — enough chains to keep both FMA units busy when rows are batched.
    /// </summary>
    private static void Block(ref float wRef, nuint w0, nuint w1, nuint w2, nuint w3, ref float xRef, nuint x0, nuint ins,
        Span<float> y0, Span<float> y1, float[]? bias, int o)
    {
        nuint n = (nuint)Vector<float>.Count, x1 = x0 + ins;
        Vector<float> a0 = default, a1 = default, a2 = default, a3 = default, b0 = default, b1 = default, b2 = default, b3 = default;
        for (nuint i = 0; i < ins; i += n)
        {
            var u = Vector.LoadUnsafe(ref xRef, x0 + i);
            var v = Vector.LoadUnsafe(ref xRef, x1 + i);
            var k = Vector.LoadUnsafe(ref wRef, w0 + i);
            a0 = Vector.FusedMultiplyAdd(k, u, a0);
            b0 = Vector.FusedMultiplyAdd(k, v, b0);
            k = Vector.LoadUnsafe(ref wRef, w1 + i);
            a1 = Vector.FusedMultiplyAdd(k, u, a1);
            b1 = Vector.FusedMultiplyAdd(k, v, b1);
            k = Vector.LoadUnsafe(ref wRef, w2 + i);
            a2 = Vector.FusedMultiplyAdd(k, u, a2);
            b2 = Vector.FusedMultiplyAdd(k, v, b2);
            k = Vector.LoadUnsafe(ref wRef, w3 + i);
            a3 = Vector.FusedMultiplyAdd(k, u, a3);
            b3 = Vector.FusedMultiplyAdd(k, v, b3);
        }
        float c0 = 0f, c1 = 0f, c2 = 0f, c3 = 0f;
        if (bias is not null) (c0, c1, c2, c3) = (bias[o], bias[o + 1], bias[o + 2], bias[o + 3]);
        (y0[0], y0[1], y0[2], y0[3]) = (Vector.Sum(a0) + c0, Vector.Sum(a1) + c1, Vector.Sum(a2) + c2, Vector.Sum(a3) + c3);
        (y1[0], y1[1], y1[2], y1[3]) = (Vector.Sum(b0) + c0, Vector.Sum(b1) + c1, Vector.Sum(b2) + c2, Vector.Sum(b3) + c3);
    }

    /// <summary>Rotary in place, as <c>Rotary.Apply</c>: x·cos + roll(x, D/2)·sin′ at <paramref name="position"/>.</summary>
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
    /// empty). Head widths of whole vectors run as FMA chains in registers (no call per position); others through
    /// <see cref="TensorPrimitives"/>.
    /// </summary>
    private void Attend(ReadOnlySpan<float> q, ReadOnlySpan<float> keys, ReadOnlySpan<float> values, ReadOnlySpan<bool> valid, Span<float> y, int slots, int D)
    {
        var scores = _scores.AsSpan(0, slots);
        int n = Vector<float>.Count;
        bool vectors = D % n == 0 && keys.Length >= slots * D && values.Length >= slots * D;
        ref float qRef = ref MemoryMarshal.GetReference(q);
        ref float kRef = ref MemoryMarshal.GetReference(keys);
        for (int j = 0; j < slots; j++)
        {
            if (!valid.IsEmpty && !valid[j]) { scores[j] = float.NegativeInfinity; continue; }
            if (!vectors) { scores[j] = TensorPrimitives.Dot(q, keys.Slice(j * D, D)) * _scale; continue; }
            Vector<float> acc = default;
            nuint at = (nuint)(j * D);
            for (nuint i = 0; i < (nuint)D; i += (nuint)n) acc = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref kRef, at + i), Vector.LoadUnsafe(ref qRef, i), acc);
            scores[j] = Vector.Sum(acc) * _scale;
        }
        TensorPrimitives.Subtract(scores, TensorPrimitives.Max(scores), scores); // the own slot is always valid: the max is finite
        TensorPrimitives.Exp(scores, scores);
        TensorPrimitives.Multiply(scores, 1f / TensorPrimitives.Sum(scores), scores);
        if (!vectors)
        {
            y.Clear();
            for (int j = 0; j < slots; j++)
                if (scores[j] != 0f) TensorPrimitives.MultiplyAdd(values.Slice(j * D, D), scores[j], y, y);
            return;
        }
        ref float vRef = ref MemoryMarshal.GetReference(values);
        ref float yRef = ref MemoryMarshal.GetReference(y);
        for (nuint i = 0; i < (nuint)D; i += (nuint)n) // one slice of the head at a time, its sum over positions in a register
        {
            Vector<float> acc = default;
            for (int j = 0; j < slots; j++)
                if (scores[j] != 0f) acc = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref vRef, (nuint)(j * D) + i), new Vector<float>(scores[j]), acc);
            acc.StoreUnsafe(ref yRef, i);
        }
    }

    private static void Ensure(ref float[] buffer, int size)
    {
        if (buffer.Length < size) buffer = new float[size];
    }
}
