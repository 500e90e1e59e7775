using T1.Server.Portal.Charts;

namespace T1.Server.Tests.Portal.Charts;

public sealed class SmoothingTests
{
    [Fact]
    public void Ema_WeightZero_LeavesValues()
    {
        Assert.Equal([1.0, 5.0, 2.0], Smoothing.Ema([1.0, 5.0, 2.0], 0));
    }

    [Fact]
    public void Ema_IsDebiased_AndSkipsNonFiniteValues()
    {
        // weight 0.5: (0.5·1) / 0.5 = 1; (0.25·1 + 0.5·3) / 0.75 = 7/3; NaN stays and does not move the average.
        var s = Smoothing.Ema([1.0, 3.0, double.NaN], 0.5);
        Assert.Equal(1.0, s[0], 12);
        Assert.Equal(7.0 / 3, s[1], 12);
        Assert.True(double.IsNaN(s[2]));
    }

    [Fact]
    public void Ema_RefusesAWeightOfOne()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Smoothing.Ema([1.0], 1));
        Assert.StartsWith("smoothing weight must be in [0, 1)", e.Message);
    }
}
