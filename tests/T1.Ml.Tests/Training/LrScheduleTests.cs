using T1.Ml.Training;

namespace T1.Ml.Tests.Training;

public sealed class LrScheduleTests
{
    [Theory]
    [InlineData(1, 1e-4)]   // warmup: peak × 1/10
    [InlineData(5, 5e-4)]
    [InlineData(10, 1e-3)]  // end of warmup: the peak
    [InlineData(60, 5.5e-4)] // half-way through the decay: (peak + floor) / 2
    [InlineData(110, 1e-4)] // last step: the floor, 0.1 × peak
    [InlineData(500, 1e-4)] // past the end: stays at the floor
    public void WarmupCosine_HasTheTextbookValues(long step, double expected)
    {
        Assert.Equal(expected, LrSchedule.WarmupCosine(step, warmup: 10, total: 110, peak: 1e-3, minRatio: 0.1), 12);
    }

    [Fact]
    public void WarmupCosine_RisesThenFallsMonotonically()
    {
        var lrs = Enumerable.Range(1, 200).Select(s => LrSchedule.WarmupCosine(s, 20, 200, 3e-3)).ToList();
        for (int i = 1; i < 20; i++) Assert.True(lrs[i] > lrs[i - 1]);
        for (int i = 20; i < 200; i++) Assert.True(lrs[i] < lrs[i - 1]);
        var quarter = 3e-4 + 0.5 * (3e-3 - 3e-4) * (1 + Math.Cos(Math.PI * 0.25));
        Assert.Equal(quarter, LrSchedule.WarmupCosine(20 + 45, 20, 200, 3e-3), 12);
    }

    [Fact]
    public void WarmupCosine_WithoutWarmup_StartsNearThePeak_AndZeroFloorEndsAtZero()
    {
        Assert.True(LrSchedule.WarmupCosine(1, 0, 100, 1.0, minRatio: 0) > 0.999);
        Assert.Equal(0.0, LrSchedule.WarmupCosine(100, 0, 100, 1.0, minRatio: 0), 12);
        Assert.Equal(1.0, LrSchedule.WarmupCosine(12, 10, 10, 1.0), 12); // all warmup: the peak after it
    }
}
