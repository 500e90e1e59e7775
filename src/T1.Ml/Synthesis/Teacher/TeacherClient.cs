using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Timeout;

namespace T1.Ml.Synthesis.Teacher;

/// <summary>
/// Calls <c>POST {base}/chat/completions</c> of an OpenAI-compatible endpoint (non-streaming, one choice) with
/// HttpClient and System.Text.Json — the official client has no <c>reasoning_content</c> and its own retry loop.
/// Transient failures (429, 408, 5xx, a lost connection, a request over <see cref="TeacherOptions.RequestTimeout"/>)
/// are retried by a Polly pipeline (Microsoft.Extensions.Http.Resilience): exponential back-off with jitter,
/// or exactly the server's <c>Retry-After</c> when it sends one — up to <see cref="TeacherOptions.MaxRetryAfter"/>: an
/// endpoint asking for a longer wait fails the request at once, saying so, instead of holding the step silently.
/// The token limit goes out as <c>max_tokens</c> or <c>max_completion_tokens</c> (<see cref="TeacherOptions.MaxTokensField"/>).
/// </summary>
public sealed class TeacherClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly Uri _completions;
    private readonly TeacherOptions _options;
    private volatile string _maxTokensField; // auto: switched to max_completion_tokens once the endpoint asks for it

    /// <param name="apiKey">Sent as <c>Authorization: Bearer</c>; null for an endpoint without auth.</param>
    /// <param name="onRetry">Told each retry: what failed, which retry, and the wait.</param>
    public TeacherClient(TeacherOptions options, string? apiKey, Action<string>? onRetry = null)
    {
        _options = options;
        _maxTokensField = MaxTokensFieldFor(options);
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage>();
        if (options.Retries > 0)
        {
            builder.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = options.Retries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryDelay,
                MaxDelay = options.MaxRetryDelay,
                ShouldRetryAfterHeader = true,
                ShouldHandle = args => ValueTask.FromResult(HttpClientResiliencePredicates.IsTransient(args.Outcome)
                    && !(args.Outcome.Result is { } r && RetryAfter(r) > options.MaxRetryAfter)),
                OnRetry = args =>
                {
                    var what = args.Outcome.Result is { } r ? $"HTTP {(int)r.StatusCode}" : args.Outcome.Exception?.GetType().Name ?? "failure";
                    onRetry?.Invoke(string.Create(CultureInfo.InvariantCulture,
                        $"teacher {_completions}: {what}; retry {args.AttemptNumber + 1} of {options.Retries} in {args.RetryDelay.TotalSeconds:0.###} s"));
                    return default;
                },
            });
        }
        builder.AddTimeout(new HttpTimeoutStrategyOptions { Timeout = options.RequestTimeout });
        var handler = new ResilienceHandler(builder.Build()) { InnerHandler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) } };
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        if (apiKey is not null) _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        _completions = new Uri(options.BaseUrl.TrimEnd('/') + "/chat/completions");
    }

    /// <summary>One completion of <paramref name="messages"/>, sampled with <paramref name="seed"/>.</summary>
    /// <returns>The completion; or one whose <see cref="TeacherCompletion.Error"/> says why this request gave none (400, a body that is not a completion).</returns>
    /// <exception cref="TeacherProtocolException">The endpoint refuses every request (401, 403, 404…) or is still failing after the retries.</exception>
    public async Task<TeacherCompletion> CompleteAsync(IReadOnlyList<(string Role, string Content)> messages, int seed, CancellationToken cancellationToken)
    {
        while (true)
        {
            var field = _maxTokensField;
            var (completion, refusal) = await SendAsync(messages, seed, field, cancellationToken);
            // auto: an endpoint that refuses max_tokens and names max_completion_tokens (OpenAI's o-series) gets the same request again with it.
            if (refusal is not null && _options.MaxTokensField == TeacherOptions.FieldAuto && field == TeacherOptions.FieldMaxTokens
                && refusal.Contains(TeacherOptions.FieldMaxCompletionTokens, StringComparison.Ordinal))
            {
                _maxTokensField = TeacherOptions.FieldMaxCompletionTokens;
                continue;
            }
            return completion;
        }
    }

    /// <summary>The field auto starts with: max_completion_tokens for models known to refuse max_tokens.</summary>
    public static string MaxTokensFieldFor(TeacherOptions options)
    {
        if (options.MaxTokensField != TeacherOptions.FieldAuto) return options.MaxTokensField;
        var model = options.Model[(options.Model.LastIndexOf('/') + 1)..].ToLowerInvariant(); // "openai/o3-mini" as routers name it
        bool reasoning = (model.Length >= 2 && model[0] == 'o' && char.IsAsciiDigit(model[1])) || model.StartsWith("gpt-5", StringComparison.Ordinal);
        return reasoning ? TeacherOptions.FieldMaxCompletionTokens : TeacherOptions.FieldMaxTokens;
    }

    /// <summary>One request; a 400/422 comes back as a failed completion with the endpoint's message (the refusal).</summary>
    private async Task<(TeacherCompletion Completion, string? Refusal)> SendAsync(
        IReadOnlyList<(string Role, string Content)> messages, int seed, string maxTokensField, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["model"] = _options.Model,
            ["messages"] = new JsonArray(messages.Select(m => (JsonNode)new JsonObject { ["role"] = m.Role, ["content"] = m.Content }).ToArray()),
            [maxTokensField] = _options.MaxTokens,
            ["temperature"] = _options.Temperature,
            ["seed"] = seed,
            ["n"] = 1,
            ["stream"] = false,
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, _completions)
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        HttpResponseMessage response;
        try { response = await _http.SendAsync(request, cancellationToken); }
        catch (Exception e) when (e is HttpRequestException or TimeoutRejectedException && !cancellationToken.IsCancellationRequested)
        {
            var what = e is TimeoutRejectedException ? $"no answer within {_options.RequestTimeout.TotalSeconds:0.#} s (teacher_timeout)" : e.Message;
            throw new TeacherProtocolException($"teacher endpoint {_completions}: {what}, still after {_options.Retries} retries; is it running and reachable from this worker? Finished traces are kept: retrying the step continues from them.");
        }
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.IsSuccessStatusCode) return (Parse(text), null);
            var status = (int)response.StatusCode;
            var detail = ErrorMessage(text);
            if (response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity)
                return (TeacherCompletion.Failed($"the endpoint refused this request with HTTP {status}: {detail}"), detail);
            if (RetryAfter(response) is { } wait && wait > _options.MaxRetryAfter)
                throw new TeacherProtocolException(string.Create(CultureInfo.InvariantCulture,
                    $"teacher endpoint {_completions} answered HTTP {status} ({detail}) and asks to wait {wait.TotalSeconds:0} s (Retry-After), longer than teacher_max_retry_after ({_options.MaxRetryAfter.TotalSeconds:0} s); finished traces are kept: retry the step after that wait, or raise teacher_max_retry_after to wait it out."));
            var hint = response.StatusCode switch
            {
                HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => "check teacher_api_key names the right key for this endpoint",
                HttpStatusCode.NotFound => "check teacher_url (it ends before /chat/completions, e.g. http://host:port/v1) and teacher_model",
                HttpStatusCode.TooManyRequests or >= HttpStatusCode.InternalServerError =>
                    $"still after {_options.Retries} retries; finished traces are kept: retrying the step continues from them",
                _ => "see the endpoint's message",
            };
            throw new TeacherProtocolException($"teacher endpoint {_completions} answered HTTP {status} ({detail}); {hint}.");
        }
    }

    /// <summary>The wait a response's <c>Retry-After</c> asks for (seconds or a date), or null.</summary>
    private static TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow,
        _ => null,
    };

    /// <summary>Reads a chat.completion body; a body that is not one becomes a failed completion with the reason.</summary>
    public static TeacherCompletion Parse(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("choices", out var choices)
                || choices.ValueKind != JsonValueKind.Array || choices.GetArrayLength() == 0)
                return TeacherCompletion.Failed($"the response is not a chat completion (no choices): {Short(json)}");
            var choice = choices[0];
            if (!choice.TryGetProperty("message", out var message) || message.ValueKind != JsonValueKind.Object)
                return TeacherCompletion.Failed($"the response's first choice has no message: {Short(json)}");
            long prompt = 0, completion = 0;
            if (root.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
            {
                prompt = Long(usage, "prompt_tokens");
                completion = Long(usage, "completion_tokens");
            }
            return new TeacherCompletion(
                String(message, "content"), String(message, "reasoning_content") ?? String(message, "reasoning"),
                String(choice, "finish_reason"), prompt, completion);
        }
        catch (JsonException e)
        {
            return TeacherCompletion.Failed($"the response is not JSON ({e.Message}): {Short(json)}");
        }
    }

    /// <summary>OpenAI's error shape <c>{"error": {"message": …}}</c>, else the start of the body.</summary>
    private static string ErrorMessage(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("error", out var error))
            {
                if (error.ValueKind == JsonValueKind.Object && String(error, "message") is { } m) return m;
                if (error.ValueKind == JsonValueKind.String) return error.GetString()!;
            }
        }
        catch (JsonException) { }
        return body.Length == 0 ? "empty body" : Short(body);
    }

    private static string? String(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static long Long(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : 0;

    private static string Short(string s) => s.Length <= 200 ? s : s[..200] + "…";

    public void Dispose() => _http.Dispose();
}
