using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace T1.Ml.Sampling;

/// <summary>
/// A weight matrix (outs, ins) of <see cref="CpuDecodeStep"/> and its product with a batch of input rows,
/// y (rows, outs) = x (rows, ins) · wᵀ (+ bias). Few rows read the matrix row-major as torch keeps it (four weight rows
/// against one or two input rows, FMA chains summed across lanes at the end): a batch-1 step is bound by how fast the
/// weights stream in, and this reads each once. From <see cref="PanelRowsFrom"/> rows the product runs as a small
/// matrix multiply over the matrix packed in column panels (made on first use): each panel of
/// <see cref="PanelWidth"/> outputs × all inputs is read once per step and kept in L1 while every block of four input
/// rows meets it (eight accumulators of broadcast-input × weight-vector FMAs, no sums across lanes), so the weights
/// stream from memory once for all rows and the multiply runs near the core's FMA rate. With AVX-512 the blocks are of
/// eight rows and the next panel is prefetched into L2 while this one is multiplied (<see cref="PanelBlocks512"/>).
/// </summary>
internal sealed class CpuMatrix
{
    /// <summary>Input rows from which the panel kernel is used; fewer go through the row-major kernel.</summary>
    public const int PanelRowsFrom = 4;

    private float[]? _panels;

    public CpuMatrix(float[] rows, int outs, int ins)
    {
        if (rows.Length != outs * ins) throw new ArgumentException($"CPU decode: a {outs}×{ins} matrix needs {outs * ins} values, got {rows.Length}.");
        (Rows, Outs, Ins) = (rows, outs, ins);
    }

    /// <summary>The matrix row-major (outs, ins).</summary>
    public float[] Rows { get; }

    public int Outs { get; }
    public int Ins { get; }

    /// <summary>Floats per SIMD vector of the panel kernel: 512-bit vectors where the core has them (twice the FMA width of <see cref="Vector{T}"/>'s 256 bits).</summary>
    private static readonly int Lanes = Vector512.IsHardwareAccelerated ? Vector512<float>.Count : Vector<float>.Count;

    /// <summary>Outputs per panel: two SIMD vectors.</summary>
    public static int PanelWidth => 2 * Lanes;

    /// <summary>
    /// The matrix as ⌈outs / <see cref="PanelWidth"/>⌉ panels, each (ins, <see cref="PanelWidth"/>) row-major: element
    /// (o, i) at panel o / P, offset i·P + o mod P; outputs past <see cref="Outs"/> in the last panel are zero.
    /// </summary>
    public float[] Panels => _panels ??= Pack();

    private float[] Pack()
    {
        int p = PanelWidth, panels = (Outs + p - 1) / p;
        var packed = new float[panels * Ins * p];
        for (int o = 0; o < Outs; o++)
        {
            int at = o / p * Ins * p + o % p;
            for (int i = 0; i < Ins; i++) packed[at + i * p] = Rows[o * Ins + i];
        }
        return packed;
    }

    /// <summary>y (rows, outs) = x (rows, ins) · wᵀ (+ bias); x and y row-major, at least rows × ins and rows × outs long.</summary>
    public void Multiply(float[]? bias, float[] x, float[] y, int rows)
    {
        if (x.Length < rows * Ins || y.Length < rows * Outs || bias is not null && bias.Length < Outs)
            throw new ArgumentException("CPU decode: matrix sizes do not match.");
        int done = 0, whole = Outs / PanelWidth * PanelWidth;
        if (rows >= PanelRowsFrom && whole > 0 && Ins > 0)
        {
            done = rows;
            if (Vector512.IsHardwareAccelerated) PanelBlocks512(bias, x, y, rows, whole);
            else PanelBlocks(bias, x, y, rows, whole);
            if (whole < Outs) RowMajor(bias, x, y, 0, rows, whole); // the last outputs, fewer than a panel
        }
        if (done < rows) RowMajor(bias, x, y, done, rows, 0);
    }

    /// <summary>
    /// Rows 0..<paramref name="rows"/> through the panels, four at a time, outputs 0..<paramref name="outs"/> (whole
    /// panels). No calls in here: around a call the JIT keeps the eight accumulators on the stack, inside the loop too.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // straight to optimised code: in a server, tiered compilation leaves hot loops in slow instrumented code for long
    private void PanelBlocks(float[]? bias, float[] x, float[] y, int rows, int outs)
    {
        int n = Vector<float>.Count, p = 2 * n, ins = Ins, stride = Outs;
        var panels = Panels;
        ref float pRef = ref MemoryMarshal.GetArrayDataReference(panels);
        ref float xRef = ref MemoryMarshal.GetArrayDataReference(x);
        ref float yRef = ref MemoryMarshal.GetArrayDataReference(y);
        ref float bRef = ref bias is null ? ref Unsafe.NullRef<float>() : ref MemoryMarshal.GetArrayDataReference(bias);
        bool biased = bias is not null;
        int full = rows / 4 * 4;
        for (int o = 0; o < outs; o += p)
        {
            nuint panel = (nuint)(o / p * ins * p);
            Vector<float> c0 = default, c1 = default;
            if (biased) (c0, c1) = (Vector.LoadUnsafe(ref bRef, (nuint)o), Vector.LoadUnsafe(ref bRef, (nuint)(o + n)));
            for (int r = 0; r < full; r += 4)
            {
                nuint x0 = (nuint)(r * ins), x1 = x0 + (nuint)ins, x2 = x1 + (nuint)ins, x3 = x2 + (nuint)ins;
                Vector<float> a0 = c0, b0 = c1, a1 = c0, b1 = c1, a2 = c0, b2 = c1, a3 = c0, b3 = c1;
                nuint at = panel;
                for (nuint i = 0; i < (nuint)ins; i++, at += (nuint)p)
                {
                    var u = Vector.LoadUnsafe(ref pRef, at);
                    var v = Vector.LoadUnsafe(ref pRef, at + (nuint)n);
                    var s = new Vector<float>(Unsafe.Add(ref xRef, x0 + i));
                    a0 = Vector.FusedMultiplyAdd(u, s, a0);
                    b0 = Vector.FusedMultiplyAdd(v, s, b0);
                    s = new Vector<float>(Unsafe.Add(ref xRef, x1 + i));
                    a1 = Vector.FusedMultiplyAdd(u, s, a1);
                    b1 = Vector.FusedMultiplyAdd(v, s, b1);
                    s = new Vector<float>(Unsafe.Add(ref xRef, x2 + i));
                    a2 = Vector.FusedMultiplyAdd(u, s, a2);
                    b2 = Vector.FusedMultiplyAdd(v, s, b2);
                    s = new Vector<float>(Unsafe.Add(ref xRef, x3 + i));
                    a3 = Vector.FusedMultiplyAdd(u, s, a3);
                    b3 = Vector.FusedMultiplyAdd(v, s, b3);
                }
                nuint y0 = (nuint)(r * stride + o), y1 = y0 + (nuint)stride, y2 = y1 + (nuint)stride, y3 = y2 + (nuint)stride;
                a0.StoreUnsafe(ref yRef, y0);
                b0.StoreUnsafe(ref yRef, y0 + (nuint)n);
                a1.StoreUnsafe(ref yRef, y1);
                b1.StoreUnsafe(ref yRef, y1 + (nuint)n);
                a2.StoreUnsafe(ref yRef, y2);
                b2.StoreUnsafe(ref yRef, y2 + (nuint)n);
                a3.StoreUnsafe(ref yRef, y3);
                b3.StoreUnsafe(ref yRef, y3 + (nuint)n);
            }
            for (int r = full; r < rows; r++) // the last rows, fewer than four, while the panel is in L1
            {
                nuint x0 = (nuint)(r * ins);
                Vector<float> a0 = c0, b0 = c1;
                nuint at = panel;
                for (nuint i = 0; i < (nuint)ins; i++, at += (nuint)p)
                {
                    var s = new Vector<float>(Unsafe.Add(ref xRef, x0 + i));
                    a0 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref pRef, at), s, a0);
                    b0 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref pRef, at + (nuint)n), s, b0);
                }
                a0.StoreUnsafe(ref yRef, (nuint)(r * stride + o));
                b0.StoreUnsafe(ref yRef, (nuint)(r * stride + o) + (nuint)n);
            }
        }
    }

    /// <summary>
    /// <see cref="PanelBlocks"/> in 512-bit vectors, eight rows at a time first (AVX-512 has 32 vector registers). While
    /// the first block of rows meets a panel, the next panel is prefetched into L2, two cache lines an input, so the
    /// weights stream in under the FMAs instead of stalling them (the loop's own loads keep too few misses in flight).
    /// Measured at 16 rows over the <c>small</c> preset's matrices on an AMD Zen 5 core (bench/RESULTS.md, serving,
    /// session 12): ≈ 140 GFLOP/s for one step's products, against ≈ 90–115 for a sixteen-row kernel that read each
    /// weight vector once for all sixteen rows; the prefetch took 6–13 % off a whole 16-row step.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private unsafe void PanelBlocks512(float[]? bias, float[] x, float[] y, int rows, int outs)
    {
        int n = Vector512<float>.Count, p = 2 * n, ins = Ins, stride = Outs;
        var panels = Panels;
        ref float pRef = ref MemoryMarshal.GetArrayDataReference(panels);
        ref float xRef = ref MemoryMarshal.GetArrayDataReference(x);
        ref float yRef = ref MemoryMarshal.GetArrayDataReference(y);
        ref float bRef = ref bias is null ? ref Unsafe.NullRef<float>() : ref MemoryMarshal.GetArrayDataReference(bias);
        bool biased = bias is not null;
        int eights = rows / 8 * 8, full = rows / 4 * 4;
        for (int o = 0; o < outs; o += p)
        {
            nuint panel = (nuint)(o / p * ins * p);
            Vector512<float> c0 = default, c1 = default;
            if (biased) (c0, c1) = (Vector512.LoadUnsafe(ref bRef, (nuint)o), Vector512.LoadUnsafe(ref bRef, (nuint)(o + n)));
            nuint pf = o + p < outs ? (nuint)(ins * p) : 0; // the next panel's distance, during the first block of rows only
            for (int r = 0; r < eights; r += 8, pf = 0) // eight rows: sixteen accumulators (of 32 registers), the panel read half as often
            {
                nuint x0 = (nuint)(r * ins), d = (nuint)ins;
                Vector512<float> a0 = c0, b0 = c1, a1 = c0, b1 = c1, a2 = c0, b2 = c1, a3 = c0, b3 = c1;
                Vector512<float> a4 = c0, b4 = c1, a5 = c0, b5 = c1, a6 = c0, b6 = c1, a7 = c0, b7 = c1;
                nuint at = panel;
                for (nuint i = 0; i < d; i++, at += (nuint)p)
                {
                    var u = Vector512.LoadUnsafe(ref pRef, at);
                    var v = Vector512.LoadUnsafe(ref pRef, at + (nuint)n);
                    if (pf != 0) Prefetch(ref pRef, at + pf, (nuint)n);
                    nuint xi = x0 + i;
                    var s = Vector512.Create(Unsafe.Add(ref xRef, xi));
                    a0 = Vector512.FusedMultiplyAdd(u, s, a0);
                    b0 = Vector512.FusedMultiplyAdd(v, s, b0);
                    s = Vector512.Create(Unsafe.Add(ref xRef, xi + d));
                    a1 = Vector512.FusedMultiplyAdd(u, s, a1);
                    b1 = Vector512.FusedMultiplyAdd(v, s, b1);
                    s = Vector512.Create(Unsafe.Add(ref xRef, xi + 2 * d));
                    a2 = Vector512.FusedMultiplyAdd(u, s, a2);
                    b2 = Vector512.FusedMultiplyAdd(v, s, b2);
                    s = Vector512.Create(Unsafe.Add(ref xRef, xi + 3 * d));
                    a3 = Vector512.FusedMultiplyAdd(u, s, a3);
                    b3 = Vector512.FusedMultiplyAdd(v, s, b3);
                    s = Vector512.Create(Unsafe.Add(ref xRef, xi + 4 * d));
                    a4 = Vector512.FusedMultiplyAdd(u, s, a4);
                    b4 = Vector512.FusedMultiplyAdd(v, s, b4);
                    s = Vector512.Create(Unsafe.Add(ref xRef, xi + 5 * d));
                    a5 = Vector512.FusedMultiplyAdd(u, s, a5);
                    b5 = Vector512.FusedMultiplyAdd(v, s, b5);
                    s = Vector512.Create(Unsafe.Add(ref xRef, xi + 6 * d));
                    a6 = Vector512.FusedMultiplyAdd(u, s, a6);
                    b6 = Vector512.FusedMultiplyAdd(v, s, b6);
                    s = Vector512.Create(Unsafe.Add(ref xRef, xi + 7 * d));
                    a7 = Vector512.FusedMultiplyAdd(u, s, a7);
                    b7 = Vector512.FusedMultiplyAdd(v, s, b7);
                }
                nuint y0 = (nuint)(r * stride + o), e = (nuint)stride;
                a0.StoreUnsafe(ref yRef, y0);
                b0.StoreUnsafe(ref yRef, y0 + (nuint)n);
                a1.StoreUnsafe(ref yRef, y0 + e);
                b1.StoreUnsafe(ref yRef, y0 + e + (nuint)n);
                a2.StoreUnsafe(ref yRef, y0 + 2 * e);
                b2.StoreUnsafe(ref yRef, y0 + 2 * e + (nuint)n);
                a3.StoreUnsafe(ref yRef, y0 + 3 * e);
                b3.StoreUnsafe(ref yRef, y0 + 3 * e + (nuint)n);
                a4.StoreUnsafe(ref yRef, y0 + 4 * e);
                b4.StoreUnsafe(ref yRef, y0 + 4 * e + (nuint)n);
                a5.StoreUnsafe(ref yRef, y0 + 5 * e);
                b5.StoreUnsafe(ref yRef, y0 + 5 * e + (nuint)n);
                a6.StoreUnsafe(ref yRef, y0 + 6 * e);
                b6.StoreUnsafe(ref yRef, y0 + 6 * e + (nuint)n);
                a7.StoreUnsafe(ref yRef, y0 + 7 * e);
                b7.StoreUnsafe(ref yRef, y0 + 7 * e + (nuint)n);
            }
            for (int r = eights; r < full; r += 4, pf = 0)
            {
                nuint x0 = (nuint)(r * ins), x1 = x0 + (nuint)ins, x2 = x1 + (nuint)ins, x3 = x2 + (nuint)ins;
                Vector512<float> a0 = c0, b0 = c1, a1 = c0, b1 = c1, a2 = c0, b2 = c1, a3 = c0, b3 = c1;
                nuint at = panel;
                for (nuint i = 0; i < (nuint)ins; i++, at += (nuint)p)
                {
                    var u = Vector512.LoadUnsafe(ref pRef, at);
                    var v = Vector512.LoadUnsafe(ref pRef, at + (nuint)n);
                    if (pf != 0) Prefetch(ref pRef, at + pf, (nuint)n);
                    var s = Vector512.Create(Unsafe.Add(ref xRef, x0 + i));
                    a0 = Vector512.FusedMultiplyAdd(u, s, a0);
                    b0 = Vector512.FusedMultiplyAdd(v, s, b0);
                    s = Vector512.Create(Unsafe.Add(ref xRef, x1 + i));
                    a1 = Vector512.FusedMultiplyAdd(u, s, a1);
                    b1 = Vector512.FusedMultiplyAdd(v, s, b1);
                    s = Vector512.Create(Unsafe.Add(ref xRef, x2 + i));
                    a2 = Vector512.FusedMultiplyAdd(u, s, a2);
                    b2 = Vector512.FusedMultiplyAdd(v, s, b2);
                    s = Vector512.Create(Unsafe.Add(ref xRef, x3 + i));
                    a3 = Vector512.FusedMultiplyAdd(u, s, a3);
                    b3 = Vector512.FusedMultiplyAdd(v, s, b3);
                }
                nuint y0 = (nuint)(r * stride + o), y1 = y0 + (nuint)stride, y2 = y1 + (nuint)stride, y3 = y2 + (nuint)stride;
                a0.StoreUnsafe(ref yRef, y0);
                b0.StoreUnsafe(ref yRef, y0 + (nuint)n);
                a1.StoreUnsafe(ref yRef, y1);
                b1.StoreUnsafe(ref yRef, y1 + (nuint)n);
                a2.StoreUnsafe(ref yRef, y2);
                b2.StoreUnsafe(ref yRef, y2 + (nuint)n);
                a3.StoreUnsafe(ref yRef, y3);
                b3.StoreUnsafe(ref yRef, y3 + (nuint)n);
            }
            for (int r = full; r < rows; r++) // the last rows, fewer than four, while the panel is in L1
            {
                nuint x0 = (nuint)(r * ins);
                Vector512<float> a0 = c0, b0 = c1;
                nuint at = panel;
                for (nuint i = 0; i < (nuint)ins; i++, at += (nuint)p)
                {
                    var s = Vector512.Create(Unsafe.Add(ref xRef, x0 + i));
                    a0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref pRef, at), s, a0);
                    b0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref pRef, at + (nuint)n), s, b0);
                }
                a0.StoreUnsafe(ref yRef, (nuint)(r * stride + o));
                b0.StoreUnsafe(ref yRef, (nuint)(r * stride + o) + (nuint)n);
            }
        }
    }

    /// <summary>
    /// Asks for the two cache lines of panel data at <paramref name="at"/> and <paramref name="at"/> + <paramref name="n"/>
    /// in L2. A prefetch never faults, so an address the garbage collector has since moved costs nothing but the hint.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Prefetch(ref float pRef, nuint at, nuint n)
    {
        Sse.Prefetch1(Unsafe.AsPointer(ref Unsafe.Add(ref pRef, at)));
        Sse.Prefetch1(Unsafe.AsPointer(ref Unsafe.Add(ref pRef, at + n)));
    }

    /// <summary>
    /// Rows <paramref name="first"/>..<paramref name="rows"/>, outputs <paramref name="firstOut"/>.., against the row-major matrix: four weight rows (a few KiB,
    /// in L1) meet every input row, one SIMD FMA chain each, two input rows at a time where there are two.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RowMajor(float[]? bias, float[] x, float[] y, int first, int rows, int firstOut)
    {
        int n = Vector<float>.Count, o = firstOut, outs = Outs, ins = Ins;
        var w = Rows;
        if (ins % n == 0)
        {
            ref float wRef = ref MemoryMarshal.GetArrayDataReference(w);
            ref float xRef = ref MemoryMarshal.GetArrayDataReference(x);
            for (; o + 4 <= outs; o += 4)
            {
                nuint w0 = (nuint)(o * ins), w1 = w0 + (nuint)ins, w2 = w1 + (nuint)ins, w3 = w2 + (nuint)ins;
                int r = first;
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
        for (; o < outs; o++) // what the blocks above left: a last few rows, or widths that are not whole vectors
        {
            var wo = w.AsSpan(o * ins, ins);
            float add = bias is null ? 0f : bias[o];
            for (int r = first; r < rows; r++) y[r * outs + o] = TensorPrimitives.Dot(wo, x.AsSpan(r * ins, ins)) + add;
        }
    }

    /// <summary>
    /// Four weight rows against two input rows (<paramref name="x0"/> and the next): eight independent FMA chains, each
    /// weight vector loaded once for both rows.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
}
