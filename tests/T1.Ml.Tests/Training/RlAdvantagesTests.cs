using T1.Ml.Training;

namespace T1.Ml.Tests.Training;

public class RlAdvantagesTests
{
    [Fact]
    public void LeaveOneOut_SubtractsTheMeanOfTheOtherSamples_PerGroup()
    {
        double[] r = [1, 0, 0, 0, /* group 2 */ 1, 1, 0, -1];
        var a = RlAdvantages.LeaveOneOut(r, k: 4);
        Assert.Equal(1.0, a[0], 12);            // 1 − (0+0+0)/3
        Assert.Equal(-1.0 / 3, a[1], 12);       // 0 − (1+0+0)/3
        Assert.Equal(1 - 0.0 / 3, a[4], 12);    // 1 − (1+0−1)/3
        Assert.Equal(-1 - 2.0 / 3, a[7], 12);   // −1 − (1+1+0)/3
        // A_i = K/(K−1)·(r_i − mean): each group's advantages sum to zero
        Assert.Equal(0.0, a.Take(4).Sum(), 12);
        Assert.Equal(0.0, a.Skip(4).Sum(), 12);
    }

    [Fact]
    public void LeaveOneOut_AllEqualRewards_GiveZeroAdvantage()
    {
        Assert.All(RlAdvantages.LeaveOneOut([1, 1, 1], 3), a => Assert.Equal(0.0, a, 12));
        Assert.All(RlAdvantages.LeaveOneOut([-1, -1], 2), a => Assert.Equal(0.0, a, 12));
    }

    [Fact]
    public void Centred_SubtractsTheGroupMean()
    {
        var c = RlAdvantages.Centred([2, 4, 6, /* */ 10, 10, 13], 3);
        Assert.Equal([-2.0, 0, 2, -1, -1, 2], c.Select(x => Math.Round(x, 12)));
    }

    [Fact]
    public void Combined_PenalisesAboveAverageKl_WithinTheGroup()
    {
        double[] r = [1, 0, 1, 0];
        double[] kl = [5, 1, 1, 1]; // sample 0 drifted most from the anchor
        var w = RlAdvantages.Combined(r, kl, k: 4, klCoef: 0.1);
        var a = RlAdvantages.LeaveOneOut(r, 4);
        Assert.Equal(a[0] - 0.1 * (5 - 2), w[0], 12);
        Assert.Equal(a[1] - 0.1 * (1 - 2), w[1], 12);
        Assert.Equal(a, RlAdvantages.Combined(r, kl, 4, klCoef: 0));
        // shifting every KL of a group by a constant changes nothing: only the centred KL matters
        var shifted = RlAdvantages.Combined(r, kl.Select(x => x + 100).ToArray(), 4, 0.1);
        for (int i = 0; i < w.Length; i++) Assert.Equal(w[i], shifted[i], 9);
    }

    [Fact]
    public void Groups_MustDivideTheSamples_AndHaveTwoOrMore()
    {
        Assert.Throws<ArgumentException>(() => RlAdvantages.LeaveOneOut([1, 0, 1], 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => RlAdvantages.LeaveOneOut([1, 0], 1));
    }
}
