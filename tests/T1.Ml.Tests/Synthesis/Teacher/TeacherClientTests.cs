using System.Diagnostics;
using T1.Ml.Synthesis.Teacher;

namespace T1.Ml.Tests.Synthesis.Teacher;

/// <summary>The teacher's HTTP calls against a real local server: retries on 429/5xx/timeouts, Retry-After, refusals.</summary>
public sealed class TeacherClientTests
{
    private static readonly IReadOnlyList<(string, string)> Messages = TeacherPrompt.Messages(TeacherPrompt.System, "What is 2+3?");
    private static readonly string Ok = RecordedTeacher.Completion("<think>2+3=5. Check: 5-3=2.</think>\nFinal answer: \\boxed{5}");

    private static TeacherOptions Options(string url, int retries = 3, double timeoutSeconds = 30) => new()
    {
        BaseUrl = url, Model = "teacher", Retries = retries, RetryDelay = TimeSpan.FromMilliseconds(20), RequestTimeout = TimeSpan.FromSeconds(timeoutSeconds),
    };

    [Fact]
    public async Task TooManyRequests_WaitsRetryAfter_ThenSucceeds()
    {
        await using var teacher = new RecordedTeacher((_, n) => n == 0 ? new(429, RecordedTeacher.Error("rate limited", "rate_limit_error"), RetryAfter: "1") : new(200, Ok));
        var retries = new List<string>();
        using var client = new TeacherClient(Options(teacher.BaseUrl), "k", retries.Add);
        var completion = await client.CompleteAsync(Messages, 7, CancellationToken.None);
        Assert.Null(completion.Error);
        var times = teacher.Requests.Select(r => r.At).ToList();
        Assert.Equal(2, times.Count);
        Assert.True(times[1] - times[0] >= TimeSpan.FromSeconds(0.95), $"retried after {(times[1] - times[0]).TotalSeconds} s, before Retry-After: 1");
        Assert.Equal($"teacher {teacher.BaseUrl}/chat/completions: HTTP 429; retry 1 of 3 in 1 s", Assert.Single(retries));
    }

    [Fact]
    public async Task ServerErrors_AreRetriedWithBackOff_AndTheRequestIsTheSame()
    {
        await using var teacher = new RecordedTeacher((_, n) => n < 2 ? new(n == 0 ? 500 : 503, "upstream failed") : new(200, Ok));
        using var client = new TeacherClient(Options(teacher.BaseUrl), "secret-value");
        var completion = await client.CompleteAsync(Messages, 7, CancellationToken.None);
        Assert.Equal("<think>2+3=5. Check: 5-3=2.</think>\nFinal answer: \\boxed{5}", completion.Content);
        var requests = teacher.Requests.ToList();
        Assert.Equal(3, requests.Count);
        Assert.All(requests, r => Assert.Equal(requests[0].Body.ToJsonString(), r.Body.ToJsonString()));
        Assert.All(requests, r => Assert.Equal("Bearer secret-value", r.Authorization));
        var body = requests[0].Body;
        Assert.Equal("teacher", (string?)body["model"]);
        Assert.Equal(7, (int)body["seed"]!);
        Assert.Equal("system", (string?)body["messages"]![0]!["role"]);
        Assert.Equal("What is 2+3?", (string?)body["messages"]![1]!["content"]);
    }

    [Fact]
    public async Task ARequestOverTheTimeout_IsCancelledAndRetried()
    {
        // Request 0 warms the client and the server up (a cold first request on a busy 2-core machine can itself take
        // longer than the timeout); request 1 is the slow one; its retry, request 2, answers at once. The timeout is
        // 1.5 s: at 0.5 s, an instant answer under CI's load once took longer too and was retried a second time.
        await using var teacher = new RecordedTeacher((_, n) => n == 1 ? new(200, Ok, Delay: TimeSpan.FromSeconds(15)) : new(200, Ok));
        using var client = new TeacherClient(Options(teacher.BaseUrl, timeoutSeconds: 1.5), null);
        Assert.Null((await client.CompleteAsync(Messages, 1, CancellationToken.None)).Error);
        var clock = Stopwatch.StartNew();
        var completion = await client.CompleteAsync(Messages, 1, CancellationToken.None);
        Assert.Null(completion.Error);
        Assert.Equal(3, teacher.Requests.Count);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(12), $"took {clock.Elapsed}: the slow request was not cut at the timeout");
    }

    [Fact]
    public async Task StillFailingAfterTheRetries_FailsWithWhatToDo()
    {
        await using var teacher = new RecordedTeacher((_, _) => new(503, RecordedTeacher.Error("overloaded")));
        using var client = new TeacherClient(Options(teacher.BaseUrl, retries: 2), null);
        var e = await Assert.ThrowsAsync<TeacherProtocolException>(() => client.CompleteAsync(Messages, 1, CancellationToken.None));
        Assert.Equal($"teacher endpoint {teacher.BaseUrl}/chat/completions answered HTTP 503 (overloaded); still after 2 retries; finished traces are kept: retrying the step continues from them.", e.Message);
        Assert.Equal(3, teacher.Requests.Count);
    }

    [Fact]
    public async Task Unauthorized_IsNotRetried_AndSaysToCheckTheKey()
    {
        await using var teacher = new RecordedTeacher((_, _) => new(401, RecordedTeacher.Error("Incorrect API key provided")));
        using var client = new TeacherClient(Options(teacher.BaseUrl), "wrong");
        var e = await Assert.ThrowsAsync<TeacherProtocolException>(() => client.CompleteAsync(Messages, 1, CancellationToken.None));
        Assert.Equal($"teacher endpoint {teacher.BaseUrl}/chat/completions answered HTTP 401 (Incorrect API key provided); check teacher_api_key names the right key for this endpoint.", e.Message);
        Assert.Single(teacher.Requests);
    }

    [Fact]
    public async Task BadRequest_RejectsThatTraceOnly()
    {
        await using var teacher = new RecordedTeacher((_, _) => new(400, RecordedTeacher.Error("This model's maximum context length is 4096 tokens")));
        using var client = new TeacherClient(Options(teacher.BaseUrl), null);
        var completion = await client.CompleteAsync(Messages, 1, CancellationToken.None);
        Assert.Equal("the endpoint refused this request with HTTP 400: This model's maximum context length is 4096 tokens", completion.Error);
    }

    [Fact]
    public async Task NoServer_FailsAfterTheRetries_NamingTheEndpoint()
    {
        var url = "http://127.0.0.1:1/v1";
        using var client = new TeacherClient(Options(url, retries: 1), null);
        var e = await Assert.ThrowsAsync<TeacherProtocolException>(() => client.CompleteAsync(Messages, 1, CancellationToken.None));
        Assert.StartsWith($"teacher endpoint {url}/chat/completions: ", e.Message);
        Assert.EndsWith(", still after 1 retries; is it running and reachable from this worker? Finished traces are kept: retrying the step continues from them.", e.Message);
    }
}
