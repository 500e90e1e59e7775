using T1.Ml.Tasks;

namespace T1.Ml.Tests.Tasks;

public class AnswerExtractorTests
{
    [Fact]
    public void Extract_TakesLastBoxed_WithNestedBraces()
    {
        var response = "First \\boxed{1}, then so \\boxed{\\frac{1}{\\sqrt{2}}}.";
        Assert.Equal("\\frac{1}{\\sqrt{2}}", AnswerExtractor.Extract(response));
    }

    [Fact]
    public void Extract_ReadsFinalAnswerLine_WhenNoBox()
    {
        Assert.Equal("42", AnswerExtractor.Extract("Work...\nFinal answer: 42.\n"));
    }

    [Fact]
    public void Extract_SkipsUnclosedBox_AndUsesEarlierOne()
    {
        Assert.Equal("7", AnswerExtractor.Extract("\\boxed{7} and \\boxed{8"));
    }

    [Fact]
    public void Extract_ReturnsNull_WhenThereIsNoAnswer()
    {
        Assert.Null(AnswerExtractor.Extract("I am not sure."));
        Assert.Null(AnswerExtractor.Extract(""));
    }

    [Fact]
    public void Extract_ReadsGsm8kMarker_AsLastResort()
    {
        Assert.Equal("18", AnswerExtractor.Extract("9*2=18\n#### 18"));
    }
}
