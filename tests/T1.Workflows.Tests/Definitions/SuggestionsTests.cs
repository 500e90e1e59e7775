using T1.Workflows.Definitions;

namespace T1.Workflows.Tests.Definitions;

public class SuggestionsTests
{
    [Theory]
    [InlineData("sfft", "sft")]
    [InlineData("nedds", "needs")]
    [InlineData("stpes", "steps")]
    [InlineData("x", null)]
    [InlineData("zzzzzz", null)]
    public void Closest_SuggestsOnlyLikelyTypos(string name, string? expected)
    {
        Assert.Equal(expected, Suggestions.Closest(name, ["sft", "needs", "steps", "echo", "sleep"]));
    }
}
