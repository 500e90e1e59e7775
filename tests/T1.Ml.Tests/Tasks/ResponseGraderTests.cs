using T1.Ml.Tasks;

namespace T1.Ml.Tests.Tasks;

public class ResponseGraderTests
{
    private static readonly Problem Arithmetic = new("arithmetic-a", TaskRegistry.Arithmetic, "Compute 45+27*12.", "369", 3,
        new Dictionary<string, string> { ["expression"] = "45+27*12" });

    private static readonly Problem Linear = new("linear-a", TaskRegistry.Linear, "Solve 3x+7=22 for x.", "5", 1,
        new Dictionary<string, string> { ["a"] = "3", ["b"] = "7", ["c"] = "22" });

    private static readonly Problem Countdown = new("countdown-a", TaskRegistry.Countdown, "Make 22 from 8,3,4,2 with + - * /, each number once.", "(8-3)*4+2", 2,
        new Dictionary<string, string> { ["numbers"] = "8,3,4,2", ["target"] = "22" });

    private static readonly Problem Imported = new("jsonl-a", TaskRegistry.Jsonl, "What is 6/4?", "1.5", 0, new Dictionary<string, string>());

    [Fact]
    public void AnswerAfterTheThinking_IsGraded()
    {
        var v = ResponseGrader.Grade(Arithmetic, "<think>\nTry: 27*12=324, 45+324=369.\n</think>\nFinal answer: \\boxed{369}");
        Assert.True(v.IsCorrect, v.Reason);
        Assert.Equal("369", v.Extracted);
    }

    [Fact]
    public void ThinkingThatNeverCloses_IsNoAnswer_EvenWithTheRightBoxInside()
    {
        var v = ResponseGrader.Grade(Arithmetic, "<think>\nTry: 45+324=369. So \\boxed{369}");
        Assert.False(v.IsCorrect);
        Assert.Null(v.Extracted);
        Assert.Equal("the thinking never closed (no </think>): nothing inside the thinking is an answer", v.Reason);
    }

    [Fact]
    public void CopyOfThePromptExpression_IsWrong_OnArithmetic()
    {
        var v = ResponseGrader.Grade(Arithmetic, "<think>\n</think>\nFinal answer: \\boxed{45+27*12}");
        Assert.False(v.IsCorrect);
        Assert.Equal("45+27*12", v.Extracted);
        Assert.Equal("'45+27*12' is not a number literal: arithmetic answers must be a number such as 369", v.Reason);
    }

    [Fact]
    public void ReopenedThinkingAfterTheForcedAnswer_IsNoAnswer()
    {
        var v = ResponseGrader.Grade(Linear, "<think>\nx=6/3\n</think>\nFinal answer: \\boxed{3+20=18, correct.</think>Final answer: \\boxed{5}");
        Assert.False(v.IsCorrect);
        Assert.Null(v.Extracted);
        Assert.Equal("the thinking was opened 1 and closed 2 times: after </think> only the answer may follow", v.Reason);
        Assert.Equal("<think> after </think>: after </think> only the answer may follow",
            ResponseGrader.Grade(Linear, "a</think>\\boxed{4}<think>b \\boxed{5}").Reason);
    }

    [Fact]
    public void TwoDifferentAnswersAfterTheThinking_AreNoAnswer()
    {
        var v = ResponseGrader.Grade(Linear, "<think>\n</think>\nFinal answer: \\boxed{4} or \\boxed{5}");
        Assert.Null(v.Extracted);
        Assert.Equal("2 different final answers (\\boxed{4}, \\boxed{5}); exactly one is graded after the thinking", v.Reason);
    }

    [Fact]
    public void BoxInsideTheThinking_IsNotTheAnswer()
    {
        var v = ResponseGrader.Grade(Linear, "<think>\n\\boxed{5}\n</think>\nI am not sure.");
        Assert.Null(v.Extracted);
        Assert.Equal("no answer found (no \\boxed{}, 'Final answer:' or '####') after the thinking", v.Reason);
    }

    [Fact]
    public void NumberLiteralForms_AreAccepted_ForLinear()
    {
        Assert.True(ResponseGrader.Grade(Linear, "<think>\n</think>\nFinal answer: \\boxed{x = 5}").IsCorrect);
        Assert.True(ResponseGrader.Grade(Linear, "<think>\n</think>\nFinal answer: \\boxed{5.0}").IsCorrect);
        Assert.False(ResponseGrader.Grade(Linear, "<think>\n</think>\nFinal answer: \\boxed{(22-7)/3}").IsCorrect);
        Assert.False(ResponseGrader.Grade(Linear, "<think>\n</think>\nFinal answer: \\boxed{\\frac{15}{3}}").IsCorrect);
    }

    [Fact]
    public void Countdown_NeedsAnExpressionOfExactlyTheGivenNumbers()
    {
        Assert.True(ResponseGrader.Grade(Countdown, "<think>\n</think>\nFinal answer: \\boxed{2+4*(8-3)}").IsCorrect);
        Assert.True(ResponseGrader.Grade(Countdown, "<think>\n</think>\nFinal answer: \\boxed{(8-3)*4+2=22}").IsCorrect);
        Assert.Equal("says '=23', but the target is 22", ResponseGrader.Grade(Countdown, "<think>\n</think>\n\\boxed{(8-3)*4+2=23}").Reason);
        Assert.Equal("uses 22, must use 8,3,4,2 once each", ResponseGrader.Grade(Countdown, "<think>\n</think>\n\\boxed{22}").Reason);
    }

    [Fact]
    public void ResponseWithoutThinkTags_IsAllAnswer_ForImportedModels()
    {
        var v = ResponseGrader.Grade(Imported, "so it is \\boxed{\\frac{6}{4}}");
        Assert.True(v.IsCorrect, v.Reason);
        Assert.Equal("\\frac{6}{4}", v.Extracted);
        Assert.Equal("no answer found (no \\boxed{}, 'Final answer:' or '####') after the thinking", ResponseGrader.Grade(Imported, "I give up").Reason);
        Assert.Equal("empty response", ResponseGrader.Grade(Imported, " ").Reason);
    }

    [Fact]
    public void Text_KeepsThinkTags_AndDropsEndOfText()
    {
        var tok = Training.RlTestKit.Tokenizer;
        var ids = tok.Encode("<think>\nTry: 3+4=7.\n</think>\nFinal answer: \\boxed{7}").Append(tok.Special.EndOfText);
        Assert.Equal("<think>\nTry: 3+4=7.\n</think>\nFinal answer: \\boxed{7}", ResponseGrader.Text(tok, ids));
    }
}
