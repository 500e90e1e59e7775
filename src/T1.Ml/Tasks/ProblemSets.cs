using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace T1.Ml.Tasks;

/// <summary>Which of a task's three disjoint problem sets a problem belongs to.</summary>
public enum ProblemSplit
{
    /// <summary>What synthesis, SFT and RL draw from.</summary>
    Train,

    /// <summary>For choosing settings and in-experiment promotion.</summary>
    Validation,

    /// <summary>Read only for final numbers.</summary>
    Test,
}

/// <summary>
/// Train/validation/test splits that never overlap: a problem's split is a pure function of a hash of its
/// canonical form (<see cref="Problem.Canonical"/>), so the same problem lands in the same split whatever the
/// seed, count or generator run. The hash is a uniform number u in [0, 1): u &lt; <see cref="TestFraction"/> is
/// test, the next <see cref="ValidationFraction"/> is validation, the rest is train.
/// </summary>
public static class ProblemSets
{
    /// <summary>Share of a task's distinct problems in the test split.</summary>
    public const double TestFraction = 0.1;

    /// <summary>Share of a task's distinct problems in the validation split.</summary>
    public const double ValidationFraction = 0.1;

    public static ProblemSplit SplitOf(Problem problem)
    {
        var u = UnitHash(problem.Canonical);
        return u < TestFraction ? ProblemSplit.Test : u < TestFraction + ValidationFraction ? ProblemSplit.Validation : ProblemSplit.Train;
    }

    /// <summary>The split's name as workflows write it: train, validation, test.</summary>
    public static string NameOf(ProblemSplit split) => split.ToString().ToLowerInvariant();

    /// <summary>Parses train, validation or test; throws <see cref="ArgumentException"/> naming the accepted values.</summary>
    public static ProblemSplit Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "train" => ProblemSplit.Train,
        "validation" => ProblemSplit.Validation,
        "test" => ProblemSplit.Test,
        _ => throw new ArgumentException($"split '{name}' is not known; use train, validation or test"),
    };

    /// <summary>
    /// The first <paramref name="count"/> distinct problems of <paramref name="split"/> from the source's
    /// stream for <paramref name="seed"/>. File sources may return fewer (the file ended).
    /// </summary>
    /// <exception cref="InvalidOperationException">A generator cannot produce that many distinct problems.</exception>
    public static IReadOnlyList<Problem> Take(IProblemSource source, ProblemSplit split, int count, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<Problem>(count);
        var budget = 1000L + count * 200L;
        foreach (var problem in source.Problems(seed))
        {
            if (result.Count == count) break;
            if (--budget < 0)
                throw new InvalidOperationException(
                    $"task '{source.Task}': found only {result.Count} distinct {NameOf(split)} problems of the {count} asked; ask for fewer or raise the difficulty");
            if (SplitOf(problem) == split && seen.Add(problem.Canonical)) result.Add(problem);
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
