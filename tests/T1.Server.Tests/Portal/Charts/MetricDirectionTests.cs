using T1.Server.Portal.Charts;

namespace T1.Server.Tests.Portal.Charts;

/// <summary>Compare's "best" value: lowest for losses, KL and truncation, highest for accuracy and reward.</summary>
public sealed class MetricDirectionTests
{
    [Theory]
    [InlineData("sft · loss", true)]
    [InlineData("rl · kl", true)]
    [InlineData("rl · truncation_rate", true)]
    [InlineData("eval · accuracy@256", false)]
    [InlineData("rl · reward", false)]
    [InlineData("rl · tokens_per_second", false)]
    [InlineData("nap-short · tick", false)]
    public void LowerIsBetter_JudgesByTheMetricName(string key, bool lower) => Assert.Equal(lower, MetricDirection.LowerIsBetter(key));
}
