using T1.Ml.Tasks;

namespace T1.Ml.Tests.Tasks;

public class ProblemSetsTests
{
    [Theory]
    [InlineData("arithmetic", 2)]
    [InlineData("countdown", 1)]
    [InlineData("linear", 3)]
    public void TrainAndTest_NeverShareAProblem_EvenAcrossSeeds(string task, int difficulty)
    {
        var source = TaskRegistry.Create(task, new TaskOptions { Difficulty = difficulty });
        var train = ProblemSets.Take(source, ProblemSplit.Train, 2000, seed: 1);
        var test = ProblemSets.Take(source, ProblemSplit.Test, 200, seed: 2);
        Assert.Equal(2000, train.Count);
        Assert.Equal(200, test.Count);
        Assert.Empty(train.Select(p => p.Canonical).Intersect(test.Select(p => p.Canonical)));
        Assert.Equal(train.Count, train.Select(p => p.Canonical).Distinct().Count());
    }

    [Fact]
    public void Countdown_CanonicalForm_IgnoresNumberOrder()
    {
        var p = new CountdownTask(2).Problems(4).First();
        var numbers = p.Metadata["numbers"].Split(',');
        Assert.Equal($"countdown:{string.Join(",", numbers.Select(long.Parse).Order())}:{p.Metadata["target"]}", p.Canonical);
    }

    [Fact]
    public void Take_Throws_WhenAGeneratorCannotMakeEnoughDistinctProblems()
    {
        // Difficulty 1 arithmetic has only 9*9*3 distinct problems.
        var e = Assert.Throws<InvalidOperationException>(() => ProblemSets.Take(new ArithmeticTask(1), ProblemSplit.Train, 5000, 0));
        Assert.Contains("ask for fewer or raise the difficulty", e.Message);
    }

    [Fact]
    public void SplitOf_IsAPureFunctionOfTheCanonicalForm()
    {
        var a = new LinearTask(3).Problems(1).First();
        var renamed = a with { Id = "other", Prompt = "Find x: " + a.Prompt };
        Assert.Equal(ProblemSets.SplitOf(a), ProblemSets.SplitOf(renamed));
    }
}
