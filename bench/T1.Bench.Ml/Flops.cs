using T1.Ml.Model;

namespace T1.Bench.Ml;

/// <summary>Model FLOPs per trained token (PaLM appendix B convention) and measured matmul FLOP/s.</summary>
public static class Flops
{
    /// <summary>
    /// Parameters that take part in a matmul per token: every projection in the blocks plus the output
    /// projection (V × C, the tied embedding counts here); the embedding lookup, norms and biases do not.
    /// </summary>
    public static long MatmulParameters(ModelConfig c)
    {
        long d = c.HeadDim;
        long attention = (long)c.HiddenSize * c.NumHeads * d * 2 + (long)c.HiddenSize * c.NumKvHeads * d * 2; // q, o + k, v
        long mlp = 3L * c.HiddenSize * c.IntermediateSize;
        return c.NumLayers * (attention + mlp) + (long)c.VocabSize * c.HiddenSize;
    }

    /// <summary>
    /// Training FLOPs per token at sequence length <paramref name="seq"/>: 6·N (forward 2·N, backward 4·N)
    /// plus attention scores and values, 12·L·C·T (the full T×T square, as PaLM counts it).
    /// </summary>
    public static double TrainingPerToken(ModelConfig c, int seq) => 6.0 * MatmulParameters(c) + 12.0 * c.NumLayers * c.HiddenSize * seq;

    /// <summary>Best fp32 C = A·B throughput (FLOP/s) over a few square sizes, on this process's torch threads.</summary>
    public static (double FlopsPerSecond, int Size) MeasureMatmul(int repeats = 20)
    {
        double best = 0;
        int bestSize = 0;
        foreach (int n in new[] { 256, 512, 1024, 2048 })
        {
            using var scope = TorchSharp.torch.NewDisposeScope();
            var a = TorchSharp.torch.randn(n, n);
            var b = TorchSharp.torch.randn(n, n);
            for (int i = 0; i < 3; i++) TorchSharp.torch.mm(a, b);
            int reps = Math.Max(2, (int)(repeats * Math.Pow(1024.0 / n, 3) / 4) + 2);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            for (int i = 0; i < reps; i++) TorchSharp.torch.mm(a, b);
            double rate = 2.0 * n * n * n * reps / clock.Elapsed.TotalSeconds;
            if (rate > best) (best, bestSize) = (rate, n);
        }
        return (best, bestSize);
    }
}
