using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace T1.Ml.Sampling;

/// <summary>
/// Three or more query heads that share one key/value head (grouped-query attention) over the cache in one pass of
/// <see cref="CpuDecodeStep"/>: the cache is walked in blocks of <see cref="Block"/> positions, and every head of the
/// group meets a block of keys (then of values) while it is in L1, so each cached vector comes from memory once for
/// the group instead of once a head. At batch 16 a step's attention streams every row's cache (the <c>small</c>
/// preset: three heads a group, ≈ 9 MB of keys and values at 70 positions), so this is what counts. Two heads a group
/// go through <see cref="PairedAttention"/>, which keeps both in registers. Head widths of whole SIMD vectors only.
/// </summary>
internal static class GroupedAttention
{
    /// <summary>Cached positions a block: 64 positions × a head of 64 floats = 16 KiB of keys or values.</summary>
    public const int Block = 64;

    /// <summary>Whether <paramref name="D"/> (the head width) runs here.</summary>
    public static bool Fits(int D) => D % Vector<float>.Count == 0;

    /// <summary>
    /// Softmax-weighted values for the <paramref name="group"/> queries in <paramref name="q"/> (group × D, head after head)
    /// over <paramref name="slots"/> positions of <paramref name="keys"/> and <paramref name="values"/> (slots, D), those
    /// <paramref name="valid"/> marks (all when empty), into <paramref name="y"/> (group × D); <paramref name="scores"/> is
    /// scratch of at least group × slots.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Attend(ReadOnlySpan<float> q, ReadOnlySpan<float> keys, ReadOnlySpan<float> values, ReadOnlySpan<bool> valid,
        Span<float> y, int group, int slots, int D, float scale, Span<float> scores)
    {
        if (!Fits(D) || q.Length < group * D || keys.Length < slots * D || values.Length < slots * D || y.Length < group * D
            || scores.Length < group * slots || !valid.IsEmpty && valid.Length < slots)
            throw new ArgumentException("CPU decode: attention sizes do not match.");
        for (int b = 0; b < slots; b += Block)
        {
            int count = Math.Min(Block, slots - b);
            var block = keys.Slice(b * D, count * D);
            for (int h = 0; h < group; h++) Scores(q.Slice(h * D, D), block, scores.Slice(h * slots + b, count), D, scale);
        }
        for (int h = 0; h < group; h++)
        {
            var s = scores.Slice(h * slots, slots);
            if (!valid.IsEmpty)
                for (int j = 0; j < slots; j++)
                    if (!valid[j]) s[j] = float.NegativeInfinity; // a padding slot's key may be anything
            Softmax(s);
        }
        y[..(group * D)].Clear();
        for (int b = 0; b < slots; b += Block)
        {
            int count = Math.Min(Block, slots - b);
            var block = values.Slice(b * D, count * D);
            for (int h = 0; h < group; h++) AddWeighted(scores.Slice(h * slots + b, count), block, y.Slice(h * D, D), D);
        }
    }

    /// <summary>
    /// Scaled dot products of <paramref name="q"/> with each of the keys in <paramref name="keys"/> (D a whole number of
    /// vectors), four positions at a time: four FMA chains sharing each load of the query.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Scores(ReadOnlySpan<float> q, ReadOnlySpan<float> keys, Span<float> scores, int D, float scale)
    {
        ref float qRef = ref MemoryMarshal.GetReference(q);
        ref float kRef = ref MemoryMarshal.GetReference(keys);
        nuint n = (nuint)Vector<float>.Count, d = (nuint)D;
        int j = 0, slots = scores.Length;
        for (; j + 4 <= slots; j += 4)
        {
            Vector<float> a0 = default, a1 = default, a2 = default, a3 = default;
            nuint k0 = (nuint)(j * D), k1 = k0 + d, k2 = k1 + d, k3 = k2 + d;
            for (nuint i = 0; i < d; i += n)
            {
                var qv = Vector.LoadUnsafe(ref qRef, i);
                a0 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref kRef, k0 + i), qv, a0);
                a1 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref kRef, k1 + i), qv, a1);
                a2 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref kRef, k2 + i), qv, a2);
                a3 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref kRef, k3 + i), qv, a3);
            }
            (scores[j], scores[j + 1], scores[j + 2], scores[j + 3]) = (Vector.Sum(a0) * scale, Vector.Sum(a1) * scale, Vector.Sum(a2) * scale, Vector.Sum(a3) * scale);
        }
        for (; j < slots; j++)
        {
            Vector<float> acc = default;
            nuint at = (nuint)(j * D);
            for (nuint i = 0; i < d; i += n) acc = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref kRef, at + i), Vector.LoadUnsafe(ref qRef, i), acc);
            scores[j] = Vector.Sum(acc) * scale;
        }
    }

    /// <summary>
    /// <paramref name="y"/> += Σⱼ <paramref name="weights"/>[j] · value j of <paramref name="values"/> (D a whole number of
    /// vectors): four slices of the head at a time, each's sum over the positions in a register (independent chains).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddWeighted(ReadOnlySpan<float> weights, ReadOnlySpan<float> values, Span<float> y, int D)
    {
        ref float vRef = ref MemoryMarshal.GetReference(values);
        ref float yRef = ref MemoryMarshal.GetReference(y);
        int slots = weights.Length;
        nuint i = 0, d = (nuint)D, step = (nuint)Vector<float>.Count;
        for (; i + 4 * step <= d; i += 4 * step)
        {
            var a0 = Vector.LoadUnsafe(ref yRef, i);
            var a1 = Vector.LoadUnsafe(ref yRef, i + step);
            var a2 = Vector.LoadUnsafe(ref yRef, i + 2 * step);
            var a3 = Vector.LoadUnsafe(ref yRef, i + 3 * step);
            for (int j = 0; j < slots; j++)
            {
                if (weights[j] == 0f) continue;
                var s = new Vector<float>(weights[j]);
                nuint at = (nuint)(j * D) + i;
                a0 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref vRef, at), s, a0);
                a1 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref vRef, at + step), s, a1);
                a2 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref vRef, at + 2 * step), s, a2);
                a3 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref vRef, at + 3 * step), s, a3);
            }
            a0.StoreUnsafe(ref yRef, i);
            a1.StoreUnsafe(ref yRef, i + step);
            a2.StoreUnsafe(ref yRef, i + 2 * step);
            a3.StoreUnsafe(ref yRef, i + 3 * step);
        }
        for (; i < d; i += step) // the slices left, one at a time
        {
            var acc = Vector.LoadUnsafe(ref yRef, i);
            for (int j = 0; j < slots; j++)
                if (weights[j] != 0f) acc = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref vRef, (nuint)(j * D) + i), new Vector<float>(weights[j]), acc);
            acc.StoreUnsafe(ref yRef, i);
        }
    }

    /// <summary>In place; the own slot is always valid, so the max is finite.</summary>
    public static void Softmax(Span<float> s)
    {
        TensorPrimitives.Subtract(s, TensorPrimitives.Max(s), s);
        TensorPrimitives.Exp(s, s);
        TensorPrimitives.Multiply(s, 1f / TensorPrimitives.Sum(s), s);
    }
}
