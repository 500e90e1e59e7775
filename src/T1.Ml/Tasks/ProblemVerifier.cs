namespace T1.Ml.Tasks;

/// <summary>
/// Checks a response against a problem: countdown answers must be an expression that uses the given numbers
/// once each and reaches the target; every other task compares with <see cref="AnswerVerifier"/>.
/// This is the reward function for RL and the filter for synthesised traces.
/// </summary>
public static class ProblemVerifier
{
    public static Verdict VerifyResponse(Problem problem, string? response)
    {
        var extracted = AnswerExtractor.Extract(response);
        if (extracted is null) return Verdict.Wrong("no answer found (no \\boxed{} or 'Final answer:')");
        return VerifyAnswer(problem, extracted) with { Extracted = extracted };
    }

    public static Verdict VerifyAnswer(Problem problem, string answer) =>
        problem.Task == TaskRegistry.Countdown ? CountdownChecker.Check(problem, answer) : AnswerVerifier.Verify(answer, problem.Answer);
}
