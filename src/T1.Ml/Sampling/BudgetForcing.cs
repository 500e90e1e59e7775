using T1.Ml.Tokenization;

namespace T1.Ml.Sampling;

/// <summary>
/// How a thinking that ran past its budget is cut and the answer forced, the one rule both inference-budget
/// evaluation (<c>evaluate</c>) and serving (<c>thinking_budget</c>) use: keep the first B thinking tokens (or, with
/// <c>cut_at: line</c>, the complete lines among them), then append the answer prompt
/// (<c>\n&lt;/think&gt;\nFinal answer: \boxed{</c> by default), without its leading newline when the kept thinking
/// already ends a line, and decode the answer from there.
/// </summary>
public sealed class BudgetForcing
{
    /// <summary>Cut exactly at the budget.</summary>
    public const string CutAtToken = "token";

    /// <summary>Cut at the end of the last complete line within the budget.</summary>
    public const string CutAtLine = "line";

    private readonly ITextTokenizer _tokenizer;
    private readonly string _cutAt;
    private readonly int[] _answerPrompt;
    private readonly int[] _answerPromptAfterLine;
    private readonly Dictionary<int, string> _pieces = [];

    public BudgetForcing(ITextTokenizer tokenizer, string answerPrompt, string cutAt)
    {
        if (string.IsNullOrEmpty(answerPrompt)) throw new ArgumentException("the answer prompt must not be empty", nameof(answerPrompt));
        if (cutAt is not (CutAtToken or CutAtLine)) throw new ArgumentException($"cut_at must be {CutAtToken} or {CutAtLine}, got '{cutAt}'", nameof(cutAt));
        _tokenizer = tokenizer;
        _cutAt = cutAt;
        _answerPrompt = [.. tokenizer.Encode(answerPrompt)];
        // After a cut that already ended its line, the prompt's own leading newline would make a blank line
        // the model never saw before </think>: it is left out there.
        _answerPromptAfterLine = answerPrompt.StartsWith('\n') ? [.. tokenizer.Encode(answerPrompt[1..])] : _answerPrompt;
    }

    /// <summary>The longest answer prompt in tokens (for position budgets).</summary>
    public int AnswerPromptLength => _answerPrompt.Length;

    /// <summary>
    /// How many thinking tokens a cut at <paramref name="budget"/> keeps: the budget, or with <c>line</c> the tokens up
    /// to the last line end within it. A token that holds a newline followed by more text is dropped with that text
    /// (the answer prompt opens with its own newline); no complete line leaves nothing.
    /// </summary>
    public int Keep(IReadOnlyList<int> thinking, int budget)
    {
        int limit = Math.Min(budget, thinking.Count);
        if (_cutAt == CutAtToken) return limit;
        for (int i = limit - 1; i >= 0; i--)
        {
            var text = PieceOf(thinking[i]);
            if (text.EndsWith('\n')) return i + 1;
            if (text.Contains('\n')) return i;
        }
        return 0;
    }

    /// <summary>The answer prompt's ids to append after <paramref name="kept"/> thinking tokens.</summary>
    public IReadOnlyList<int> AnswerPromptAfter(IReadOnlyList<int> kept) =>
        kept.Count > 0 && PieceOf(kept[^1]).EndsWith('\n') ? _answerPromptAfterLine : _answerPrompt;

    private string PieceOf(int token)
    {
        lock (_pieces)
        {
            if (!_pieces.TryGetValue(token, out var text)) _pieces[token] = text = _tokenizer.Decode([token]);
            return text;
        }
    }
}
