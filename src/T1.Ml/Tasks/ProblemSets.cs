using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace T1.Ml.Tasks;

public enum ProblemSplit { Train, Test }

/// <summary>
/// Train/test splits that never overlap: a problem's split is a pure function of a hash of its canonical
/// form, so the same problem lands in the same split whatever the seed, count or generator run.
/// </summary>
public static class ProblemSets
{
    public const double DefaultTestFraction = 0.1;

    public static ProblemSplit SplitOf(Problem problem, double testFraction = DefaultTestFraction) =>
        UnitHash(problem.Canonical) < testFraction ? ProblemSplit.Test : ProblemSplit.Train;

    /// <summary>
    /// The first <paramref name="count"/> distinct problems of <paramref name="split"/> from the source's
    /// stream for <paramref name="seed"/>. File sources may return fewer (the file ended).
    /// </summary>
    /// <exception cref="InvalidOperationException">A generator cannot produce that many distinct problems.</exception>
    public static IReadOnlyList<Problem> Take(IProblemSource source, ProblemSplit split, int count, int seed, double testFraction = DefaultTestFraction)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (testFraction is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(testFraction), "test fraction must be between 0 and 1");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<Problem>(count);
        var budget = 1000L + count * 200L;
        foreach (var problem in source.Problems(seed))
        {
            if (result.Count == count) break;
            if (--budget < 0)
                throw new InvalidOperationException(
                    $"task '{source.Task}': found only {result.Count} distinct {split} problems of the {count} asked; ask for fewer or raise the difficulty");
            if (SplitOf(problem, testFraction) == split && seen.Add(problem.Canonical)) result.Add(problem);
        }
        return result;
    }

    /// <summary>Stable id for a canonical form: task name and the first 10 hex digits of its SHA-256.</summary>
    public static string IdFor(string task, string canonical) =>
        $"{task}-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))[..10]}";

    private static double UnitHash(string canonical)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(canonical));
        return (BinaryPrimitives.ReadUInt64BigEndian(hash) >> 11) / (double)(1UL << 53);
    }
}
