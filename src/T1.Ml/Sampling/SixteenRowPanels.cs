using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace T1.Ml.Sampling;

/// <summary>
/// Sixteen input rows at a time against a <see cref="CpuMatrix"/>'s column panels in 512-bit vectors. The rows are
/// first transposed into (ins, 16), so one step of the inner loop loads one weight vector (16 outputs) and meets all
/// sixteen rows with broadcasts at fixed offsets: sixteen accumulators, each weight byte read once per step for all
/// sixteen rows (the eight-row kernel reads each panel twice for sixteen rows, the first time from memory). The inputs
/// run in blocks of <see cref="Depth"/> so that the block of transposed rows (8 KiB) and of the panel (16 KiB) stay in L1
/// while both vectors of the panel meet them; the partial sums go through y between blocks. Each panel is first read
/// through once with plain loads (<see cref="Touch"/>). Measured on the small preset's products at 16 rows
/// (bench/RESULTS.md, serving, 2026-12-02 07:15-07:21): ~10 % less time than the eight-row kernel; both are bound by memory, not FMAs.
/// </summary>
internal static class SixteenRowPanels
{
    /// <summary>Rows per block.</summary>
    public const int Rows = 16;

    /// <summary>Inputs per block of the inner loop.</summary>
    private const int Depth = 128;

    [ThreadStatic] private static float[]? _transposed;

    /// <summary>
    /// y (rows <paramref name="first"/>..<paramref name="rows"/>, outputs 0..<paramref name="outs"/>, whole panels) =
    /// x · wᵀ (+ bias), with <paramref name="panels"/> as <see cref="CpuMatrix.Panels"/> lays them out (panel width
    /// 2 × 16), y's rows <paramref name="stride"/> long. Every block of sixteen rows (the last one padded with zero rows,
    /// not stored) meets a block of the panel while it is in L1. Only where <see cref="Vector512.IsHardwareAccelerated"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Multiply(float[] panels, int ins, int stride, int outs, float[]? bias, float[] x, float[] y, int first, int rows)
    {
        int n = Vector512<float>.Count, blocks = (rows - first + Rows - 1) / Rows, size = blocks * ins * Rows;
        var t = _transposed is { } buffer && buffer.Length >= size ? buffer : _transposed = new float[size];
        for (int block = 0; block < blocks; block++) // (block, ins, 16): sixteen rows' inputs i side by side
        {
            int r0 = first + block * Rows, count = Math.Min(Rows, rows - r0);
            var tb = t.AsSpan(block * ins * Rows, ins * Rows);
            if (count < Rows) tb.Clear();
            for (int r = 0; r < count; r++)
            {
                var xr = x.AsSpan((r0 + r) * ins, ins);
                for (int i = 0; i < ins; i++) tb[i * Rows + r] = xr[i];
            }
        }
        for (int o = 0; o < outs; o += 2 * n)
        {
            nuint panel = (nuint)(o / (2 * n) * ins * 2 * n);
            Touch(panels, (int)panel, ins * 2 * n);
            for (int k = 0; k < ins; k += Depth)
            {
                int depth = Math.Min(Depth, ins - k);
                for (int block = 0; block < blocks; block++)
                {
                    int r0 = first + block * Rows, count = Math.Min(Rows, rows - r0), from = block * ins + k;
                    Vectors(panels, panel + (nuint)(k * 2 * n), t, from, depth, y, r0, count, stride, o, k == 0, bias);
                    Vectors(panels, panel + (nuint)(k * 2 * n + n), t, from, depth, y, r0, count, stride, o + n, k == 0, bias);
                }
            }
        }
    }

    /// <summary>
    /// Reads one float of every cache line of <paramref name="panels"/>[<paramref name="at"/>..+<paramref name="length"/>]:
    /// independent loads, many misses in flight, so the panel arrives from memory at the rate a plain stream gets
    /// (the FMA loop alone keeps too few misses in flight: it ran at a third of that). What stands in for a software
    /// prefetch, which needs unsafe code.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Touch(float[] panels, int at, int length)
    {
        ref float p = ref MemoryMarshal.GetArrayDataReference(panels);
        float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
        nuint i = (nuint)at, end = (nuint)(at + length);
        for (; i + 64 <= end; i += 64)
        {
            s0 += Unsafe.Add(ref p, i);
            s1 += Unsafe.Add(ref p, i + 16);
            s2 += Unsafe.Add(ref p, i + 32);
            s3 += Unsafe.Add(ref p, i + 48);
        }
        _sink = s0 + s1 + s2 + s3;
    }

    [ThreadStatic] private static float _sink;

    /// <summary>
    /// One weight vector's column (16 outputs at <paramref name="o"/>) of a panel, inputs <paramref name="k"/>..+<paramref name="depth"/>,
    /// against the sixteen transposed rows: starts from the bias (or zero) at the first block, else from y.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Vectors(float[] panels, nuint at, float[] t, int from, int depth, float[] y, int r0, int count, int stride, int o, bool start, float[]? bias)
    {
        ref float pRef = ref MemoryMarshal.GetArrayDataReference(panels);
        ref float yRef = ref MemoryMarshal.GetArrayDataReference(y);
        nuint p = (nuint)(2 * Vector512<float>.Count), y0 = (nuint)(r0 * stride + o), e = (nuint)stride;
        Vector512<float> a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15;
        if (start)
        {
            var c = bias is null ? default : Vector512.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(bias), (nuint)o);
            a0 = a1 = a2 = a3 = a4 = a5 = a6 = a7 = a8 = a9 = a10 = a11 = a12 = a13 = a14 = a15 = c;
        }
        else if (count == Rows)
        {
            a0 = Vector512.LoadUnsafe(ref yRef, y0); a1 = Vector512.LoadUnsafe(ref yRef, y0 + e);
            a2 = Vector512.LoadUnsafe(ref yRef, y0 + 2 * e); a3 = Vector512.LoadUnsafe(ref yRef, y0 + 3 * e);
            a4 = Vector512.LoadUnsafe(ref yRef, y0 + 4 * e); a5 = Vector512.LoadUnsafe(ref yRef, y0 + 5 * e);
            a6 = Vector512.LoadUnsafe(ref yRef, y0 + 6 * e); a7 = Vector512.LoadUnsafe(ref yRef, y0 + 7 * e);
            a8 = Vector512.LoadUnsafe(ref yRef, y0 + 8 * e); a9 = Vector512.LoadUnsafe(ref yRef, y0 + 9 * e);
            a10 = Vector512.LoadUnsafe(ref yRef, y0 + 10 * e); a11 = Vector512.LoadUnsafe(ref yRef, y0 + 11 * e);
            a12 = Vector512.LoadUnsafe(ref yRef, y0 + 12 * e); a13 = Vector512.LoadUnsafe(ref yRef, y0 + 13 * e);
            a14 = Vector512.LoadUnsafe(ref yRef, y0 + 14 * e); a15 = Vector512.LoadUnsafe(ref yRef, y0 + 15 * e);
        }
        else // a last block of fewer rows: the missing ones are zero inputs, their sums never stored
        {
            a0 = Load(ref yRef, y0, e, 0, count); a1 = Load(ref yRef, y0, e, 1, count); a2 = Load(ref yRef, y0, e, 2, count);
            a3 = Load(ref yRef, y0, e, 3, count); a4 = Load(ref yRef, y0, e, 4, count); a5 = Load(ref yRef, y0, e, 5, count);
            a6 = Load(ref yRef, y0, e, 6, count); a7 = Load(ref yRef, y0, e, 7, count); a8 = Load(ref yRef, y0, e, 8, count);
            a9 = Load(ref yRef, y0, e, 9, count); a10 = Load(ref yRef, y0, e, 10, count); a11 = Load(ref yRef, y0, e, 11, count);
            a12 = Load(ref yRef, y0, e, 12, count); a13 = Load(ref yRef, y0, e, 13, count); a14 = Load(ref yRef, y0, e, 14, count);
            a15 = default;
        }
        ref float s = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(t), from * Rows);
        for (int i = 0; i < depth; i++, at += p, s = ref Unsafe.Add(ref s, Rows))
        {
            var w = Vector512.LoadUnsafe(ref pRef, at);
            a0 = Vector512.FusedMultiplyAdd(w, Vector512.Create(s), a0);
            a1 = Vector512.FusedMultiplyAdd(w, Vector512.Create(Unsafe.Add(ref s, 1)), a1);
            a2 = Vector512.FusedMultiplyAdd(w, Vector512.Create(Unsafe.Add(ref s, 2)), a2);
            a3 = Vector512.FusedMultiplyAdd(w, Vector512.Create(Unsafe.Add(ref s, 3)), a3);
            a4 = Vector512.FusedMultiplyAdd(w, Vector512.Create(Unsafe.Add(ref s, 4)), a4);
            a5 = Vector512.FusedMultiplyAdd(w, Vector512.Create(Unsafe.Add(ref s, 5)), a5);
            a6 = Vector512.FusedMultiplyAdd(w, Vector512.Create(Unsafe.Add(ref s, 6)), a6);
            a7 = Vector512.FusedMultiplyAdd(w, Vector512.Create(Unsafe.Add(ref s, 7)), a7);
            a8 = Vector512.FusedMultiplyAdd(w, Vector512.Create(Unsafe.Add(ref s, 8)), a8);
            a9 = Vector512.FusedMultiplyAdd(w, Vector512.Create(Unsafe.Add(ref s, 9)), a9);
            a10 = Vector512.FusedMultiplyAdd(w, Vector512.Create(Unsafe.Add(ref s, 10)), a10);
            a11 = Vector512.FusedMultiplyAdd(w, Vector512.Create(Unsafe.Add(ref s, 11)), a11);
            a12 = Vector512.FusedMultiplyAdd(w, Vector512.Create(Unsafe.Add(ref s, 12)), a12);
            a13 = Vector512.FusedMultiplyAdd(w, Vector512.Create(Unsafe.Add(ref s, 13)), a13);
            a14 = Vector512.FusedMultiplyAdd(w, Vector512.Create(Unsafe.Add(ref s, 14)), a14);
            a15 = Vector512.FusedMultiplyAdd(w, Vector512.Create(Unsafe.Add(ref s, 15)), a15);
        }
        if (count == Rows)
        {
            a0.StoreUnsafe(ref yRef, y0); a1.StoreUnsafe(ref yRef, y0 + e);
            a2.StoreUnsafe(ref yRef, y0 + 2 * e); a3.StoreUnsafe(ref yRef, y0 + 3 * e);
            a4.StoreUnsafe(ref yRef, y0 + 4 * e); a5.StoreUnsafe(ref yRef, y0 + 5 * e);
            a6.StoreUnsafe(ref yRef, y0 + 6 * e); a7.StoreUnsafe(ref yRef, y0 + 7 * e);
            a8.StoreUnsafe(ref yRef, y0 + 8 * e); a9.StoreUnsafe(ref yRef, y0 + 9 * e);
            a10.StoreUnsafe(ref yRef, y0 + 10 * e); a11.StoreUnsafe(ref yRef, y0 + 11 * e);
            a12.StoreUnsafe(ref yRef, y0 + 12 * e); a13.StoreUnsafe(ref yRef, y0 + 13 * e);
            a14.StoreUnsafe(ref yRef, y0 + 14 * e); a15.StoreUnsafe(ref yRef, y0 + 15 * e);
            return;
        }
        Store(a0, ref yRef, y0, e, 0, count); Store(a1, ref yRef, y0, e, 1, count); Store(a2, ref yRef, y0, e, 2, count);
        Store(a3, ref yRef, y0, e, 3, count); Store(a4, ref yRef, y0, e, 4, count); Store(a5, ref yRef, y0, e, 5, count);
        Store(a6, ref yRef, y0, e, 6, count); Store(a7, ref yRef, y0, e, 7, count); Store(a8, ref yRef, y0, e, 8, count);
        Store(a9, ref yRef, y0, e, 9, count); Store(a10, ref yRef, y0, e, 10, count); Store(a11, ref yRef, y0, e, 11, count);
        Store(a12, ref yRef, y0, e, 12, count); Store(a13, ref yRef, y0, e, 13, count); Store(a14, ref yRef, y0, e, 14, count);
    }

    /// <summary>Row <paramref name="r"/>'s partial sums from y, or zero past the <paramref name="count"/> real rows.</summary>
    private static Vector512<float> Load(ref float yRef, nuint y0, nuint e, int r, int count) =>
        r < count ? Vector512.LoadUnsafe(ref yRef, y0 + (nuint)r * e) : default;

    /// <summary>Row <paramref name="r"/>'s sums into y when it is one of the <paramref name="count"/> real rows.</summary>
    private static void Store(Vector512<float> a, ref float yRef, nuint y0, nuint e, int r, int count)
    {
        if (r < count) a.StoreUnsafe(ref yRef, y0 + (nuint)r * e);
    }
}
