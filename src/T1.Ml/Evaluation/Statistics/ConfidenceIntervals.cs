namespace T1.Ml.Evaluation.Statistics;

/// <summary>
/// The 95 % intervals the evaluation report gives, as plain functions of their inputs:
/// <list type="bullet">
/// <item><see cref="Wilson"/> for a greedy accuracy (k of n problems right): the Wilson score interval, which
/// stays inside [0, 1] and keeps a sensible width at 0 % and 100 % (the normal interval collapses there).</item>
/// <item><see cref="NormalMean"/> for sampled pass@1: each problem's share of right samples is one value, and the
/// interval is mean ± 1.96·s/√P over the P problems (s with P − 1), clipped to [0, 1]. The problems are the unit
/// of resampling because the samples of one problem are not independent of each other.</item>
/// <item><see cref="PairedBootstrap"/> for the difference between two checkpoints on the same problems: the
/// percentile bootstrap over problems (each resample draws P problems with replacement and averages the
/// per-problem differences), seeded, so the same inputs always give the same interval.</item>
/// </list>
/// </summary>
public static class ConfidenceIntervals
{
    /// <summary>z of a two-sided 95 % interval.</summary>
    public const double Z95 = 1.959963984540054;

    /// <summary>Resamples of the paired bootstrap.</summary>
    public const int DefaultResamples = 10_000;

    /// <summary>Wilson score interval of <paramref name="successes"/> out of <paramref name="n"/>; [0, 0] for n = 0.</summary>
    public static Interval Wilson(int successes, int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(successes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(successes, n);
        if (n == 0) return new(0, 0, 0);
        double p = (double)successes / n, z2 = Z95 * Z95;
        double denominator = 1 + z2 / n;
        double center = (p + z2 / (2.0 * n)) / denominator;
        double half = Z95 * Math.Sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / denominator;
        return new(p, Math.Max(0, center - half), Math.Min(1, center + half));
    }

    /// <summary>Mean of <paramref name="values"/> (shares in [0, 1]) ± 1.96 standard errors, clipped to [0, 1]; a single value has no width.</summary>
    public static Interval NormalMean(IReadOnlyList<double> values)
    {
        if (values.Count == 0) return new(0, 0, 0);
        double mean = values.Average();
        if (values.Count == 1) return new(mean, mean, mean);
        double variance = values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1);
        double half = Z95 * Math.Sqrt(variance / values.Count);
        return new(mean, Math.Max(0, mean - half), Math.Min(1, mean + half));
    }

    /// <summary>
    /// Percentile bootstrap of the mean of <c>candidate[i] − baseline[i]</c> over problems i: the estimate is the
    /// observed mean difference; the bounds are the 2.5th and 97.5th percentiles (the order statistics at
    /// ⌊0.025·R⌋ and ⌈0.975·R⌉ − 1 of the R sorted resampled means).
    /// </summary>
    public static Interval PairedBootstrap(IReadOnlyList<double> candidate, IReadOnlyList<double> baseline, int resamples = DefaultResamples, int seed = 0)
    {
        if (candidate.Count != baseline.Count) throw new ArgumentException($"paired scores need the same problems: {candidate.Count} candidate vs {baseline.Count} baseline values");
        ArgumentOutOfRangeException.ThrowIfLessThan(resamples, 1);
        int n = candidate.Count;
        if (n == 0) return new(0, 0, 0);
        var diff = new double[n];
        for (int i = 0; i < n; i++) diff[i] = candidate[i] - baseline[i];
        var random = new Random(seed);
        var means = new double[resamples];
        for (int r = 0; r < resamples; r++)
        {
            double sum = 0;
            for (int i = 0; i < n; i++) sum += diff[random.Next(n)];
            means[r] = sum / n;
        }
        Array.Sort(means);
        int low = (int)Math.Floor(0.025 * resamples), high = Math.Max(low, (int)Math.Ceiling(0.975 * resamples) - 1);
        return new(diff.Average(), means[low], means[high]);
    }
}
