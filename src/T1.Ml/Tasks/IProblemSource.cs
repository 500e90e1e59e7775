namespace T1.Ml.Tasks;

/// <summary>A source of problems for one task: a generator (endless) or an imported file (finite).</summary>
public interface IProblemSource
{
    /// <summary>The task name problems carry (arithmetic, countdown, linear, jsonl).</summary>
    string Task { get; }

    /// <summary>
    /// Problems in a deterministic order for <paramref name="seed"/>. Generators never end;
    /// file sources end with the file. May repeat a problem; <see cref="ProblemSets"/> removes repeats.
    /// </summary>
    IEnumerable<Problem> Problems(int seed);
}
