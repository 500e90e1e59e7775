using T1.Ml.Tasks;

namespace T1.Ml.Tests.Tasks;

public class AnswerExtractorTests
{
    [Fact]
    public void Extract_ReadsBoxed_WithNestedBraces()
    {
        Assert.Equal("\\frac{1}{\\sqrt{2}}", AnswerExtractor.Extract("so \\boxed{\\frac{1}{\\sqrt{2}}}."));
    }

    [Fact]
    public void Extract_TwoDifferentBoxes_AreNoAnswer_TheSameTwiceIsOne()
    {
        Assert.Null(AnswerExtractor.Extract("First \\boxed{1}, then so \\boxed{\\frac{1}{\\sqrt{2}}}.", out var problem));
        Assert.Equal("2 different final answers (\\boxed{1}, \\boxed{\\frac{1}{\\sqrt{2}}}); exactly one is graded", problem);
        Assert.Equal("2", AnswerExtractor.Extract("So \\boxed{2}.\n\nWe could also note that … \\boxed{2 }."));
    }

    [Fact]
    public void Extract_ReadsFinalAnswerLine_WhenNoBox()
    {
        Assert.Equal("42", AnswerExtractor.Extract("Work...\nFinal answer: 42.\n"));
    }

    [Fact]
    public void Extract_UnclosedBox_IsNoAnswer_EvenAfterAClosedOne()
    {
        // A second answer that was being written is a second answer, not a typo to skip.
        Assert.Null(AnswerExtractor.Extract("\\boxed{7} and \\boxed{8", out var problem));
        Assert.Equal("\\boxed{ is never closed", problem);
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

    [Fact]
    public void Extract_TwoDifferentFinalAnswerLines_AreNoAnswer()
    {
        Assert.Null(AnswerExtractor.Extract("Final answer: 7\nFinal answer: 9", out var problem));
        Assert.Equal("2 different final answers (Final answer: 7, Final answer: 9); exactly one is graded", problem);
    }
}
