using T1.Ml.Evaluation.Statistics;

namespace T1.Ml.Tests.Evaluation.Statistics;

public class ConfidenceIntervalsTests
{
    [Fact]
    public void Wilson_8Of10_MatchesTheHandComputedInterval()
    {
        // p = 0.8, z² = 3.8415: centre (0.8 + 0.19208)/1.38415 = 0.71681, half 1.96·√(0.016 + 0.0096037)/1.38415 = 0.22658
        var ci = ConfidenceIntervals.Wilson(8, 10);
        Assert.Equal(0.8, ci.Estimate, 12);
        Assert.Equal(0.490162, ci.Low, 5);
        Assert.Equal(0.943318, ci.High, 5);
    }

    [Fact]
    public void Wilson_AtZeroAndAll_KeepsAWidthInsideZeroToOne()
    {
        var none = ConfidenceIntervals.Wilson(0, 20);
        Assert.Equal(0, none.Low);
        Assert.Equal(0.1611252, none.High, 6); // z²/(n + z²) = 3.84146/23.84146
        var all = ConfidenceIntervals.Wilson(20, 20);
        Assert.Equal(1 - 0.1611252, all.Low, 6);
        Assert.Equal(1, all.High, 12);
        Assert.Equal(new Interval(0, 0, 0), ConfidenceIntervals.Wilson(0, 0));
    }

    [Fact]
    public void NormalMean_OverProblems_MatchesTheHandComputedInterval_AndClipsAtOne()
    {
        // mean 0.625, s² = 0.6875/3, se = √(s²/4) = 0.239357, half = 1.96·se = 0.469132
        var ci = ConfidenceIntervals.NormalMean([0, 0.5, 1, 1]);
        Assert.Equal(0.625, ci.Estimate, 12);
        Assert.Equal(0.155868, ci.Low, 5);
        Assert.Equal(1, ci.High);
        Assert.Equal(new Interval(0.5, 0.5, 0.5), ConfidenceIntervals.NormalMean([0.5]));
    }

    [Fact]
    public void PairedBootstrap_OfEqualScores_IsExactlyZero_AndOfAConstantGain_IsThatGain()
    {
        double[] a = [1, 0, 1, 1, 0, 0.5];
        Assert.Equal(new Interval(0, 0, 0), ConfidenceIntervals.PairedBootstrap(a, a, 2000, seed: 3));
        var shifted = ConfidenceIntervals.PairedBootstrap(a.Select(x => x + 0.25).ToArray(), a, 2000, seed: 3);
        Assert.Equal(0.25, shifted.Estimate, 12);
        Assert.Equal(0.25, shifted.Low, 12);
        Assert.Equal(0.25, shifted.High, 12);
    }

    [Fact]
    public void PairedBootstrap_OfTwoProblems_SpansTheResampledMeans()
    {
        // Differences {0, 1}: a resample's mean is 0, 0.5 or 1 with chances ¼, ½, ¼, so the 2.5th percentile
        // is 0 and the 97.5th is 1 (each end holds far more than 2.5 % of 10 000 resamples).
        var ci = ConfidenceIntervals.PairedBootstrap([1, 1], [1, 0], 10_000, seed: 7);
        Assert.Equal(new Interval(0.5, 0, 1), ci);
    }

    [Fact]
    public void PairedBootstrap_OnManyProblems_AgreesWithTheNormalInterval_AndIsRepeatableBySeed()
    {
        var random = new Random(1);
        var candidate = Enumerable.Range(0, 400).Select(_ => random.NextDouble() < 0.6 ? 1.0 : 0.0).ToArray();
        var baseline = Enumerable.Range(0, 400).Select(_ => random.NextDouble() < 0.5 ? 1.0 : 0.0).ToArray();
        var boot = ConfidenceIntervals.PairedBootstrap(candidate, baseline, 10_000, seed: 5);
        var diffs = candidate.Zip(baseline, (c, b) => c - b).ToArray();
        double mean = diffs.Average(), se = Math.Sqrt(diffs.Sum(d => (d - mean) * (d - mean)) / (diffs.Length - 1) / diffs.Length);
        Assert.Equal(mean, boot.Estimate, 12);
        Assert.InRange(boot.Low, mean - 1.96 * se - 0.01, mean - 1.96 * se + 0.01);
        Assert.InRange(boot.High, mean + 1.96 * se - 0.01, mean + 1.96 * se + 0.01);
        Assert.Equal(boot, ConfidenceIntervals.PairedBootstrap(candidate, baseline, 10_000, seed: 5));
    }

    [Fact]
    public void PairedBootstrap_RefusesUnpairedInputs()
    {
        var e = Assert.Throws<ArgumentException>(() => ConfidenceIntervals.PairedBootstrap([1, 0], [1], 10, 0));
        Assert.Equal("paired scores need the same problems: 2 candidate vs 1 baseline values", e.Message);
    }
}
