namespace T1.Server.Portal.Charts;

/// <summary>The smoothing slider of the charts: TensorBoard's exponential moving average, debiased so the first points are not pulled towards 0.</summary>
public static class Smoothing
{
    /// <summary>The smoothed values: weight 0 returns them unchanged, 0.99 is very smooth. Non-finite values stay where they are and do not enter the average.</summary>
    public static IReadOnlyList<double> Ema(IReadOnlyList<double> values, double weight)
    {
        if (weight is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(weight), weight, "smoothing weight must be in [0, 1)");
        var smoothed = new double[values.Count];
        double last = 0, debias = 0;
        for (var i = 0; i < values.Count; i++)
        {
            var v = values[i];
            if (!double.IsFinite(v)) { smoothed[i] = v; continue; }
            last = last * weight + (1 - weight) * v;
            debias = debias * weight + (1 - weight);
            smoothed[i] = last / debias;
        }
        return smoothed;
    }
}
