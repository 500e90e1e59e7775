using static TorchSharp.torch;

namespace T1.Ml.Model;

/// <summary>
/// Rotary position embedding in the Hugging Face "rotate half" layout (the first and second halves
/// of each head pair up), so Qwen2/Llama weights load unchanged.
/// </summary>
internal static class Rotary
{
    /// <summary>cos and sin tables, each (maxPositions, headDim), float32 on CPU.</summary>
    public static (Tensor Cos, Tensor Sin) Tables(int maxPositions, int headDim, double theta)
    {
        using var scope = NewDisposeScope();
        var invFreq = 1.0 / pow(theta, arange(0, headDim, 2, dtype: float64) / headDim); // (D/2)
        var t = arange(maxPositions, dtype: float64);                                      // (P)
        var freqs = outer(t, invFreq);                                                      // (P, D/2)
        var emb = cat([freqs, freqs], dim: -1);                                             // (P, D)
        return (emb.cos().to(float32).MoveToOuterDisposeScope(), emb.sin().to(float32).MoveToOuterDisposeScope());
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
