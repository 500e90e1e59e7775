using T1.Ml.Tasks;
using T1.Ml.Tokenization;

namespace T1.Ml.Synthesis.Teacher;

/// <summary>One teacher response judged: the trace in SFT's format when it is usable, and whether the verifier accepted it.</summary>
/// <param name="Accepted">The final answer is correct by <see cref="ResponseGrader.Grade"/>: the trace goes into the dataset.</param>
/// <param name="Response">The trace as SFT reads it (<c>&lt;think&gt;…&lt;/think&gt;</c> then <c>Final answer: \boxed{X}</c>); null when the response had no usable thinking and answer.</param>
/// <param name="Extracted">The teacher's final answer, when one was found.</param>
/// <param name="Reason">Why it was accepted or rejected (the verifier's reason, or what was missing).</param>
public sealed record TeacherVerdict(bool Accepted, string? Response, string? Extracted, string Reason);

/// <summary>
/// Turns a teacher's completion into a T1 trace and grades it (rejection sampling). The thinking is the server's
/// <c>reasoning_content</c> when it returns one, else the completion's <c>&lt;think&gt;…&lt;/think&gt;</c> section, else
/// everything before the line that gives the final answer. The answer is the one final answer after the thinking
/// (<see cref="AnswerExtractor"/>). The trace is written in the generated traces' shape (<see cref="TraceText"/>) and
/// graded by <see cref="ResponseGrader.Grade"/> — the function RL rewards and evaluation counts with — so a kept trace
/// is exactly one the platform scores as correct.
/// </summary>
public static class TeacherResponse
{
    public static TeacherVerdict Judge(Problem problem, TeacherCompletion completion)
    {
        if (completion.Error is { } error) return Rejected(error);
        if (completion.FinishReason == "length")
            return Rejected("the teacher stopped at max_tokens (finish_reason length): the trace is unfinished; raise teacher_max_tokens");
        var split = Split(completion.Content ?? "", completion.Reasoning, out var why);
        if (split is not var (thinking, answerPart)) return Rejected(why);
        if (thinking.Contains(SpecialTokens.ThinkStart, StringComparison.Ordinal) || thinking.Contains(SpecialTokens.ThinkEnd, StringComparison.Ordinal))
            return Rejected("the thinking opens or closes thinking again (nested <think> tags)");
        var answer = AnswerExtractor.Extract(answerPart, out var problemWithAnswer);
        if (answer is null) return Rejected($"no final answer after the thinking: {problemWithAnswer}");
        var response = TraceText.Response([thinking], answer.Trim());
        var verdict = ResponseGrader.Grade(problem, response);
        return new TeacherVerdict(verdict.IsCorrect, response, verdict.Extracted ?? answer, verdict.Reason);
    }

    /// <summary>(thinking, answer part) of a completion; null with the reason when there is no thinking or no answer part.</summary>
    private static (string Thinking, string AnswerPart)? Split(string content, string? reasoning, out string why)
    {
        why = "";
        if (!string.IsNullOrWhiteSpace(reasoning))
        {
            // The server split the thinking off; some still echo a closing tag in the content.
            var end = content.LastIndexOf(SpecialTokens.ThinkEnd, StringComparison.Ordinal);
            var answerPart = end >= 0 ? content[(end + SpecialTokens.ThinkEnd.Length)..] : content;
            return (reasoning.Trim(), answerPart);
        }
        int open = content.IndexOf(SpecialTokens.ThinkStart, StringComparison.Ordinal);
        int close = content.IndexOf(SpecialTokens.ThinkEnd, StringComparison.Ordinal);
        if (close >= 0)
        {
            if (open > close)
            {
                why = "<think> after </think>: the thinking must come before the answer";
                return null;
            }
            var start = open >= 0 ? open + SpecialTokens.ThinkStart.Length : 0;
            var thinking = content[start..close].Trim();
            if (thinking.Length == 0)
            {
                why = "the thinking is empty: a T1 trace shows its attempts and checks";
                return null;
            }
            return (thinking, content[(close + SpecialTokens.ThinkEnd.Length)..]);
        }
        if (open >= 0)
        {
            why = "the thinking never closed (no </think>)";
            return null;
        }
        return SplitAtAnswerLine(content, out why);
    }

    /// <summary>A completion without think tags: the thinking is every line before the last line that gives a final answer.</summary>
    private static (string, string)? SplitAtAnswerLine(string content, out string why)
    {
        why = "";
        var lines = content.Split('\n');
        var at = Array.FindLastIndex(lines, l => l.Contains("\\boxed{", StringComparison.Ordinal) || l.Contains("final answer", StringComparison.OrdinalIgnoreCase));
        if (at < 0)
        {
            why = "no final answer: the response has no \\boxed{} or 'Final answer:' line";
            return null;
        }
        var thinking = string.Join('\n', lines[..at]).Trim();
        if (thinking.Length == 0)
        {
            why = "no reasoning before the final answer: a T1 trace shows its attempts and checks";
            return null;
        }
        return (thinking, string.Join('\n', lines[at..]));
    }

    private static TeacherVerdict Rejected(string reason) => new(false, null, null, reason);
}
