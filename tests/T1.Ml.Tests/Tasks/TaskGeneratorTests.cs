using System.Globalization;
using T1.Ml.Tasks;

namespace T1.Ml.Tests.Tasks;

public class TaskGeneratorTests
{
    [Theory]
    [InlineData("arithmetic")]
    [InlineData("countdown")]
    [InlineData("linear")]
    public void Problems_AreDeterministic_ForASeed(string task)
    {
        var source = TaskRegistry.Create(task, new TaskOptions { Difficulty = 3 });
        var first = source.Problems(11).Take(20).Select(p => p.Prompt + "|" + p.Answer).ToList();
        var again = source.Problems(11).Take(20).Select(p => p.Prompt + "|" + p.Answer).ToList();
        var other = source.Problems(12).Take(20).Select(p => p.Prompt + "|" + p.Answer).ToList();
        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(5)]
    public void Arithmetic_AnswerIsTheValueOfTheExpression(int difficulty)
    {
        foreach (var p in new ArithmeticTask(difficulty).Problems(1).Take(200))
        {
            var expected = Convert.ToInt64(new System.Data.DataTable().Compute(p.Metadata["expression"], null), CultureInfo.InvariantCulture);
            Assert.Equal(expected.ToString(CultureInfo.InvariantCulture), p.Answer);
            Assert.Equal($"Compute {p.Metadata["expression"]}.", p.Prompt);
        }
    }

    [Fact]
    public void Arithmetic_HarderDifficulty_HasMoreOperands()
    {
        static double Operands(int d) => new ArithmeticTask(d).Problems(3).Take(100).Average(p => p.Metadata["expression"].Count(c => c is '+' or '-' or '*') + 1);
        Assert.Equal(2, Operands(1));
        Assert.Equal(4, Operands(5));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Countdown_EveryProblemIsSolvable_ByItsReferenceAnswer(int difficulty)
    {
        foreach (var p in new CountdownTask(difficulty).Problems(5).Take(300))
        {
            var verdict = ProblemVerifier.VerifyAnswer(p, p.Answer);
            Assert.True(verdict.IsCorrect, $"{p.Prompt} {p.Answer}: {verdict.Reason}");
            var target = long.Parse(p.Metadata["target"], CultureInfo.InvariantCulture);
            Assert.InRange(target, 2, CountdownTask.MaxTarget);
        }
    }

    [Fact]
    public void CountdownChecker_RejectsReusedOrMissingNumbers_AndWrongValues()
    {
        var p = new CountdownTask(2).Problems(9).First();
        var numbers = CountdownChecker.Numbers(p);
        Assert.False(ProblemVerifier.VerifyAnswer(p, string.Join("+", numbers.Skip(1))).IsCorrect);
        Assert.False(ProblemVerifier.VerifyAnswer(p, string.Join("+", numbers.Append(numbers[0]))).IsCorrect);
        Assert.False(ProblemVerifier.VerifyAnswer(p, p.Metadata["target"]).IsCorrect);
        Assert.Contains("must use", ProblemVerifier.VerifyAnswer(p, p.Metadata["target"]).Reason);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void Linear_SolutionIsAnInteger_ThatSatisfiesTheEquation(int difficulty)
    {
        foreach (var p in new LinearTask(difficulty).Problems(2).Take(300))
        {
            long a = long.Parse(p.Metadata["a"], CultureInfo.InvariantCulture), b = long.Parse(p.Metadata["b"], CultureInfo.InvariantCulture);
            var c = long.Parse(p.Metadata["c"], CultureInfo.InvariantCulture);
            var x = long.Parse(p.Answer, CultureInfo.InvariantCulture);
            Assert.Equal(c, a * x + b);
            Assert.NotEqual(0, a);
            Assert.Equal($"Solve {LinearTask.Lhs(a, b)}={c} for x.", p.Prompt);
        }
    }

    [Fact]
    public void JsonlSource_ImportsGsm8k_TakingTheAnswerAfterTheMarker()
    {
        var source = TaskRegistry.Create("jsonl", new TaskOptions { Source = Benchmarks.PathOf("gsm8k-test.jsonl"), PromptField = "question", IdField = "idx" });
        var problems = source.Problems(0).ToList();
        Assert.Equal(1319, problems.Count);
        Assert.Equal("18", problems[0].Answer);
        Assert.StartsWith("Janet", problems[0].Prompt);
        Assert.Equal("0", problems[0].Id);
    }

    [Fact]
    public void JsonlSource_ImportsMath500_WithLevelAsDifficulty()
    {
        var source = TaskRegistry.Create("jsonl", new TaskOptions { Source = Benchmarks.PathOf("math500.jsonl"), IdField = "unique_id", DifficultyField = "level" });
        var problems = source.Problems(0).ToList();
        Assert.Equal(500, problems.Count);
        Assert.All(problems, p => Assert.InRange(p.Difficulty, 1, 5));
        Assert.Contains("\\boxed", problems[0].Metadata["solution"]);
    }

    [Fact]
    public void JsonlSource_NamesFileAndLine_WhenAFieldIsMissing()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(path, ["{\"problem\":\"1+1\",\"answer\":\"2\"}", "{\"problem\":\"2+2\"}"]);
            var source = TaskRegistry.Create("jsonl", new TaskOptions { Source = path });
            var e = Assert.Throws<FormatException>(() => source.Problems(0).ToList());
            Assert.Equal($"{path}:2: missing field 'answer' (fields present: problem)", e.Message);
        }
        finally { File.Delete(path); }
    }
}
