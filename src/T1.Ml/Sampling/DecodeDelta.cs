namespace T1.Ml.Sampling;

/// <summary>
/// What one step added to one choice: thinking text, answer text, the answer tokens' log-probabilities, and
/// on the last delta of the choice its finish reason (<c>stop</c> or <c>length</c>) and token counts.
/// </summary>
public sealed record DecodeDelta(int Choice, string Reasoning, string Content, IReadOnlyList<TokenLogProb> LogProbs, string? Finish, DecodeUsage? Usage);

/// <summary>An answer token with its log-probability (model distribution at temperature 1) and the most likely alternatives.</summary>
public sealed record TokenLogProb(string Token, float LogProb, IReadOnlyList<TopLogProb> Top);

/// <summary>One of the most likely tokens at a position.</summary>
public sealed record TopLogProb(string Token, float LogProb);

/// <summary>Tokens of one choice: the prompt, what the model wrote (kept thinking and answer), and of that the thinking.</summary>
public sealed record DecodeUsage(int PromptTokens, int CompletionTokens, int ReasoningTokens);

/// <summary>The engine's queue is full; the caller should retry after <see cref="RetryAfter"/>.</summary>
public sealed class DecodeQueueFullException(string message, TimeSpan retryAfter) : Exception(message)
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}
