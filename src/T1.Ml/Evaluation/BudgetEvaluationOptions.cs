using System.Globalization;

namespace T1.Ml.Evaluation;

/// <summary>How <see cref="BudgetEvaluator"/> runs (the <c>evaluate</c> step's inputs).</summary>
public sealed record BudgetEvaluationOptions
{
    /// <summary>
    /// Appended when the thinking is cut at the budget: closes the thinking and starts the answer, so the
    /// model only has to write the number and the closing brace. A trained model's own answers read
    /// <c>&lt;/think&gt;\nFinal answer: \boxed{X}</c>; the leading newline ends a cut-off line first.
    /// </summary>
    public const string DefaultAnswerPrompt = "\n</think>\nFinal answer: \\boxed{";

    /// <summary>Thinking-token budgets, each ≥ 1; evaluated in ascending order.</summary>
    public IReadOnlyList<int> Budgets { get; init; } = [16, 32, 64, 128, 256];

    /// <summary>
    /// Responses per problem sampled at <see cref="Temperature"/> for sampled pass@1; 0 = greedy only. One greedy
    /// response per problem is always evaluated besides them.
    /// </summary>
    public int Samples { get; init; }

    /// <summary>Temperature of the sampled responses (&gt; 0); the greedy responses use 0.</summary>
    public double Temperature { get; init; } = 1.0;

    /// <summary>Nucleus sampling of the sampled responses (1 = off).</summary>
    public double TopP { get; init; } = 1.0;

    /// <summary>Text appended after a cut; see <see cref="DefaultAnswerPrompt"/>.</summary>
    public string AnswerPrompt { get; init; } = DefaultAnswerPrompt;

    /// <summary>
    /// Where a thinking longer than the budget is cut: <see cref="CutAtToken"/> keeps exactly its first B tokens;
    /// <see cref="CutAtLine"/> keeps the complete lines among them and drops a half-written last line, so the
    /// forced answer never reads a half-written number ("x=18/" answered as 18); <see cref="CutAtCheck"/> keeps the
    /// lines up to the last complete <c>Check:</c> line, so the forced answer never follows an unchecked attempt.
    /// </summary>
    public string CutAt { get; init; } = CutAtToken;

    /// <summary>Cut exactly at the budget.</summary>
    public const string CutAtToken = Sampling.BudgetForcing.CutAtToken;

    /// <summary>Cut at the end of the last complete line within the budget.</summary>
    public const string CutAtLine = Sampling.BudgetForcing.CutAtLine;

    /// <summary>Cut at the end of the last complete check line within the budget (see <see cref="Sampling.BudgetForcing.CutAtCheck"/>).</summary>
    public const string CutAtCheck = Sampling.BudgetForcing.CutAtCheck;

    /// <summary>Most tokens of the answer decoded after the thinking (natural or forced).</summary>
    public int MaxAnswerTokens { get; init; } = 24;

    /// <summary>Responses generated together (bounds the KV-cache memory).</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Seed of the sampler.</summary>
    public long Seed { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad input.</summary>
    public BudgetEvaluationOptions Validate()
    {
        if (Budgets.Count == 0) throw new ArgumentException("budgets must list at least one thinking-token budget, e.g. [16, 64, 256]");
        if (Budgets.Any(b => b < 1)) throw new ArgumentException($"budgets must all be at least 1, got [{string.Join(", ", Budgets)}]");
        if (Samples < 0) throw new ArgumentException($"samples must be at least 0 (0 = greedy only), got {Samples}");
        if (Samples > 0 && Temperature <= 0)
            throw new ArgumentException($"temperature must be > 0 for sampled pass@1 (samples: {Samples}), got {Temperature.ToString(CultureInfo.InvariantCulture)}; greedy is always evaluated, so use samples: 0 for greedy only");
        if (TopP is <= 0 or > 1) throw new ArgumentException($"top_p must be in (0, 1], got {TopP.ToString(CultureInfo.InvariantCulture)}");
        if (string.IsNullOrEmpty(AnswerPrompt)) throw new ArgumentException("answer_prompt must not be empty; the default is " + DefaultAnswerPrompt.Replace("\n", "\\n"));
        if (!Sampling.BudgetForcing.CutModes.Contains(CutAt)) throw new ArgumentException(Sampling.BudgetForcing.CutModeError(CutAt));
        if (MaxAnswerTokens < 1) throw new ArgumentException($"max_answer_tokens must be at least 1, got {MaxAnswerTokens}");
        if (BatchSize < 1) throw new ArgumentException($"batch_size must be at least 1, got {BatchSize}");
        return this;
    }
}
