using T1.Ml.Tasks;

namespace T1.Ml.Tests.Tasks;

public class TaskRegistryTests
{
    [Theory]
    [InlineData("arithmetic", typeof(ArithmeticTask))]
    [InlineData("Countdown", typeof(CountdownTask))]
    [InlineData("linear", typeof(LinearTask))]
    public void Create_ReturnsTheGenerator_ForATaskName(string name, Type expected)
    {
        var source = TaskRegistry.Create(name, new TaskOptions { Difficulty = 2 });
        Assert.IsType(expected, source);
        Assert.Equal(name.ToLowerInvariant(), source.Task);
    }

    [Fact]
    public void Create_ListsKnownTasks_ForAnUnknownName()
    {
        var e = Assert.Throws<ArgumentException>(() => TaskRegistry.Create("sudoku"));
        Assert.StartsWith("unknown task 'sudoku'; known tasks: arithmetic, countdown, jsonl, linear", e.Message);
    }

    [Fact]
    public void Create_RejectsDifficultyOutOfRange_WithTheRange()
    {
        var e = Assert.Throws<ArgumentException>(() => TaskRegistry.Create("linear", new TaskOptions { Difficulty = 9 }));
        Assert.Equal("task 'linear': difficulty must be between 1 and 5, got 9", e.Message);
    }

    [Fact]
    public void Create_RequiresSource_ForJsonl()
    {
        var e = Assert.Throws<ArgumentException>(() => TaskRegistry.Create("jsonl"));
        Assert.Equal("task 'jsonl': 'source' is required (path of a JSONL file)", e.Message);
    }
}
