using TorchSharp;
using static TorchSharp.torch;

namespace T1.Ml.Compute;

/// <summary>
/// Tensor arithmetic whose scalar arguments stay alive while libtorch reads them. TorchSharp 0.107 passes a
/// <see cref="Scalar"/>'s raw handle to native code and does not keep the Scalar reachable during the call, so a Scalar
/// made by an implicit conversion — the alpha 1 of <c>a + b</c>, the 0.5 of <c>x * 0.5</c> — can be
/// finalized on the finalizer thread while the op still reads it: a use after free that surfaces, after minutes of
/// training, as libtorch's "toFloat: Expected false to be true" (or as a wrong number). (<c>a - b</c> and <c>a * b</c> of two
/// tensors pass no Scalar and are safe as they are.) Here 1 is a static Scalar that is
/// never collected, and any other number is a Scalar disposed only after the op returned. Hot paths (the model's
/// forward and backward, the losses, the optimizers, sampling) use these; a test hammers them under forced collections.
/// </summary>
public static class KeptScalars
{
    private static readonly Scalar One = 1; // rooted for the life of the process
    private static readonly Scalar Two = 2; // rooted for the life of the process

    /// <summary>0, for fills (<c>masked_fill</c>); rooted for the life of the process.</summary>
    public static readonly Scalar Zero = 0.0;

    /// <summary>true, for fills of bool tensors; rooted for the life of the process.</summary>
    public static readonly Scalar True = true;

    /// <summary>
    /// <c>torch.arange(start, stop)</c> as int64 on <paramref name="device"/>, with start, stop and the step 1 kept alive
    /// (TorchSharp's shorter overloads make the step, and the start of <c>arange(stop)</c>, as implicit Scalars).
    /// </summary>
    public static Tensor Arange(long start, long stop, Device device)
    {
        using var first = start.ToScalar();
        using var end = stop.ToScalar();
        return arange(first, end, One, ScalarType.Int64, device);
    }

    /// <summary>
    /// <c>a²</c> element-wise: <c>pow(a, 2)</c> with a rooted 2. TorchSharp's <c>square()</c> is <c>pow(2)</c> with an implicit
    /// Scalar, and RMSNorm calls it every layer: evaluate's sampling parts failed there with "false INTERNAL ASSERT FAILED
    /// at c10/core/Scalar.h" (2026-12-02).
    /// </summary>
    public static Tensor Squared(this Tensor a) => a.pow(Two);

    /// <summary><c>a + b</c>.</summary>
    public static Tensor Plus(this Tensor a, Tensor b) => a.add(b, One);

    /// <summary><c>a += b</c> in place.</summary>
    public static Tensor PlusInPlace(this Tensor a, Tensor b) => a.add_(b, One);

    /// <summary><c>a + s</c>.</summary>
    public static Tensor Plus(this Tensor a, double s)
    {
        using var k = s.ToScalar();
        return a.add(k, One);
    }

    /// <summary><c>a += s</c> in place.</summary>
    public static Tensor PlusInPlace(this Tensor a, double s)
    {
        using var k = s.ToScalar();
        return a.add_(k, One);
    }

    /// <summary><c>a += s</c> in place, for integer tensors.</summary>
    public static Tensor PlusInPlace(this Tensor a, long s)
    {
        using var k = s.ToScalar();
        return a.add_(k, One);
    }

    /// <summary><c>a &gt;= s</c> as a bool tensor.</summary>
    public static Tensor AtLeastMask(this Tensor a, double s)
    {
        using var k = s.ToScalar();
        return a.ge(k);
    }

    /// <summary><c>a</c> clamped from below at <paramref name="min"/>, for integer tensors.</summary>
    public static Tensor AtLeast(this Tensor a, long min)
    {
        using var lo = min.ToScalar();
        return a.clamp_min(lo);
    }

    /// <summary><c>a += alpha · b</c> in place.</summary>
    public static Tensor PlusScaledInPlace(this Tensor a, Tensor b, double alpha)
    {
        using var k = alpha.ToScalar();
        return a.add_(b, k);
    }

    /// <summary><c>a += value · b · c</c> in place.</summary>
    public static Tensor PlusProductInPlace(this Tensor a, Tensor b, Tensor c, double value)
    {
        using var k = value.ToScalar();
        return a.addcmul_(b, c, k);
    }

    /// <summary><c>a += value · b / c</c> in place.</summary>
    public static Tensor PlusQuotientInPlace(this Tensor a, Tensor b, Tensor c, double value)
    {
        using var k = value.ToScalar();
        return a.addcdiv_(b, c, k);
    }

    /// <summary><c>a · s</c>.</summary>
    public static Tensor Times(this Tensor a, double s)
    {
        using var k = s.ToScalar();
        return a.mul(k);
    }

    /// <summary><c>a ·= s</c> in place.</summary>
    public static Tensor TimesInPlace(this Tensor a, double s)
    {
        using var k = s.ToScalar();
        return a.mul_(k);
    }

    /// <summary><c>a / s</c>.</summary>
    public static Tensor DividedBy(this Tensor a, double s)
    {
        using var k = s.ToScalar();
        return a.div(k);
    }

    /// <summary><c>a</c> clamped to [min, max].</summary>
    public static Tensor Clamped(this Tensor a, double min, double max)
    {
        using var lo = min.ToScalar();
        using var hi = max.ToScalar();
        return a.clamp(lo, hi);
    }

    /// <summary><c>a</c> clamped from below at <paramref name="min"/>.</summary>
    public static Tensor AtLeast(this Tensor a, double min)
    {
        using var lo = min.ToScalar();
        return a.clamp_min(lo);
    }
}
