using T1.Ml.Compute;
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
    /// frequencies are scaled (linear, yarn) and cos/sin multiplied by its attention factor. The sin table's first
    /// half is negated (see <see cref="Apply"/>).
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
        var sin = emb.sin() * attention;
        var signedSin = cat([-sin.narrow(1, 0, headDim / 2), sin.narrow(1, headDim / 2, headDim / 2)], dim: -1); // (P, D)
        return ((emb.cos() * attention).to(float32).MoveToOuterDisposeScope(), signedSin.to(float32).MoveToOuterDisposeScope());
    }

    /// <summary>
    /// Rotates <paramref name="x"/> (B, heads, T, D) by cos and the signed sin of <see cref="Tables"/> (B, 1, T, D):
    /// x·cos + rotate_half(x)·sin, where rotate_half(x) = [−x2, x1] = roll(x, D/2)·[−1…, 1…]. The sign lives in the
    /// table, so this is 4 ops instead of 7, and bit for bit the same (negation and products are exact).
    /// </summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor signedSin)
    {
        using var scope = NewDisposeScope();
        return (x * cos).Plus(x.roll(x.shape[^1] / 2, -1) * signedSin).MoveToOuterDisposeScope();
    }
}
