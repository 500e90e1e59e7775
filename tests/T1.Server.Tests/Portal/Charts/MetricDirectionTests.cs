using T1.Server.Hosting;
using T1.Server.Portal.Charts;
using T1.Workflows.Steps;

namespace T1.Server.Tests.Portal.Charts;

/// <summary>Compare's "best" value exists only for metrics whose step type declares a direction: lowest loss, highest accuracy and reward; none for lr, KL, entropy or truncation.</summary>
public sealed class MetricDirectionTests
{
    [Theory]
    [InlineData("sft", "loss", MetricGoal.Minimize)]
    [InlineData("rl", "reward", MetricGoal.Maximize)]
    [InlineData("evaluate", "accuracy@256", MetricGoal.Maximize)]
    [InlineData("evaluate", "pass_at_1@16", MetricGoal.Maximize)]
    [InlineData("rl", "kl", null)]
    [InlineData("rl", "entropy", null)]
    [InlineData("sft", "lr", null)]
    [InlineData("evaluate", "truncation_rate@256", null)]
    [InlineData("sleep", "tick", null)]
    [InlineData("no-such-step", "loss", null)]
    public void Goal_IsTheStepTypesDeclaration(string stepType, string key, MetricGoal? goal) =>
        Assert.Equal(goal, MetricDirection.Of(StepCatalogs.Default, stepType, key));
}
