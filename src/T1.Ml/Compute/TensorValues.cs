using TorchSharp;
using static TorchSharp.torch;

namespace T1.Ml.Compute;

/// <summary>
/// Reads numbers out of tensors for metrics and assertions. Goes through the tensor's memory
/// (<c>data&lt;float&gt;()</c>) rather than <c>item&lt;T&gt;()</c>, whose c10 Scalar round-trip
/// once failed intermittently under load ("toFloat: Expected false to be true").
/// </summary>
public static class TensorValues
{
    /// <summary>The value of a one-element tensor as a float, copied to the CPU if needed.</summary>
    public static float Float(Tensor t)
    {
        if (t.numel() != 1)
            throw new ArgumentException($"expected a one-element tensor, got shape [{string.Join(", ", t.shape)}]", nameof(t));
        using var host = t.detach().to(ScalarType.Float32).cpu().contiguous();
        return host.data<float>()[0];
    }

    /// <summary>All values of a tensor as floats, flattened, copied to the CPU if needed.</summary>
    public static float[] Floats(Tensor t)
    {
        using var host = t.detach().to(ScalarType.Float32).cpu().contiguous().reshape(-1);
        return host.data<float>().ToArray();
    }
}
