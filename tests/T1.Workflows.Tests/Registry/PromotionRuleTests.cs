using T1.Workflows.Registry;

namespace T1.Workflows.Tests.Registry;

public class PromotionRuleTests
{
    private static Dictionary<int, double> Acc(params (int Budget, double Accuracy)[] points) => points.ToDictionary(p => p.Budget, p => p.Accuracy);

    [Fact]
    public void FirstCandidate_WinsWithoutChampion()
    {
        var v = PromotionRule.Parse("accuracy@64").Decide(Acc((64, 0.1)), null, margin: 0.05);
        Assert.True(v.Promoted);
        Assert.Equal(0.1, v.CandidateValue);
        Assert.Null(v.ChampionValue);
    }

    [Theory]
    [InlineData(0.50, 0.40, 0.05, true)]
    [InlineData(0.44, 0.40, 0.05, false)] // better, but not by the margin
    [InlineData(0.40, 0.40, 0.0, false)]  // a tie never replaces the champion
    [InlineData(0.30, 0.40, 0.0, false)]
    public void AccuracyAtBudget_NeedsToBeatChampionByMargin(double candidate, double champion, double margin, bool promoted)
    {
        var v = PromotionRule.Parse("accuracy@128").Decide(Acc((64, 0.0), (128, candidate)), Acc((128, champion)), margin);
        Assert.Equal(promoted, v.Promoted);
        Assert.Equal(candidate, v.CandidateValue);
        Assert.Equal(champion, v.ChampionValue);
        Assert.Contains(promoted ? "promoted" : "kept the champion", v.Reason);
    }

    [Fact]
    public void Accuracy_UsesTheLargestBudget()
    {
        var v = PromotionRule.Parse("accuracy").Decide(Acc((16, 0.9), (256, 0.3)), Acc((16, 0.1), (256, 0.5)), 0);
        Assert.False(v.Promoted);
        Assert.Equal(0.3, v.CandidateValue);
    }

    [Fact]
    public void Curve_RefusesCandidateWorseAtAnyBudget_EvenIfBetterAtTheLargest()
    {
        var v = PromotionRule.Parse("curve").Decide(Acc((16, 0.1), (64, 0.5), (256, 0.9)), Acc((16, 0.2), (64, 0.5), (256, 0.6)), 0);
        Assert.False(v.Promoted);
        Assert.Contains("worse at budget 16", v.Reason);
    }

    [Fact]
    public void Curve_PromotesWhenNotWorseAnywhereAndBetterAtLargest()
    {
        var v = PromotionRule.Parse("curve").Decide(Acc((16, 0.2), (256, 0.9)), Acc((16, 0.2), (256, 0.6)), 0.1);
        Assert.True(v.Promoted);
        Assert.Equal(0.9, v.CandidateValue);
        Assert.Equal(0.6, v.ChampionValue);
    }

    [Fact]
    public void MetricAtBudgetNotEvaluated_SaysWhichBudgetsExist()
    {
        var e = Assert.Throws<ArgumentException>(() => PromotionRule.Parse("accuracy@512").Decide(Acc((64, 0.1), (256, 0.2)), null, 0));
        Assert.Contains("budget 512", e.Message);
        Assert.Contains("64, 256", e.Message);
    }

    [Theory]
    [InlineData("loss")]
    [InlineData("accuracy@")]
    [InlineData("accuracy@-3")]
    public void UnknownMetric_ListsAcceptedForms(string metric)
    {
        var e = Assert.Throws<ArgumentException>(() => PromotionRule.Parse(metric));
        Assert.Contains("accuracy@B", e.Message);
        Assert.Contains("curve", e.Message);
    }
}
