using T1.Ml.Synthesis.Teacher;

namespace T1.Ml.Tests.Synthesis.Teacher;

/// <summary>The teacher client's limits: which field carries the token limit, and how long a Retry-After it waits.</summary>
public sealed class TeacherClientLimitsTests
{
    private static readonly IReadOnlyList<(string, string)> Messages = TeacherPrompt.Messages(TeacherPrompt.System, "What is 2+3?");
    private static readonly string Ok = RecordedTeacher.Completion("<think>2+3=5.</think>\nFinal answer: \\boxed{5}");

    /// <summary>OpenAI's answer to max_tokens from an o-series model.</summary>
    private const string Unsupported = "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.";

    private static TeacherOptions Options(string url, string model = "teacher", string field = TeacherOptions.FieldAuto) => new()
    {
        BaseUrl = url, Model = model, MaxTokensField = field, MaxTokens = 300, Retries = 3, RetryDelay = TimeSpan.FromMilliseconds(20),
        MaxRetryAfter = TimeSpan.FromMinutes(1),
    };

    private static RecordedTeacher.Reply LikeOSeries(RecordedTeacher.Request r) =>
        r.Body.ContainsKey("max_tokens") ? new(400, RecordedTeacher.Error(Unsupported)) : new(200, Ok);

    [Theory]
    [InlineData("teacher", "max_tokens")]
    [InlineData("qwen2.5-math-7b", "max_tokens")]
    [InlineData("o3-mini", "max_completion_tokens")]
    [InlineData("openai/o1", "max_completion_tokens")]
    [InlineData("gpt-5-mini", "max_completion_tokens")]
    public async Task Auto_SendsTheFieldTheModelTakes(string model, string field)
    {
        await using var teacher = new RecordedTeacher((_, _) => new(200, Ok));
        using var client = new TeacherClient(Options(teacher.BaseUrl, model), null);
        Assert.Null((await client.CompleteAsync(Messages, 1, CancellationToken.None)).Error);
        var body = Assert.Single(teacher.Requests).Body;
        Assert.Equal(300, (int)body[field]!);
        Assert.False(body.ContainsKey(field == "max_tokens" ? "max_completion_tokens" : "max_tokens"));
    }

    [Fact]
    public async Task Auto_SwitchesToMaxCompletionTokens_WhenTheEndpointAsksForIt_AndKeepsIt()
    {
        await using var teacher = new RecordedTeacher((r, _) => LikeOSeries(r));
        using var client = new TeacherClient(Options(teacher.BaseUrl, "reasoner-deployment"), null);
        Assert.Null((await client.CompleteAsync(Messages, 1, CancellationToken.None)).Error);
        Assert.Null((await client.CompleteAsync(Messages, 2, CancellationToken.None)).Error);
        var sent = teacher.Requests.Select(r => r.Body.ContainsKey("max_tokens") ? "max_tokens" : "max_completion_tokens").ToList();
        Assert.Equal(["max_tokens", "max_completion_tokens", "max_completion_tokens"], sent);
    }

    [Fact]
    public async Task AnExplicitField_IsSentAsConfigured_AndARefusalRejectsThatTraceOnly()
    {
        await using var teacher = new RecordedTeacher((r, _) => LikeOSeries(r));
        using var client = new TeacherClient(Options(teacher.BaseUrl, "o3-mini", TeacherOptions.FieldMaxTokens), null);
        var completion = await client.CompleteAsync(Messages, 1, CancellationToken.None);
        Assert.Equal("the endpoint refused this request with HTTP 400: " + Unsupported, completion.Error);
        Assert.Single(teacher.Requests);
    }

    [Fact]
    public async Task ARetryAfterLongerThanTheLimit_FailsAtOnce_SayingHowLongAndWhatToDo()
    {
        await using var teacher = new RecordedTeacher((_, _) => new(429, RecordedTeacher.Error("daily quota exhausted", "rate_limit_error"), RetryAfter: "3600"));
        var retries = new List<string>();
        using var client = new TeacherClient(Options(teacher.BaseUrl), null, retries.Add);
        var e = await Assert.ThrowsAsync<TeacherProtocolException>(() => client.CompleteAsync(Messages, 1, CancellationToken.None));
        Assert.Equal(
            $"teacher endpoint {teacher.BaseUrl}/chat/completions answered HTTP 429 (daily quota exhausted) and asks to wait 3600 s (Retry-After), longer than " +
            "teacher_max_retry_after (60 s); finished traces are kept: retry the step after that wait, or raise teacher_max_retry_after to wait it out.",
            e.Message);
        Assert.Single(teacher.Requests); // not retried, not waited for
        Assert.Empty(retries);
    }

    [Fact]
    public void Validate_NamesABadField()
    {
        var e = Assert.Throws<ArgumentException>(() => Options("http://localhost:5000/v1", field: "max_new_tokens").Validate());
        Assert.Equal("teacher_max_tokens_field must be auto, max_tokens or max_completion_tokens, got 'max_new_tokens'", e.Message);
    }
}
