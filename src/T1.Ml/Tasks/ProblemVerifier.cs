using System.Text.RegularExpressions;

namespace T1.Ml.Tasks;

/// <summary>
/// Checks one extracted answer against a problem (the last stage of <see cref="ResponseGrader.Grade"/>):
/// countdown answers must be an expression that uses the given numbers once each and reaches the target;
/// arithmetic and linear answers must be a number literal equal to the reference; imported problems compare
/// with <see cref="AnswerVerifier"/> (numbers, expressions, sets… in any notation).
/// </summary>
public static partial class ProblemVerifier
{
    public static Verdict VerifyAnswer(Problem problem, string answer)
    {
        if (problem.Task == TaskRegistry.Countdown) return CountdownChecker.Check(problem, answer);
        if (problem.Task is TaskRegistry.Arithmetic or TaskRegistry.Linear && !IsNumberLiteral(answer))
            return Verdict.Wrong($"'{Short(answer)}' is not a number literal: {problem.Task} answers must be a number such as {problem.Answer}");
        return AnswerVerifier.Verify(answer, problem.Answer);
    }

    /// <summary>"369", "-4", "2.5", "x = 5", "1,024", "$7$": a number after normalising, nothing to compute.</summary>
    public static bool IsNumberLiteral(string answer) =>
        answer.Length <= AnswerVerifier.MaxLength && NumberLiteral().IsMatch(AnswerNormalizer.Normalize(answer));

    private static string Short(string s) => s.Length <= 40 ? s : s[..40] + "…";

    [GeneratedRegex(@"^-?[0-9]+(\.[0-9]+)?$")]
    private static partial Regex NumberLiteral();
}
