using T1.Ml.Tokenization;

namespace T1.Ml.Sampling;

/// <summary>
/// How a thinking that ran past its budget is cut and the answer forced, the one rule both inference-budget
/// evaluation (<c>evaluate</c>) and serving (<c>thinking_budget</c>) use: keep the first B thinking tokens (or, with
/// <c>cut_at: line</c>, the complete lines among them; with <c>cut_at: check</c>, the lines up to the last complete
/// <c>Check:</c> line among them), then append the answer prompt
/// (<c>\n&lt;/think&gt;\nFinal answer: \boxed{</c> by default), without its leading newline when the kept thinking
/// already ends a line, and decode the answer from there.
/// </summary>
public sealed class BudgetForcing
{
    /// <summary>Cut exactly at the budget.</summary>
    public const string CutAtToken = "token";

    /// <summary>Cut at the end of the last complete line within the budget.</summary>
    public const string CutAtLine = "line";

    /// <summary>
    /// Cut after the last complete <c>Check:</c> line within the budget (the end of the last verified attempt of the
    /// platform's trace shape, see <c>TraceText</c>), or, with none, after the thinking's opening line: an attempt
    /// whose check was cut off is dropped with it, so the forced answer never follows an unchecked attempt.
    /// </summary>
    public const string CutAtCheck = "check";

    /// <summary>The cut modes, as workflows write them.</summary>
    public static IReadOnlyList<string> CutModes { get; } = [CutAtToken, CutAtLine, CutAtCheck];

    private readonly ITextTokenizer _tokenizer;
    private readonly string _cutAt;
    private readonly int[] _answerPrompt;
    private readonly int[] _answerPromptAfterLine;
    private readonly Dictionary<int, string> _pieces = [];

    public BudgetForcing(ITextTokenizer tokenizer, string answerPrompt, string cutAt)
    {
        if (string.IsNullOrEmpty(answerPrompt)) throw new ArgumentException("the answer prompt must not be empty", nameof(answerPrompt));
        if (!CutModes.Contains(cutAt)) throw new ArgumentException(CutModeError(cutAt), nameof(cutAt));
        _tokenizer = tokenizer;
        _cutAt = cutAt;
        _answerPrompt = [.. tokenizer.Encode(answerPrompt)];
        // After a cut that already ended its line, the prompt's own leading newline would make a blank line
        // the model never saw before </think>: it is left out there.
        _answerPromptAfterLine = answerPrompt.StartsWith('\n') ? [.. tokenizer.Encode(answerPrompt[1..])] : _answerPrompt;
    }

    /// <summary>The message for a cut mode that is not one of <see cref="CutModes"/>.</summary>
    public static string CutModeError(string? cutAt) => $"cut_at must be {CutAtToken}, {CutAtLine} or {CutAtCheck}, got '{cutAt}'";

    /// <summary>The longest answer prompt in tokens (for position budgets).</summary>
    public int AnswerPromptLength => _answerPrompt.Length;

    /// <summary>
    /// How many thinking tokens a cut at <paramref name="budget"/> keeps: the budget; with <c>line</c> the tokens up
    /// to the last line end within it; with <c>check</c> the tokens up to the end of the last complete check line
    /// within it (else of the opening line). A token that holds a newline followed by more text is dropped with that
    /// text (the answer prompt opens with its own newline); no complete line leaves nothing.
    /// </summary>
    public int Keep(IReadOnlyList<int> thinking, int budget)
    {
        int limit = Math.Min(budget, thinking.Count);
        if (_cutAt == CutAtToken) return limit;
        if (_cutAt == CutAtCheck) return KeepChecked(thinking, limit);
        for (int i = limit - 1; i >= 0; i--)
        {
            var text = PieceOf(thinking[i]);
            if (text.EndsWith('\n')) return i + 1;
            if (text.Contains('\n')) return i;
        }
        return 0;
    }

    /// <summary>The <c>check</c> cut: the end of the last complete line, among the first <paramref name="limit"/> tokens, that begins with <c>Check:</c>, or of the thinking's empty opening line.</summary>
    private int KeepChecked(IReadOnlyList<int> thinking, int limit)
    {
        int keep = 0, lineNumber = 0;
        var line = new System.Text.StringBuilder();
        for (int i = 0; i < limit; i++)
        {
            var text = PieceOf(thinking[i]);
            int start = 0;
            for (int nl = text.IndexOf('\n'); nl >= 0; start = nl + 1, nl = text.IndexOf('\n', start))
            {
                line.Append(text, start, nl - start);
                if ((lineNumber == 0 && line.Length == 0) || line.ToString().StartsWith(Synthesis.TraceText.CheckPrefix, StringComparison.Ordinal))
                    keep = nl == text.Length - 1 ? i + 1 : i;   // as line: a newline followed by more text drops its token
                line.Clear();
                lineNumber++;
            }
            line.Append(text, start, text.Length - start);
        }
        return keep;
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
