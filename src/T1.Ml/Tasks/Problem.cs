namespace T1.Ml.Tasks;

/// <summary>
/// One verifiable problem: a prompt with an exactly checkable answer.
/// </summary>
/// <param name="Id">Stable id, unique within its task (e.g. "countdown-3f2a…").</param>
/// <param name="Task">Task name as the registry knows it: arithmetic, countdown, linear, jsonl.</param>
/// <param name="Prompt">The text the model sees.</param>
/// <param name="Answer">Reference answer; for countdown one valid expression (any valid one is accepted).</param>
/// <param name="Difficulty">Generator difficulty knob (1 = easiest); imported problems carry their level or 0.</param>
/// <param name="Metadata">Task-specific facts the checker and the synthesiser need (numbers, target, a, b, c…).</param>
public sealed record Problem(
    string Id,
    string Task,
    string Prompt,
    string Answer,
    int Difficulty,
    IReadOnlyDictionary<string, string> Metadata)
{
    /// <summary>
    /// The canonical form of the problem, used for deduplication and train/test splits: two problems
    /// with the same canonical form are the same problem, however their prompts are worded.
    /// Defaults to the prompt with whitespace collapsed.
    /// </summary>
    public string Canonical { get; init; } = CanonicalText(Prompt);

    /// <summary>Lower-cases and collapses whitespace, so formatting differences do not split a problem in two.</summary>
    public static string CanonicalText(string text) =>
        string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToLowerInvariant();
}
