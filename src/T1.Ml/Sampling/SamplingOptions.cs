namespace T1.Ml.Sampling;

/// <summary>How <see cref="Sampler"/> picks tokens and when it stops.</summary>
public sealed record SamplingOptions
{
    /// <summary>Softmax temperature; 0 means greedy (argmax). RL oversampling in T1 uses ≈1.2.</summary>
    public double Temperature { get; init; } = 1.0;

    /// <summary>Nucleus sampling: keep the smallest set of tokens whose probability sums to at least this (1 = off).</summary>
    public double TopP { get; init; } = 1.0;

    /// <summary>Drop tokens whose probability is below MinP × the top token's probability (0 = off).</summary>
    public double MinP { get; init; }

    /// <summary>Most tokens generated per sequence; reaching it ends the sequence with <see cref="FinishReason.Length"/>.</summary>
    public int MaxNewTokens { get; init; } = 128;

    /// <summary>Token ids that end a sequence (the token is kept in the output).</summary>
    public IReadOnlyList<int> StopTokenIds { get; init; } = [];

    /// <summary>Also stop on the tokenizer's end-of-text token (needs a tokenizer).</summary>
    public bool StopAtEndOfText { get; init; } = true;

    /// <summary>Strings that end a sequence once the decoded output contains one (needs a tokenizer); the text is cut after it.</summary>
    public IReadOnlyList<string> StopStrings { get; init; } = [];

    /// <summary>Seed of the sampler's own generator: the same seed, model and prompts give the same samples.</summary>
    public long Seed { get; init; }

    /// <summary>Throws naming the field when a value is out of range.</summary>
    public SamplingOptions Validate()
    {
        if (Temperature < 0) throw new ArgumentException($"Temperature must be ≥ 0, got {Temperature}.");
        if (TopP is <= 0 or > 1) throw new ArgumentException($"TopP must be in (0, 1], got {TopP}.");
        if (MinP is < 0 or >= 1) throw new ArgumentException($"MinP must be in [0, 1), got {MinP}.");
        if (MaxNewTokens < 1) throw new ArgumentException($"MaxNewTokens must be ≥ 1, got {MaxNewTokens}.");
        if (StopStrings.Any(string.IsNullOrEmpty)) throw new ArgumentException("StopStrings must not contain empty strings.");
        return this;
    }
}

/// <summary>Why a sequence ended.</summary>
public enum FinishReason
{
    /// <summary>A stop token or stop string was produced.</summary>
    Stop,

    /// <summary>MaxNewTokens was reached.</summary>
    Length,
}

/// <summary>One generated continuation.</summary>
/// <param name="Tokens">Generated ids, prompt excluded, up to and including the stop token / the token that completed the stop string.</param>
/// <param name="LogProbs">log p(token) under the model's unmodified distribution (temperature 1, no top-p/min-p), one per token.</param>
/// <param name="Finish">Stop or length.</param>
/// <param name="Text">Decoded tokens (special tokens left out), cut right after a matched stop string; null without a tokenizer.</param>
/// <param name="StopString">The stop string that ended it, if any.</param>
public sealed record SampledSequence(
    IReadOnlyList<int> Tokens,
    IReadOnlyList<float> LogProbs,
    FinishReason Finish,
    string? Text,
    string? StopString);
