namespace T1.Ml.Evaluation;

/// <summary>One response at one budget, with its verdict: a line of <c>traces.jsonl</c>.</summary>
public sealed record EvaluationTrace
{
    /// <summary><see cref="Mode"/> of the one greedy (temperature 0) response per problem.</summary>
    public const string Greedy = "greedy";

    /// <summary><see cref="Mode"/> of the n responses per problem sampled at the report's temperature.</summary>
    public const string Sampled = "sampled";

    public int Budget { get; init; }

    /// <summary><see cref="Greedy"/> or <see cref="Sampled"/>; null in reports written before both were evaluated.</summary>
    public string? Mode { get; init; }
    public string ProblemId { get; init; } = "";

    /// <summary>0-based sample index of this problem within its mode.</summary>
    public int Sample { get; init; }

    public string Prompt { get; init; } = "";

    /// <summary>The reference answer.</summary>
    public string Reference { get; init; } = "";

    /// <summary>Thinking tokens the response used (at most the budget).</summary>
    public int ThinkingTokens { get; init; }

    /// <summary>True when the thinking was cut at the budget and the answer prompt appended.</summary>
    public bool Truncated { get; init; }

    /// <summary>The whole response, <c>&lt;think&gt;…</c> included, as the model (and the forced answer prompt) wrote it.</summary>
    public string Response { get; init; } = "";

    /// <summary>The answer found after the thinking, or null when none could be parsed.</summary>
    public string? Extracted { get; init; }

    public bool Correct { get; init; }

    /// <summary>The verifier's reason.</summary>
    public string Reason { get; init; } = "";
}
