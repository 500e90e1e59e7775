namespace T1.Ml.Training;

/// <summary>
/// The per-sample advantages of the RL loss (<see cref="RlObjective"/>), computed over groups of K samples of the same
/// prompt (the values of group g are at indices g·K … g·K + K − 1). The KL is a loss term, not part of the advantage.
/// </summary>
public static class RlAdvantages
{
    /// <summary>Leave-one-out baseline: A_i = r_i − mean_{j≠i} r_j within each group of <paramref name="k"/> (K ≥ 2).</summary>
    public static double[] LeaveOneOut(IReadOnlyList<double> rewards, int k)
    {
        CheckGroups(rewards.Count, k, minK: 2);
        var a = new double[rewards.Count];
        for (int g = 0; g < rewards.Count; g += k)
        {
            double sum = 0;
            for (int i = g; i < g + k; i++) sum += rewards[i];
            for (int i = g; i < g + k; i++) a[i] = rewards[i] - (sum - rewards[i]) / (k - 1);
        }
        return a;
    }

    private static void CheckGroups(int count, int k, int minK)
    {
        if (k < minK) throw new ArgumentOutOfRangeException(nameof(k), k, $"groups need at least {minK} samples");
        if (count % k != 0) throw new ArgumentException($"{count} values do not split into groups of {k}");
    }
}
