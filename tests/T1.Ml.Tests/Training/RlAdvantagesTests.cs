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
    public void Groups_MustDivideTheSamples_AndHaveTwoOrMore()
    {
        Assert.Throws<ArgumentException>(() => RlAdvantages.LeaveOneOut([1, 0, 1], 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => RlAdvantages.LeaveOneOut([1, 0], 1));
    }
}
