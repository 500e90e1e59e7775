using System.Text.Json;
using T1.Ml.Tasks;

namespace T1.Ml.Tests.Tasks;

public class JsonlGraderTests
{
    [Fact]
    public void Grade_Math500ReferenceSolutions_ScoreAtLeast99Percent()
    {
        using var input = new StreamReader(Benchmarks.PathOf("math500.jsonl"));
        var output = new StringWriter();
        var summary = JsonlGrader.Grade(input, output, responseField: "solution", answerField: "answer");
        Assert.Equal(500, summary.Graded);
        Assert.True(summary.Accuracy >= 0.99, $"{summary}; wrong: {string.Join("\n", output.ToString().Split('\n').Where(l => l.Contains("\"correct\":false")).Take(10))}");
    }

    [Fact]
    public void Grade_WritesOneVerdictPerLine_ThenTheSummary()
    {
        var input = new StringReader("{\"response\":\"so \\\\boxed{4}\",\"answer\":\"4\"}\n\n{\"response\":\"Final answer: 5\",\"answer\":\"#### 6\"}\n");
        var output = new StringWriter();
        var summary = JsonlGrader.Grade(input, output);
        var lines = output.ToString().TrimEnd().Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        Assert.Equal(3, lines.Length);
        using var first = JsonDocument.Parse(lines[0]);
        Assert.True(first.RootElement.GetProperty("correct").GetBoolean());
        Assert.Equal("4", first.RootElement.GetProperty("extracted").GetString());
        using var second = JsonDocument.Parse(lines[1]);
        Assert.Equal(3, second.RootElement.GetProperty("line").GetInt32());
        Assert.False(second.RootElement.GetProperty("correct").GetBoolean());
        Assert.Equal("6", second.RootElement.GetProperty("answer").GetString());
        Assert.Equal("graded 2, correct 1 (50.0%)", lines[2]);
        Assert.Equal(new GradeSummary(2, 1), summary);
    }

    [Fact]
    public void Grade_NamesTheLineAndField_WhenAFieldIsMissing()
    {
        var input = new StringReader("{\"response\":\"\\\\boxed{1}\",\"answer\":\"1\"}\n{\"output\":\"x\",\"answer\":\"1\"}\n");
        var e = Assert.Throws<FormatException>(() => JsonlGrader.Grade(input, new StringWriter()));
        Assert.Equal("line 2: missing field 'response' (fields present: output, answer)", e.Message);
    }

    [Fact]
    public void Grade_NamesTheLine_WhenJsonIsInvalid()
    {
        var e = Assert.Throws<FormatException>(() => JsonlGrader.Grade(new StringReader("{oops\n"), new StringWriter()));
        Assert.StartsWith("line 1: not valid JSON", e.Message);
    }
}
