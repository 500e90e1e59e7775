using T1.Ml.Evaluation.Statistics;

namespace T1.Ml.Tests.Evaluation.Statistics;

public class McNemarTests
{
    [Theory]
    [InlineData(9, 1, 0.021484375)]     // 2·(C(10,0) + C(10,1))/2¹⁰ = 2·11/1024
    [InlineData(1, 9, 0.021484375)]     // symmetric
    [InlineData(5, 0, 0.0625)]          // 2/2⁵
    [InlineData(6, 2, 0.2890625)]       // 2·(1 + 8 + 28)/256
    [InlineData(3, 3, 1.0)]             // capped at 1
    [InlineData(0, 0, 1.0)]             // no discordant problems: no evidence
    public void ExactP_MatchesTheBinomialByHand(int candidateOnly, int baselineOnly, double expected) =>
        Assert.Equal(expected, McNemar.ExactP(candidateOnly, baselineOnly), 12);

    [Fact]
    public void ExactP_StaysFiniteForLargeCounts()
    {
        var p = McNemar.ExactP(600, 400); // z ≈ 6.3: p ≈ 3e-10
        Assert.InRange(p, 1e-11, 1e-8);
        Assert.Equal(1.0, McNemar.ExactP(5000, 5000), 6);
    }
}
