using T1.Ml.Tasks;

namespace T1.Ml.Tests.Tasks;

public class ProblemSetsTests
{
    [Theory]
    [InlineData("arithmetic", 1)]
    [InlineData("arithmetic", 2)]
    [InlineData("countdown", 1)]
    [InlineData("countdown", 3)]
    [InlineData("linear", 1)]
    [InlineData("linear", 3)]
    public void TrainValidationAndTest_NeverShareAProblem_EvenAcrossSeeds(string task, int difficulty)
    {
        var source = TaskRegistry.Create(task, new TaskOptions { Difficulty = difficulty });
        // Every split drawn with its own seed: disjointness must not depend on drawing them from one stream.
        var splits = new[] { ProblemSplit.Train, ProblemSplit.Validation, ProblemSplit.Test }
            .Select((split, i) => (Split: split, Canonical: StepProblemsLike(source, split, seed: i + 1).Select(p => p.Canonical).ToHashSet()))
            .ToList();
        foreach (var (split, canonical) in splits) Assert.True(canonical.Count >= 10, $"{task} {difficulty}: only {canonical.Count} {split} problems");
        for (int a = 0; a < splits.Count; a++)
            for (int b = a + 1; b < splits.Count; b++)
                Assert.Empty(splits[a].Canonical.Intersect(splits[b].Canonical));
    }

    [Theory]
    [InlineData("arithmetic", 3)]
    [InlineData("countdown", 2)]
    [InlineData("linear", 2)]
    public void Splits_HoldAboutTheirShareOfProblems(string task, int difficulty)
    {
        var stream = TaskRegistry.Create(task, new TaskOptions { Difficulty = difficulty }).Problems(7).Take(20_000)
            .DistinctBy(p => p.Canonical).ToList();
        double Share(ProblemSplit split) => stream.Count(p => ProblemSets.SplitOf(p) == split) / (double)stream.Count;
        Assert.InRange(Share(ProblemSplit.Test), 0.08, 0.12);
        Assert.InRange(Share(ProblemSplit.Validation), 0.08, 0.12);
        Assert.InRange(Share(ProblemSplit.Train), 0.76, 0.84);
    }

    [Fact]
    public void Parse_AcceptsTheThreeSplitNames_AndNamesThemOnError()
    {
        Assert.Equal(ProblemSplit.Validation, ProblemSets.Parse(" Validation"));
        Assert.Equal("test", ProblemSets.NameOf(ProblemSets.Parse("test")));
        Assert.Equal("split 'dev' is not known; use train, validation or test", Assert.Throws<ArgumentException>(() => ProblemSets.Parse("dev")).Message);
    }

    /// <summary>Up to 2000 distinct problems of a split, stopping when the generator runs dry (small tasks).</summary>
    private static IReadOnlyList<Problem> StepProblemsLike(IProblemSource source, ProblemSplit split, int seed) =>
        source.Problems(seed).Take(40_000).Where(p => ProblemSets.SplitOf(p) == split).DistinctBy(p => p.Canonical).Take(2000).ToList();

    [Fact]
    public void Countdown_CanonicalForm_IgnoresNumberOrder()
    {
        var p = new CountdownTask(2).Problems(4).First();
        var numbers = p.Metadata["numbers"].Split(',');
        Assert.Equal($"countdown:{string.Join(",", numbers.Select(long.Parse).Order())}:{p.Metadata["target"]}", p.Canonical);
    }

    [Theory]
    [InlineData("arithmetic", 2)]
    [InlineData("countdown", 1)]
    [InlineData("linear", 3)]
    public void Take_ReturnsExactlyTheCountAsked_DistinctAndAllOfTheSplit(string task, int difficulty)
    {
        var source = TaskRegistry.Create(task, new TaskOptions { Difficulty = difficulty });
        var train = ProblemSets.Take(source, ProblemSplit.Train, 2000, seed: 1);
        var test = ProblemSets.Take(source, ProblemSplit.Test, 200, seed: 2);
        Assert.Equal(2000, train.Count);
        Assert.Equal(200, test.Count);
        Assert.Equal(train.Count, train.Select(p => p.Canonical).Distinct().Count());
        Assert.All(train, p => Assert.Equal(ProblemSplit.Train, ProblemSets.SplitOf(p)));
        Assert.All(test, p => Assert.Equal(ProblemSplit.Test, ProblemSets.SplitOf(p)));
        Assert.Empty(train.Select(p => p.Canonical).Intersect(test.Select(p => p.Canonical)));
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
