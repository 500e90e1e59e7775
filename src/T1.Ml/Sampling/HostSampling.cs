using System.Runtime.CompilerServices;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace T1.Ml.Sampling;

/// <summary>
/// Chooses a token from one row's next-token logits on the host, in one pass over them — what the decode engine does
/// for every row when the logits are in host memory (a CPU model), instead of a handful of tensor ops a row a step.
/// Greedy at temperature 0 (the first largest logit, as <c>argmax</c>); otherwise softmax at the temperature, top-p
/// (the likeliest tokens whose probability mass before them is under top_p, the top one always kept), then one
/// uniform number from the row's own <see cref="RowRandom"/> picks by the cumulative distribution.
/// </summary>
internal sealed class HostSampling
{
    private float[] _probs = [];
    private float[] _keys = [];
    private int[] _order = [];

    /// <summary>The token for <paramref name="logits"/> (V) at <paramref name="temperature"/> and <paramref name="topP"/>, drawing from <paramref name="random"/> unless greedy.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // straight to optimised code: in a server, tiered compilation leaves hot loops in slow instrumented code for long
    public int Choose(ReadOnlySpan<float> logits, double temperature, double topP, RowRandom random)
    {
        if (temperature == 0) return TensorPrimitives.IndexOfMax(logits);
        int V = logits.Length;
        if (_probs.Length < V) (_probs, _keys, _order) = (new float[V], new float[V], new int[V]);
        var p = _probs.AsSpan(0, V);
        TensorPrimitives.Subtract(logits, TensorPrimitives.Max(logits), p);
        TensorPrimitives.Multiply(p, (float)(1 / temperature), p);
        TensorPrimitives.Exp(p, p); // unnormalised: the largest is 1
        double u = random.NextDouble();
        if (topP >= 1) return Pick(p, default, u * Sum(p));
        // Nucleus: sorted by probability (ties by token id), keep while the mass before a token is under top_p.
        var keys = _keys.AsSpan(0, V);
        var order = _order.AsSpan(0, V);
        TensorPrimitives.Negate(p, keys);
        for (int i = 0; i < V; i++) order[i] = i;
        keys.Sort(order);
        double limit = topP * Sum(p), before = 0;
        int kept = 0;
        while (kept < V && (kept == 0 || before < limit)) before += p[order[kept++]];
        return Pick(p, order[..kept], u * before);
    }

    /// <summary>The first token (in <paramref name="order"/>, or by id when it is empty) where the running sum of probabilities passes <paramref name="target"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Pick(ReadOnlySpan<float> p, ReadOnlySpan<int> order, double target)
    {
        bool ordered = !order.IsEmpty;
        int n = ordered ? order.Length : p.Length, last = -1;
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            int t = ordered ? order[i] : i;
            if (p[t] == 0) continue;
            sum += p[t];
            last = t;
            if (sum > target) return t;
        }
        return last; // rounding left the target at the very end: the last token with any probability
    }

    /// <summary>The sum in double, in token order: the same rounding as <see cref="Pick"/>'s running sum.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double Sum(ReadOnlySpan<float> p)
    {
        double sum = 0;
        foreach (var x in p) sum += x;
        return sum;
    }
}
