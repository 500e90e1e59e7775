using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using T1.Ml.Checkpoints;
using T1.Ml.Evaluation;
using T1.Ml.Tasks;
using T1.Server.Auth;
using T1.Server.Serving;
using T1.Server.Tests.Portal;
using T1.Workflows.Registry;

namespace T1.Server.Tests.Serving;

/// <summary>POST /v1/chat/completions over HTTP on a server that requires sign-in, against a memorised micro model.</summary>
public sealed class ChatCompletionsTests : IAsyncLifetime
{
    private PortalServer _server = null!;
    private HttpClient _viewer = null!;

    public async Task InitializeAsync()
    {
        _server = await PortalServer.StartAsync(configure: o => o.Serving.Device = "cpu");
        await TinyReasoner.RegisterAsync(_server, "tiny", TinyReasoner.Trained);
        _viewer = Bearer(await _server.KeyAsync(Roles.Viewer));
    }

    public async Task DisposeAsync()
    {
        _viewer.Dispose();
        await _server.DisposeAsync();
    }

    private HttpClient Bearer(string key)
    {
        var http = _server.Client();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return http;
    }

    private async Task<(HttpStatusCode Status, JsonObject Body)> PostAsync(object body, HttpClient? client = null)
    {
        var response = await (client ?? _viewer).PostAsJsonAsync("/v1/chat/completions", body);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }

    private static object[] Ask(string prompt) => [new { role = "user", content = prompt }];

    [Fact]
    public async Task Greedy_ReturnsThinkingApartFromTheAnswer_WithUsage()
    {
        var (status, body) = await PostAsync(new { model = "tiny", messages = Ask("Compute 3+4."), temperature = 0 });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("chat.completion", body["object"]!.GetValue<string>());
        Assert.Equal("tiny@v1", body["model"]!.GetValue<string>());
        var choice = body["choices"]![0]!;
        Assert.Equal("\nTry: 3+4=7.\nCheck: 3+4=7, correct.\n", choice["message"]!["reasoning_content"]!.GetValue<string>());
        Assert.Equal("\nFinal answer: \\boxed{7}", choice["message"]!["content"]!.GetValue<string>());
        Assert.Equal("stop", choice["finish_reason"]!.GetValue<string>());
        var usage = body["usage"]!;
        var tok = TinyReasoner.Tokenizer;
        Assert.Equal(tok.Encode("Compute 3+4.\n").Count + 1, usage["prompt_tokens"]!.GetValue<int>());
        Assert.Equal(tok.Encode("\nTry: 3+4=7.\nCheck: 3+4=7, correct.\n").Count, usage["completion_tokens_details"]!["reasoning_tokens"]!.GetValue<int>());
        Assert.Equal(usage["prompt_tokens"]!.GetValue<int>() + usage["completion_tokens"]!.GetValue<int>(), usage["total_tokens"]!.GetValue<int>());
    }

    [Fact]
    public async Task ThinkingBudget_CutsAndForcesTheAnswer_ExactlyAsEvaluateDoes()
    {
        var problem = new Problem("p", "arithmetic", "Compute 9-5.", "4", 1, new Dictionary<string, string>());
        using var loaded = Checkpoint.Load(TinyReasoner.Trained, TorchSharp.torch.CPU);
        foreach (var budget in new[] { 1, 3, 64 })
        {
            var trace = new BudgetEvaluator(loaded.Model, loaded.Tokenizer!)
                .Evaluate([problem], new BudgetEvaluationOptions { Budgets = [budget], MaxAnswerTokens = 24 }).Traces.Single();
            var (status, body) = await PostAsync(new { model = "tiny", messages = Ask("Compute 9-5."), temperature = 0, thinking_budget = budget });

            Assert.Equal(HttpStatusCode.OK, status);
            var message = body["choices"]![0]!["message"]!;
            var served = "<think>" + message["reasoning_content"]!.GetValue<string>() + "</think>" + message["content"]!.GetValue<string>();
            Assert.Equal(trace.Response, served);
            Assert.Equal(trace.ThinkingTokens, body["usage"]!["completion_tokens_details"]!["reasoning_tokens"]!.GetValue<int>());
        }
    }

    [Fact]
    public async Task Stop_MaxTokens_N_Seed_LogProbs()
    {
        var (_, stopped) = await PostAsync(new { model = "tiny", messages = Ask("Compute 3+4."), temperature = 0, stop = "{" });
        Assert.Equal("\nFinal answer: \\boxed", stopped["choices"]![0]!["message"]!["content"]!.GetValue<string>());
        Assert.Equal("stop", stopped["choices"]![0]!["finish_reason"]!.GetValue<string>());

        var (_, cut) = await PostAsync(new { model = "tiny", messages = Ask("Compute 3+4."), temperature = 0, max_completion_tokens = 3 });
        Assert.Equal("length", cut["choices"]![0]!["finish_reason"]!.GetValue<string>());
        Assert.Equal(3, cut["usage"]!["completion_tokens"]!.GetValue<int>());

        object Sampled() => new { model = "tiny", messages = Ask("Compute 3+4."), temperature = 2, n = 3, seed = 11, max_tokens = 12, logprobs = true, top_logprobs = 2 };
        var (_, a) = await PostAsync(Sampled());
        var (_, b) = await PostAsync(Sampled());
        Assert.Equal(3, a["choices"]!.AsArray().Count);
        Assert.Equal(a["choices"]!.ToJsonString(), b["choices"]!.ToJsonString()); // same seed, same samples
        var texts = a["choices"]!.AsArray().Select(c => c!["message"]!["reasoning_content"]!.GetValue<string>() + c["message"]!["content"]!.GetValue<string>()).ToList();
        Assert.True(texts.Distinct().Count() > 1, "three choices at temperature 2 should differ: " + string.Join(" | ", texts));

        var (_, withLogprobs) = await PostAsync(new { model = "tiny", messages = Ask("Compute 3+4."), temperature = 0, logprobs = true, top_logprobs = 2 });
        var content = withLogprobs["choices"]![0]!["logprobs"]!["content"]!.AsArray();
        Assert.Equal("\nFinal answer: \\boxed{7}", string.Concat(content.Select(t => t!["token"]!.GetValue<string>())));
        Assert.All(content, t =>
        {
            Assert.True(t!["logprob"]!.GetValue<float>() <= 0);
            Assert.Equal(2, t["top_logprobs"]!.AsArray().Count);
            Assert.Equal(t["token"]!.GetValue<string>(), t["top_logprobs"]![0]!["token"]!.GetValue<string>()); // greedy took the likeliest
        });
    }

    [Fact]
    public async Task Models_ListsChampionAliasesAndVersions_PromotionAndAliasMovesTakeEffectWithoutRestart()
    {
        var list = await _viewer.GetFromJsonAsync<JsonObject>("/v1/models");
        Assert.Equal(["tiny", "tiny@v1"], list!["data"]!.AsArray().Select(m => m!["id"]!.GetValue<string>()));

        int v2 = await TinyReasoner.RegisterAsync(_server, "tiny", TinyReasoner.Untrained, accuracy: 0.1); // not better: v1 stays champion
        Assert.Equal("tiny@v1", (await PostAsync(new { model = "tiny", messages = Ask("Compute 3+4."), max_tokens = 2 })).Body["model"]!.GetValue<string>());
        Assert.Equal("tiny@v2", (await PostAsync(new { model = $"tiny@v{v2}", messages = Ask("Compute 3+4."), max_tokens = 2 })).Body["model"]!.GetValue<string>());

        await _server.Get<ModelRegistry>().PromoteManuallyAsync("tiny", v2, "test");
        Assert.Equal("tiny@v2", (await PostAsync(new { model = "tiny", messages = Ask("Compute 3+4."), max_tokens = 2 })).Body["model"]!.GetValue<string>());
        Assert.Equal("tiny@v1", (await PostAsync(new { model = "tiny@v1", messages = Ask("Compute 3+4."), max_tokens = 2 })).Body["model"]!.GetValue<string>());

        await _server.Get<ModelRegistry>().SetAliasAsync("tiny", "staging", 1, "test", "serving test");
        Assert.Equal("tiny@v1", (await PostAsync(new { model = "tiny@staging", messages = Ask("Compute 3+4."), max_tokens = 2 })).Body["model"]!.GetValue<string>());
        list = await _viewer.GetFromJsonAsync<JsonObject>("/v1/models");
        Assert.Equal(["tiny", "tiny@staging", "tiny@v1", "tiny@v2"], list!["data"]!.AsArray().Select(m => m!["id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task BadInput_IsAnsweredInOpenAiErrorShape_NeverA500()
    {
        async Task Expect(HttpContent content, HttpStatusCode status, string? param, string message)
        {
            var response = await _viewer.PostAsync("/v1/chat/completions", content);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(status == response.StatusCode, $"{response.StatusCode}: {text}");
            var error = JsonNode.Parse(text)!["error"]!;
            Assert.Equal(param, error["param"]?.GetValue<string>());
            Assert.Equal(message, error["message"]!.GetValue<string>());
            Assert.NotNull(error["type"]);
        }
        HttpContent Json(string s) => new StringContent(s, Encoding.UTF8, "application/json");

        await Expect(Json("""{"model": "nope", "messages": [{"role": "user", "content": "hi"}]}"""), HttpStatusCode.NotFound, "model",
            "The model 'nope' does not exist: model 'nope' is not registered; `t1 models` lists the registered ones; GET /v1/models lists the servable models");
        await Expect(Json("""{"model": "tiny@v9", "messages": [{"role": "user", "content": "hi"}]}"""), HttpStatusCode.NotFound, "model",
            "The model 'tiny@v9' does not exist: model 'tiny' has no version 9; `t1 models show tiny` lists its versions; GET /v1/models lists the servable models");
        await Expect(Json("""{"model": "tiny@staging", "messages": [{"role": "user", "content": "hi"}]}"""), HttpStatusCode.NotFound, "model",
            "The model 'tiny@staging' does not exist: model 'tiny' has no alias 'staging'; its aliases: champion; GET /v1/models lists the servable models");
        await Expect(Json("""{"model": "tiny", "messages": [{"role": "user", "content": "hi"}], "max_tokens": -1}"""), HttpStatusCode.BadRequest, "max_tokens",
            "max_tokens must be at least 1, got -1");
        await Expect(Json("""{"model": "tiny", "messages": []}"""), HttpStatusCode.BadRequest, "messages",
            "'messages' is required: a non-empty array of {\"role\": \"user\", \"content\": \"…\"}");
        await Expect(Json("""{"model": "tiny", "messages": [{"role": "user", "content": "hi"}], "temperature": "hot"}"""), HttpStatusCode.BadRequest, "temperature",
            "temperature must be a number, got \"hot\"");
        await Expect(Json("""{"model": "tiny", "messages": [{"role": "user", "content": "hi"}], "stop": ["a", "b", "c", "d", "e"]}"""), HttpStatusCode.BadRequest, "stop",
            "stop takes at most 4 strings, got 5");
        var truncated = await _viewer.PostAsync("/v1/chat/completions", Json("""{"model": "tiny", "messages": [{"role": "user", "content": "hi"}], """));
        Assert.Equal(HttpStatusCode.BadRequest, truncated.StatusCode);
        Assert.StartsWith("the body is not valid JSON (UTF-8): ", JsonNode.Parse(await truncated.Content.ReadAsStringAsync())!["error"]!["message"]!.GetValue<string>());
        var invalidUtf8 = new ByteArrayContent([.. Encoding.UTF8.GetBytes("""{"model": "tiny", "messages": [{"role": "user", "content": "h"""), 0xC3, 0x28, .. Encoding.UTF8.GetBytes("\"}]}")]);
        invalidUtf8.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var bad = await _viewer.PostAsync("/v1/chat/completions", invalidUtf8);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.StartsWith("the body is not valid JSON (UTF-8)", JsonNode.Parse(await bad.Content.ReadAsStringAsync())!["error"]!["message"]!.GetValue<string>());
        var huge = new string('x', 10 * 1024 * 1024);
        var hugeBody = $$"""{"model": "tiny", "messages": [{"role": "user", "content": "{{huge}}"}]}""";
        await Expect(Json(hugeBody), HttpStatusCode.RequestEntityTooLarge, "messages",
            $"the request body is over 1048576 bytes (at least {Encoding.UTF8.GetByteCount(hugeBody)}); shorten the messages or raise T1:Serving:MaxRequestBytes");
        var longPrompt = string.Join(" ", Enumerable.Repeat("Compute 3+4.", 100));
        await Expect(Json($$"""{"model": "tiny", "messages": [{"role": "user", "content": "{{longPrompt}}"}]}"""), HttpStatusCode.BadRequest, "messages",
            $"the messages are {TinyReasoner.Tokenizer.Encode(longPrompt + "\n").Count + 1} tokens in tiny@v1's chat format, but its context is 128 positions; shorten them");
    }

    [Fact]
    public async Task Serving_RecordsTokensTimeToFirstTokenQueueTimeAndBatchSize_OnTheT1ServingMeter()
    {
        var seen = new System.Collections.Concurrent.ConcurrentDictionary<string, double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) => { if (instrument.Meter.Name == "T1.Serving") l.EnableMeasurementEvents(instrument); };
        void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            foreach (var tag in tags)
                if (tag.Key == "model" && (string?)tag.Value == "tiny@v1") seen.AddOrUpdate(instrument.Name, value, (_, sum) => sum + value);
        }
        listener.SetMeasurementEventCallback<long>((i, v, t, _) => Record(i, v, t));
        listener.SetMeasurementEventCallback<int>((i, v, t, _) => Record(i, v, t));
        listener.SetMeasurementEventCallback<double>((i, v, t, _) => Record(i, v, t));
        listener.Start();

        var (_, body) = await PostAsync(new { model = "tiny", messages = Ask("Compute 3+4."), temperature = 0 });

        Assert.True(seen.GetValueOrDefault("t1.serving.tokens") >= body["usage"]!["completion_tokens"]!.GetValue<int>());
        Assert.True(seen.GetValueOrDefault("t1.serving.batch_size") >= 1);
        Assert.True(seen.ContainsKey("t1.serving.time_to_first_token"));
        Assert.True(seen.ContainsKey("t1.serving.queue_time"));
        Assert.True(seen.GetValueOrDefault("t1.serving.choice_tokens_per_second") > 0);

        // The same instruments as Prometheus text at /metrics (OpenTelemetry, every T1.* meter).
        Assert.Equal(HttpStatusCode.Unauthorized, (await _server.Client().GetAsync("/metrics")).StatusCode);
        var text = await _viewer.GetStringAsync("/metrics");
        Assert.Contains("t1_serving_tokens", text);
        Assert.Contains("t1_serving_time_to_first_token_seconds_bucket", text);
        Assert.Contains("model=\"tiny@v1\"", text);
    }

    [Fact]
    public async Task Auth_NoKeyIs401_ViewerMayCall_ErrorsInOpenAiShape()
    {
        using var anonymous = _server.Client();
        var response = await anonymous.PostAsJsonAsync("/v1/chat/completions", new { model = "tiny", messages = Ask("Compute 3+4.") });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("authentication_error", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["type"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/v1/models")).StatusCode);
        using var wrong = Bearer("t1_not-a-key");
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync("/v1/models")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _viewer.GetAsync("/v1/models")).StatusCode);
    }
}
