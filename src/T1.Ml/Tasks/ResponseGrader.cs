using T1.Ml.Tokenization;

namespace T1.Ml.Tasks;

/// <summary>
/// The one grading function: RL rewards (<c>RlRewards</c>), budget evaluation (<c>BudgetEvaluator</c>),
/// <c>t1 grade</c> (<see cref="JsonlGrader"/>) and the synthesis filter all call <see cref="Grade"/>, so what
/// training rewards is exactly what evaluation counts.
/// <list type="number">
/// <item>The answer comes after the thinking. A response with a <c>&lt;think&gt;</c> must close it with exactly
/// one <c>&lt;/think&gt;</c>, and nothing after that may open or close thinking again; only the text after
/// <c>&lt;/think&gt;</c> is read (a <c>\boxed{}</c> inside the thinking is not an answer). A response with no
/// think tags at all (an imported model's output) is all answer.</item>
/// <item>Exactly one final answer (<see cref="AnswerExtractor"/>): several <c>\boxed{}</c> that say different
/// things are no answer.</item>
/// <item>Its form fits the task: arithmetic and linear answers are a number literal ("369", "-4", "x = 5"), not
/// an expression to evaluate (<c>\boxed{45+27*12}</c> copies the prompt); countdown answers are an expression
/// that uses exactly the given numbers (<see cref="CountdownChecker"/>).</item>
/// <item>The value matches (<see cref="ProblemVerifier.VerifyAnswer"/>).</item>
/// </list>
/// The verdict's <see cref="Verdict.Extracted"/> is null exactly when no single final answer was found in the
/// right place (RL scores that as unparsable).
/// </summary>
public static class ResponseGrader
{
    /// <summary>Grades <paramref name="response"/>, the text the model wrote after the prompt, think tags included.</summary>
    public static Verdict Grade(Problem problem, string? response)
    {
        var answerPart = AnswerPart(response, out var problemWithThinking);
        if (answerPart is null) return Verdict.Wrong(problemWithThinking);
        var answer = AnswerExtractor.Extract(answerPart, out var problemWithAnswer);
        if (answer is null) return Verdict.Wrong(problemWithAnswer + " after the thinking");
        return ProblemVerifier.VerifyAnswer(problem, answer) with { Extracted = answer };
    }

    /// <summary>
    /// The text of response tokens as <see cref="Grade"/> reads it: think tags kept, end-of-text and padding left
    /// out. RL rollouts and evaluation traces both become text through this.
    /// </summary>
    public static string Text(ITextTokenizer tokenizer, IEnumerable<int> tokens)
    {
        var sp = tokenizer.Special;
        return tokenizer.Decode(tokens.Where(t => t != sp.EndOfText && t != sp.Pad), skipSpecialTokens: false);
    }

    /// <summary>The text after the one <c>&lt;/think&gt;</c> (or the whole response without think tags); null with the reason otherwise.</summary>
    private static string? AnswerPart(string? response, out string problem)
    {
        problem = "";
        if (string.IsNullOrWhiteSpace(response))
        {
            problem = "empty response";
            return null;
        }
        int opens = Count(response, SpecialTokens.ThinkStart), closes = Count(response, SpecialTokens.ThinkEnd);
        if (opens == 0 && closes == 0) return response;
        if (closes == 0)
        {
            problem = "the thinking never closed (no </think>): nothing inside the thinking is an answer";
            return null;
        }
        if (opens > 1 || closes > 1)
        {
            problem = $"the thinking was opened {opens} and closed {closes} times: after </think> only the answer may follow";
            return null;
        }
        int end = response.IndexOf(SpecialTokens.ThinkEnd, StringComparison.Ordinal);
        if (opens == 1 && response.IndexOf(SpecialTokens.ThinkStart, StringComparison.Ordinal) > end)
        {
            problem = "<think> after </think>: after </think> only the answer may follow";
            return null;
        }
        return response[(end + SpecialTokens.ThinkEnd.Length)..];
    }

    private static int Count(string text, string tag)
    {
        int n = 0;
        for (int at = text.IndexOf(tag, StringComparison.Ordinal); at >= 0; at = text.IndexOf(tag, at + tag.Length, StringComparison.Ordinal)) n++;
        return n;
    }
}
