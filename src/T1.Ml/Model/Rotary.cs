using static TorchSharp.torch;

namespace T1.Ml.Model;

/// <summary>
/// Rotary position embedding in the Hugging Face "rotate half" layout (the first and second halves
/// of each head pair up), so Qwen2/Llama weights load unchanged.
/// </summary>
internal static class Rotary
{
    /// <summary>
    /// cos and sin tables, each (maxPositions, headDim), float32 on CPU; with <paramref name="scaling"/> the
    /// frequencies are scaled (linear, yarn) and cos/sin multiplied by its attention factor.
    /// </summary>
    public static (Tensor Cos, Tensor Sin) Tables(int maxPositions, int headDim, double theta, RopeScaling? scaling = null)
    {
        using var scope = NewDisposeScope();
        double attention = 1.0;
        Tensor invFreq;
        if (scaling is null)
        {
            invFreq = 1.0 / pow(theta, arange(0, headDim, 2, dtype: float64) / headDim); // (D/2)
        }
        else
        {
            (var scaled, attention) = scaling.Frequencies(headDim, theta, maxPositions);
            invFreq = tensor(scaled, dtype: float64); // (D/2)
        }
        var t = arange(maxPositions, dtype: float64);                                      // (P)
        var freqs = outer(t, invFreq);                                                      // (P, D/2)
        var emb = cat([freqs, freqs], dim: -1);                                             // (P, D)
        return ((emb.cos() * attention).to(float32).MoveToOuterDisposeScope(), (emb.sin() * attention).to(float32).MoveToOuterDisposeScope());
    }

    /// <summary>Rotates <paramref name="x"/> (B, heads, T, D) by cos/sin (B, 1, T, D).</summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        using var scope = NewDisposeScope();
        long half = x.shape[^1] / 2;
        var x1 = x.narrow(-1, 0, half);
        var x2 = x.narrow(-1, half, half);
        var rotated = cat([-x2, x1], dim: -1);
        return (x * cos + rotated * sin).MoveToOuterDisposeScope();
    }
}
