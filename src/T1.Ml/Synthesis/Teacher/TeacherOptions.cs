using System.Globalization;

namespace T1.Ml.Synthesis.Teacher;

/// <summary>Options of teacher synthesis (the <c>synthesize</c> step with <c>task: jsonl</c>); defaults in one place, validated once.</summary>
public sealed record TeacherOptions
{
    public const int DefaultTracesPerProblem = 4;
    public const int DefaultConcurrency = 8;
    public const int DefaultMaxTokens = 4096;
    public const double DefaultTemperature = 0.7;
    public const int DefaultRetries = 6;
    public const int MaxTracesPerProblem = 64;
    public const int MaxConcurrency = 256;

    /// <summary><see cref="MaxTokensField"/>: <c>max_completion_tokens</c> for models that need it (o-series, gpt-5), else <c>max_tokens</c>; switched when the endpoint asks.</summary>
    public const string FieldAuto = "auto";
    public const string FieldMaxTokens = "max_tokens";
    public const string FieldMaxCompletionTokens = "max_completion_tokens";
    public static readonly TimeSpan DefaultMaxRetryAfter = TimeSpan.FromMinutes(10);

    /// <summary>Base URL of an OpenAI-compatible API, up to and including <c>/v1</c> ("http://localhost:5000/v1").</summary>
    public required string BaseUrl { get; init; }

    /// <summary>The teacher model's name as the endpoint knows it.</summary>
    public required string Model { get; init; }

    /// <summary>Where the API key is: <c>env:NAME</c> or <c>secret:NAME</c> (<see cref="ApiKeySource"/>); null for an endpoint without auth.</summary>
    public string? ApiKey { get; init; }

    /// <summary>Teacher responses asked for per problem; each is graded on its own (rejection sampling keeps the correct ones).</summary>
    public int TracesPerProblem { get; init; } = DefaultTracesPerProblem;

    /// <summary>Requests in flight at once.</summary>
    public int Concurrency { get; init; } = DefaultConcurrency;

    /// <summary>Most tokens the teacher may write per response (its <c>max_tokens</c>); a response cut there is rejected.</summary>
    public int MaxTokens { get; init; } = DefaultMaxTokens;

    /// <summary>
    /// The request field that carries <see cref="MaxTokens"/>: <see cref="FieldMaxTokens"/>, <see cref="FieldMaxCompletionTokens"/>
    /// (OpenAI's o-series refuse max_tokens) or <see cref="FieldAuto"/>.
    /// </summary>
    public string MaxTokensField { get; init; } = FieldAuto;

    /// <summary>Longest <c>Retry-After</c> the client waits; an endpoint that asks for longer fails the step at once, saying so.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = DefaultMaxRetryAfter;

    /// <summary>Sampling temperature of the teacher (above 0 so several traces per problem differ).</summary>
    public double Temperature { get; init; } = DefaultTemperature;

    /// <summary>The system message: the T1 recipe (<see cref="TeacherPrompt.System"/>); empty sends the problem alone.</summary>
    public string SystemPrompt { get; init; } = TeacherPrompt.System;

    /// <summary>Seed: request i of problem p is sent with a seed derived from this, p's id and i.</summary>
    public int Seed { get; init; }

    /// <summary>Price in currency units per million prompt tokens (0 = not tracked).</summary>
    public double PricePromptPerMillion { get; init; }

    /// <summary>Price in currency units per million completion tokens (reasoning included).</summary>
    public double PriceCompletionPerMillion { get; init; }

    /// <summary>One request's time limit; a request that takes longer is cancelled and retried.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Retries of one request after 429, 5xx, a timeout or a lost connection.</summary>
    public int Retries { get; init; } = DefaultRetries;

    /// <summary>First back-off delay; it doubles per retry (with jitter) unless the endpoint says Retry-After.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Longest exponential back-off between two tries; a server's Retry-After is honoured as sent, up to <see cref="MaxRetryAfter"/>.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>The cost of one response from its token counts.</summary>
    public double Cost(long promptTokens, long completionTokens) =>
        (promptTokens * PricePromptPerMillion + completionTokens * PriceCompletionPerMillion) / 1_000_000;

    /// <exception cref="ArgumentException">The message names the option and what it accepts.</exception>
    public void Validate()
    {
        if (!Uri.TryCreate(BaseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new ArgumentException($"teacher_url must be an http(s) URL of an OpenAI-compatible API such as http://localhost:5000/v1, got '{BaseUrl}'");
        if (string.IsNullOrWhiteSpace(Model))
            throw new ArgumentException("teacher_model must name the teacher model (the endpoint's model id)");
        if (ApiKey is not null) ApiKeySource.Parse(ApiKey);
        Check("traces_per_problem", TracesPerProblem, 1, MaxTracesPerProblem);
        Check("teacher_concurrency", Concurrency, 1, MaxConcurrency);
        Check("teacher_max_tokens", MaxTokens, 1, 1_000_000);
        Check("teacher_retries", Retries, 0, 100);
        if (Temperature is < 0 or > 2 || double.IsNaN(Temperature))
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"teacher_temperature must be between 0 and 2, got {Temperature}"));
        if (PricePromptPerMillion < 0 || PriceCompletionPerMillion < 0 || !double.IsFinite(PricePromptPerMillion) || !double.IsFinite(PriceCompletionPerMillion))
            throw new ArgumentException("price_prompt and price_completion must be 0 or more (currency units per million tokens)");
        if (RequestTimeout <= TimeSpan.Zero) throw new ArgumentException("teacher_timeout must be positive");
        if (MaxRetryAfter < TimeSpan.Zero) throw new ArgumentException("teacher_max_retry_after must be 0 or more");
        if (MaxTokensField is not (FieldAuto or FieldMaxTokens or FieldMaxCompletionTokens))
            throw new ArgumentException($"teacher_max_tokens_field must be {FieldAuto}, {FieldMaxTokens} or {FieldMaxCompletionTokens}, got '{MaxTokensField}'");
    }

    private static void Check(string name, int value, int min, int max)
    {
        if (value < min || value > max) throw new ArgumentException($"{name} must be between {min} and {max}, got {value}");
    }
}
