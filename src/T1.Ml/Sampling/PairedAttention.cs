using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace T1.Ml.Sampling;

/// <summary>
/// Two query heads that share one key/value head (grouped-query attention, two heads a group) over the cache in one
/// pass of <see cref="CpuDecodeStep"/>: each cached key and value vector is loaded once for both. A decode step's
/// attention streams the row's whole K/V cache from memory (megabytes at batch 16, past L2), so reading it once
/// instead of twice is what counts. Head widths of whole SIMD vectors only.
/// </summary>
internal static class PairedAttention
{
    /// <summary>Whether <paramref name="D"/> (the head width) runs here.</summary>
    public static bool Fits(int D) => D % Vector<float>.Count == 0;

    /// <summary>
    /// Softmax-weighted values for queries <paramref name="q0"/> and <paramref name="q1"/> over <paramref name="slots"/>
    /// positions of <paramref name="keys"/> and <paramref name="values"/> (slots, D), those <paramref name="valid"/> marks
    /// (all when empty), into <paramref name="y0"/> and <paramref name="y1"/>; <paramref name="s0"/> and
    /// <paramref name="s1"/> are scratch of at least <paramref name="slots"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Attend(ReadOnlySpan<float> q0, ReadOnlySpan<float> q1, ReadOnlySpan<float> keys, ReadOnlySpan<float> values,
        ReadOnlySpan<bool> valid, Span<float> y0, Span<float> y1, int slots, int D, float scale, Span<float> s0, Span<float> s1)
    {
        if (!Fits(D) || q0.Length < D || q1.Length < D || keys.Length < slots * D || values.Length < slots * D || y0.Length < D || y1.Length < D
            || s0.Length < slots || s1.Length < slots || !valid.IsEmpty && valid.Length < slots)
            throw new ArgumentException("CPU decode: attention sizes do not match.");
        s0 = s0[..slots];
        s1 = s1[..slots];
        ref float a = ref MemoryMarshal.GetReference(q0);
        ref float b = ref MemoryMarshal.GetReference(q1);
        ref float k = ref MemoryMarshal.GetReference(keys);
        nuint n = (nuint)Vector<float>.Count, d = (nuint)D;
        int j = 0;
        for (; j + 2 <= slots; j += 2) // two positions × two queries: four FMA chains, each key vector loaded once
        {
            Vector<float> a0 = default, a1 = default, b0 = default, b1 = default;
            nuint k0 = (nuint)(j * D), k1 = k0 + d;
            for (nuint i = 0; i < d; i += n)
            {
                var u = Vector.LoadUnsafe(ref k, k0 + i);
                var v = Vector.LoadUnsafe(ref k, k1 + i);
                var qa = Vector.LoadUnsafe(ref a, i);
                var qb = Vector.LoadUnsafe(ref b, i);
                a0 = Vector.FusedMultiplyAdd(u, qa, a0);
                a1 = Vector.FusedMultiplyAdd(v, qa, a1);
                b0 = Vector.FusedMultiplyAdd(u, qb, b0);
                b1 = Vector.FusedMultiplyAdd(v, qb, b1);
            }
            (s0[j], s0[j + 1], s1[j], s1[j + 1]) = (Vector.Sum(a0) * scale, Vector.Sum(a1) * scale, Vector.Sum(b0) * scale, Vector.Sum(b1) * scale);
        }
        for (; j < slots; j++)
        {
            Vector<float> a0 = default, b0 = default;
            nuint k0 = (nuint)(j * D);
            for (nuint i = 0; i < d; i += n)
            {
                var u = Vector.LoadUnsafe(ref k, k0 + i);
                a0 = Vector.FusedMultiplyAdd(u, Vector.LoadUnsafe(ref a, i), a0);
                b0 = Vector.FusedMultiplyAdd(u, Vector.LoadUnsafe(ref b, i), b0);
            }
            (s0[j], s1[j]) = (Vector.Sum(a0) * scale, Vector.Sum(b0) * scale);
        }
        if (!valid.IsEmpty)
            for (j = 0; j < slots; j++)
                if (!valid[j]) s0[j] = s1[j] = float.NegativeInfinity; // a padding slot's key may be anything
        GroupedAttention.Softmax(s0);
        GroupedAttention.Softmax(s1);
        ref float v0 = ref MemoryMarshal.GetReference(values);
        ref float ya = ref MemoryMarshal.GetReference(y0);
        ref float yb = ref MemoryMarshal.GetReference(y1);
        nuint at = 0;
        for (; at + 2 * n <= d; at += 2 * n) // two slices of the head for both queries: four chains, each value vector loaded once
        {
            Vector<float> a0 = default, a1 = default, b0 = default, b1 = default;
            for (j = 0; j < slots; j++)
            {
                float sa = s0[j], sb = s1[j];
                if (sa == 0f && sb == 0f) continue;
                nuint p = (nuint)(j * D) + at;
                var u = Vector.LoadUnsafe(ref v0, p);
                var v = Vector.LoadUnsafe(ref v0, p + n);
                var wa = new Vector<float>(sa);
                var wb = new Vector<float>(sb);
                a0 = Vector.FusedMultiplyAdd(u, wa, a0);
                a1 = Vector.FusedMultiplyAdd(v, wa, a1);
                b0 = Vector.FusedMultiplyAdd(u, wb, b0);
                b1 = Vector.FusedMultiplyAdd(v, wb, b1);
            }
            a0.StoreUnsafe(ref ya, at);
            a1.StoreUnsafe(ref ya, at + n);
            b0.StoreUnsafe(ref yb, at);
            b1.StoreUnsafe(ref yb, at + n);
        }
        for (; at < d; at += n) // a last single slice
        {
            Vector<float> a0 = default, b0 = default;
            for (j = 0; j < slots; j++)
            {
                var u = Vector.LoadUnsafe(ref v0, (nuint)(j * D) + at);
                a0 = Vector.FusedMultiplyAdd(u, new Vector<float>(s0[j]), a0);
                b0 = Vector.FusedMultiplyAdd(u, new Vector<float>(s1[j]), b0);
            }
            a0.StoreUnsafe(ref ya, at);
            b0.StoreUnsafe(ref yb, at);
        }
    }
}
