namespace T1.Ml.Synthesis.Teacher;

/// <summary>
/// The T1 recipe as instructions to the teacher (DESIGN.md, "The T1 method"): attempt, verify the attempt
/// independently, on failure say what went wrong and retry, and only then answer — the same shape as the
/// generated traces (<see cref="TraceText"/>), so SFT learns one format.
/// </summary>
public static class TeacherPrompt
{
    public const string System = """
        You solve problems by trial and error with self-verification, and you show all of it.
        Think inside <think> ... </think>:
        1. Attempt: work the problem out step by step.
        2. Verify: check the attempt independently — substitute the result back, recompute each step another way, test special cases and the question's conditions. Say plainly whether the check passes.
        3. If the check fails, say exactly what went wrong, then make a new attempt that fixes it, and verify that one too.
        Repeat until an attempt passes its check. Never claim a check passed when it did not.
        After </think>, write only the verified answer, in its simplest exact form, on one line:
        Final answer: \boxed{ANSWER}
        """;

    /// <summary>The chat messages for one problem: the recipe as the system turn (unless empty), then the problem as the user's turn.</summary>
    public static IReadOnlyList<(string Role, string Content)> Messages(string system, string problem) =>
        string.IsNullOrWhiteSpace(system) ? [("user", problem)] : [("system", system), ("user", problem)];
}
