using System.Globalization;

namespace T1.Ml.Tasks;

/// <summary>
/// Solve a·x + b = c for an integer x, e.g. "Solve 3x+7=22 for x." Difficulty widens the ranges and brings
/// negative x (from 3), negative b (from 2) and negative a (from 4).
/// </summary>
public sealed class LinearTask(int difficulty) : IProblemSource
{
    public string Task => TaskRegistry.Linear;

    public int Difficulty { get; } = Math.Clamp(difficulty, TaskOptions.MinDifficulty, TaskOptions.MaxDifficulty);

    public IEnumerable<Problem> Problems(int seed)
    {
        var random = new Random(seed);
        while (true) yield return Next(random);
    }

    private Problem Next(Random random)
    {
        var range = 5 * Difficulty + 5;
        var a = random.Next(2, 3 + 2 * Difficulty);
        if (Difficulty >= 4 && random.Next(3) == 0) a = -a;
        var x = Difficulty >= 3 ? random.Next(-range, range + 1) : random.Next(0, range + 1);
        var b = random.Next(1, 2 * range + 1);
        if (Difficulty >= 2 && random.Next(2) == 0) b = -b;
        var c = a * x + b;
        var equation = $"{Lhs(a, b)}={c.ToString(CultureInfo.InvariantCulture)}";
        var canonical = $"{Task}:{equation}";
        return new Problem(ProblemSets.IdFor(Task, canonical), Task, $"Solve {equation} for x.", x.ToString(CultureInfo.InvariantCulture), Difficulty,
            new Dictionary<string, string>
            {
                ["a"] = a.ToString(CultureInfo.InvariantCulture),
                ["b"] = b.ToString(CultureInfo.InvariantCulture),
                ["c"] = c.ToString(CultureInfo.InvariantCulture),
            }) { Canonical = canonical };
    }

    /// <summary>"3x+7", "-x-4", "x+2".</summary>
    public static string Lhs(long a, long b)
    {
        var ax = a switch { 1 => "x", -1 => "-x", _ => $"{a.ToString(CultureInfo.InvariantCulture)}x" };
        return b >= 0 ? $"{ax}+{b.ToString(CultureInfo.InvariantCulture)}" : $"{ax}{b.ToString(CultureInfo.InvariantCulture)}";
    }
}
