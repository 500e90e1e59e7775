using T1.Ml.Tasks;

namespace T1.Ml.Synthesis;

/// <summary>Writes the thinking lines of one task's trace: some wrong attempts, then a verified one.</summary>
internal interface ITraceWriter
{
    string Task { get; }

    /// <summary>
    /// Thinking lines and the final answer. Shows up to <paramref name="wrongAttempts"/> genuinely wrong
    /// attempts (fewer when the problem has no more distinct plausible mistakes), each checked and reflected on.
    /// </summary>
    (IReadOnlyList<string> Lines, string Answer) Write(Problem problem, int wrongAttempts, Random random);
}
