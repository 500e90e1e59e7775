namespace T1.Ml.Evaluation.Statistics;

/// <summary>
/// McNemar's exact test for two checkpoints graded right/wrong on the same problems: only the discordant
/// problems count — b right for the candidate only, c right for the baseline only. Under "no difference" each
/// discordant problem is a fair coin, so the two-sided p-value is min(1, 2·P[X ≤ min(b, c)]) with
/// X ~ Binomial(b + c, ½) (the exact binomial form, right for the small counts evaluations have).
/// </summary>
public static class McNemar
{
    /// <summary>Two-sided exact p-value; 1 when there are no discordant problems.</summary>
    public static double ExactP(int candidateOnly, int baselineOnly)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(candidateOnly);
        ArgumentOutOfRangeException.ThrowIfNegative(baselineOnly);
        int n = candidateOnly + baselineOnly, k = Math.Min(candidateOnly, baselineOnly);
        if (n == 0) return 1;
        // Sum C(n, i)/2^n for i ≤ k in log space: exact enough for n in the tens of thousands.
        double logHalfN = -n * Math.Log(2), logC = 0, tail = 0;
        for (int i = 0; i <= k; i++)
        {
            if (i > 0) logC += Math.Log(n - i + 1) - Math.Log(i);
            tail += Math.Exp(logC + logHalfN);
        }
        return Math.Min(1, 2 * tail);
    }
}
