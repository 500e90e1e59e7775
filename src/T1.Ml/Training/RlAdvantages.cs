namespace T1.Ml.Training;

/// <summary>
/// The per-sample weights of the RL loss, computed over groups of K samples of the same prompt
/// (the values of group g are at indices g·K … g·K + K − 1).
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

    /// <summary>Centres values within each group of <paramref name="k"/>: v_i − mean_j v_j (the group's values then sum to 0).</summary>
    public static double[] Centred(IReadOnlyList<double> values, int k)
    {
        CheckGroups(values.Count, k, minK: 1);
        var c = new double[values.Count];
        for (int g = 0; g < values.Count; g += k)
        {
            double mean = 0;
            for (int i = g; i < g + k; i++) mean += values[i];
            mean /= k;
            for (int i = g; i < g + k; i++) c[i] = values[i] - mean;
        }
        return c;
    }

    /// <summary>
    /// The weight each sample's log π(y_i) gets: Â_i = A_i − β·(KL_i − mean_j KL_j), where KL_i = Σ_t log π(y_t) − log π_ref(y_t)
    /// is the sample's KL estimate. Minimising −Σ Â_i log π(y_i) is the policy gradient of E[r] − β·KL(π‖π_ref);
    /// centring the KL over the K samples is its baseline, as the reward's leave-one-out mean is for A.
    /// </summary>
    public static double[] Combined(IReadOnlyList<double> rewards, IReadOnlyList<double> kl, int k, double klCoef)
    {
        if (rewards.Count != kl.Count) throw new ArgumentException($"{rewards.Count} rewards but {kl.Count} KL values");
        var a = LeaveOneOut(rewards, k);
        if (klCoef == 0) return a;
        var c = Centred(kl, k);
        for (int i = 0; i < a.Length; i++) a[i] -= klCoef * c[i];
        return a;
    }

    private static void CheckGroups(int count, int k, int minK)
    {
        if (k < minK) throw new ArgumentOutOfRangeException(nameof(k), k, $"groups need at least {minK} samples");
        if (count % k != 0) throw new ArgumentException($"{count} values do not split into groups of {k}");
    }
}
