using T1.Ml.Synthesis.Teacher;
using T1.Ml.Tasks;

namespace T1.Ml.Tests.Synthesis.Teacher;

/// <summary>
/// The recipe's parsing and acceptance on teacher responses in the shapes servers send: thinking apart
/// (reasoning_content), inside the content's think tags, or plain text; wrong, cut, malformed and answerless ones.
/// </summary>
public sealed class TeacherResponseTests
{
    private static readonly Problem Math = new("math-1", TaskRegistry.Jsonl, "If $2x + 3 = 10$, what is $x$? Express your answer as a common fraction.", "\\frac{7}{2}", 0, new Dictionary<string, string>());

    private const string Thinking = """
        Attempt: 2x + 3 = 10, so 2x = 13 and x = 13/2.
        Verify: 2(13/2) + 3 = 16, not 10. The check fails: I added 3 instead of subtracting it.
        Attempt: 2x = 10 - 3 = 7, so x = 7/2.
        Verify: 2(7/2) + 3 = 7 + 3 = 10. Correct.
        """;

    private static TeacherVerdict Judge(string? content, string? reasoning = null, string finish = "stop") =>
        TeacherResponse.Judge(Math, TeacherClient.Parse(RecordedTeacher.Completion(content, reasoning, finish)));

    [Fact]
    public void ReasoningContent_IsTheThinking_AndTheTraceHasSftsShape()
    {
        var v = Judge("The answer is $\\boxed{\\frac{7}{2}}$.", Thinking);
        Assert.True(v.Accepted, v.Reason);
        Assert.Equal("<think>\n" + Thinking.Trim() + "\n</think>\nFinal answer: \\boxed{\\frac{7}{2}}", v.Response);
        Assert.Equal("\\frac{7}{2}", v.Extracted);
        Assert.True(ResponseGrader.Grade(Math, v.Response).IsCorrect);
    }

    [Fact]
    public void ThinkSection_InTheContent_IsTheThinking()
    {
        var v = Judge("<think>\n" + Thinking + "</think>\n\nFinal answer: \\boxed{3.5}");
        Assert.True(v.Accepted, v.Reason);
        Assert.Equal("<think>\n" + Thinking.Trim() + "\n</think>\nFinal answer: \\boxed{3.5}", v.Response);
    }

    [Fact]
    public void PlainText_ThinkingIsEverythingBeforeTheLastAnswerLine()
    {
        var v = Judge("Attempt: x = \\boxed{13/2}? Verify: 2(13/2)+3 = 16, wrong.\nAttempt: x = 7/2. Verify: 7 + 3 = 10, correct.\nFinal answer: \\boxed{7/2}");
        Assert.True(v.Accepted, v.Reason);
        Assert.Equal("<think>\nAttempt: x = \\boxed{13/2}? Verify: 2(13/2)+3 = 16, wrong.\nAttempt: x = 7/2. Verify: 7 + 3 = 10, correct.\n</think>\nFinal answer: \\boxed{7/2}", v.Response);
    }

    [Fact]
    public void WrongFinalAnswer_IsRejected_ByTheVerifier()
    {
        var v = Judge("So x is \\boxed{\\frac{13}{2}}.", "Attempt: 2x = 13, x = 13/2. Verify: looks right.");
        Assert.False(v.Accepted);
        Assert.Equal("\\frac{13}{2}", v.Extracted);
        Assert.Equal(ResponseGrader.Grade(Math, v.Response).Reason, v.Reason);
    }

    [Theory]
    [InlineData("I think x is 7/2 but I am not sure.", null, "stop", "no final answer: the response has no \\boxed{} or 'Final answer:' line")]
    [InlineData("x = 7/2, as I found.", "2x = 7 so x = 7/2.", "stop", "no final answer after the thinking: no answer found (no \\boxed{}, 'Final answer:' or '####')")]
    [InlineData("<think>\n2x = 7, x = 7/2. Verify: 7 + 3 = 10.", null, "length", "the teacher stopped at max_tokens (finish_reason length): the trace is unfinished; raise teacher_max_tokens")]
    [InlineData("<think>\n2x = 7, x = 7/2. Verify: 7 + 3 = 10.\nFinal answer: \\boxed{7/2}", null, "stop", "the thinking never closed (no </think>)")]
    [InlineData("<think>\n</think>\nFinal answer: \\boxed{7/2}", null, "stop", "the thinking is empty: a T1 trace shows its attempts and checks")]
    [InlineData("Final answer: \\boxed{7/2}", null, "stop", "no reasoning before the final answer: a T1 trace shows its attempts and checks")]
    [InlineData("<think>a <think> b</think>\nFinal answer: \\boxed{7/2}", null, "stop", "the thinking opens or closes thinking again (nested <think> tags)")]
    [InlineData("</think> then <think>\\boxed{7/2}", null, "stop", "<think> after </think>: the thinking must come before the answer")]
    [InlineData("\\boxed{7/2} or \\boxed{13/2}", "2x = 7.", "stop", "no final answer after the thinking: 2 different final answers (\\boxed{7/2}, \\boxed{13/2}); exactly one is graded")]
    public void ResponsesWithoutOneFinalAnswerAfterTheThinking_AreRejected_WithTheReason(string content, string? reasoning, string finish, string reason)
    {
        var v = Judge(content, reasoning, finish);
        Assert.False(v.Accepted);
        Assert.Null(v.Response);
        Assert.Equal(reason, v.Reason);
    }

    [Theory]
    [InlineData("<html>502 Bad Gateway</html>", "the response is not JSON (")]
    [InlineData("{\"object\":\"chat.completion\",\"choices\":[]}", "the response is not a chat completion (no choices): {\"object\":\"chat.completion\",\"choices\":[]}")]
    [InlineData("{\"choices\":[{\"index\":0,\"finish_reason\":\"stop\"}]}", "the response's first choice has no message: ")]
    public void MalformedBodies_AreRejectedTraces_NotCrashes(string body, string reasonStart)
    {
        var completion = TeacherClient.Parse(body);
        var v = TeacherResponse.Judge(Math, completion);
        Assert.False(v.Accepted);
        Assert.StartsWith(reasonStart, v.Reason);
    }

    [Fact]
    public void Usage_IsRead_AndCostComesFromThePrices()
    {
        var c = TeacherClient.Parse(RecordedTeacher.Completion("x", promptTokens: 1000, completionTokens: 3000));
        Assert.Equal((1000L, 3000L), (c.PromptTokens, c.CompletionTokens));
        var options = new TeacherOptions { BaseUrl = "http://t/v1", Model = "m", PricePromptPerMillion = 0.5, PriceCompletionPerMillion = 2.0 };
        Assert.Equal(0.0065, options.Cost(c.PromptTokens, c.CompletionTokens), 12);
    }
}
