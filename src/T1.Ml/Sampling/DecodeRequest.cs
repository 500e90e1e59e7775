namespace T1.Ml.Sampling;

/// <summary>
/// One generation asked of a <see cref="DecodeEngine"/>: a prompt that opens the thinking (it ends with
/// <c>&lt;think&gt;</c>), how to sample, and when to stop. Validated by <see cref="Validate"/> before it is queued.
/// </summary>
public sealed record DecodeRequest
{
    /// <summary>Prompt ids, ending where the model's response begins (after <c>&lt;think&gt;</c>).</summary>
    public required IReadOnlyList<int> Prompt { get; init; }

    /// <summary>0 = greedy; otherwise the softmax temperature.</summary>
    public double Temperature { get; init; } = 1.0;

    /// <summary>Nucleus sampling (1 = off).</summary>
    public double TopP { get; init; } = 1.0;

    /// <summary>Most tokens the model writes per choice (thinking and answer together); null = as many as the context allows.</summary>
    public int? MaxTokens { get; init; }

    /// <summary>Strings that end the answer; the answer is cut before the first one.</summary>
    public IReadOnlyList<string> Stop { get; init; } = [];

    /// <summary>Independent choices (each a row of the batch).</summary>
    public int Choices { get; init; } = 1;

    /// <summary>Seed of the first choice's generator (choice i uses Seed + i); null = random.</summary>
    public long? Seed { get; init; }

    /// <summary>Report the log-probability of each answer token.</summary>
    public bool LogProbs { get; init; }

    /// <summary>With <see cref="LogProbs"/>: also the this many most likely tokens at each position (0–20).</summary>
    public int TopLogProbs { get; init; }

    /// <summary>Most thinking tokens; past it the thinking is cut and the answer forced (<see cref="BudgetForcing"/>). Null = no limit.</summary>
    public int? ThinkingBudget { get; init; }

    /// <summary>Keep decoding past end of text (benchmarks: every choice runs to <see cref="MaxTokens"/>).</summary>
    public bool IgnoreEos { get; init; }

    /// <summary>Ends the generation (the client went away).</summary>
    public CancellationToken Cancellation { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first value out of range.</summary>
    public DecodeRequest Validate(int maxPositions)
    {
        if (Prompt.Count == 0) throw new ArgumentException("the prompt is empty");
        if (Prompt.Count >= maxPositions)
            throw new ArgumentException($"the prompt is {Prompt.Count} tokens, but the model's context is {maxPositions} positions; shorten the messages");
        if (Temperature is < 0 or > 2 || double.IsNaN(Temperature)) throw new ArgumentException($"temperature must be in [0, 2], got {Temperature}");
        if (TopP is <= 0 or > 1 || double.IsNaN(TopP)) throw new ArgumentException($"top_p must be in (0, 1], got {TopP}");
        if (MaxTokens is < 1) throw new ArgumentException($"max_tokens must be at least 1, got {MaxTokens}");
        if (Choices is < 1 or > 16) throw new ArgumentException($"n must be in 1..16, got {Choices}");
        if (TopLogProbs is < 0 or > 20) throw new ArgumentException($"top_logprobs must be in 0..20, got {TopLogProbs}");
        if (TopLogProbs > 0 && !LogProbs) throw new ArgumentException("top_logprobs needs logprobs: true");
        if (ThinkingBudget is < 0) throw new ArgumentException($"thinking_budget must be at least 0, got {ThinkingBudget}");
        if (Stop.Count > 4) throw new ArgumentException($"stop takes at most 4 strings, got {Stop.Count}");
        if (Stop.Any(string.IsNullOrEmpty)) throw new ArgumentException("stop strings must not be empty");
        return this;
    }
}
