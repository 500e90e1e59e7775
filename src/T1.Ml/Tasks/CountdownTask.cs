using System.Globalization;

namespace T1.Ml.Tasks;

/// <summary>
/// Countdown: reach a target from given numbers with + − * /, each number used exactly once, every
/// intermediate result a positive integer. Every problem is solvable by construction: the target is the
/// value of a random combination of the numbers, kept as the reference answer.
/// Difficulty: 1: three numbers ≤ 10, 2: four ≤ 10, 3: four ≤ 25, 4: five ≤ 25, 5: five ≤ 50.
/// </summary>
public sealed class CountdownTask(int difficulty) : IProblemSource
{
    public const long MaxTarget = 999;

    public string Task => TaskRegistry.Countdown;

    public int Difficulty { get; } = Math.Clamp(difficulty, TaskOptions.MinDifficulty, TaskOptions.MaxDifficulty);

    public IEnumerable<Problem> Problems(int seed)
    {
        var random = new Random(seed);
        while (true) yield return Next(random);
    }

    /// <summary>The result of a op b when it is a positive integer, else null (the countdown rules).</summary>
    public static long? Apply(long a, char op, long b) => op switch
    {
        '+' => a + b,
        '-' when a > b => a - b,
        '*' => a * b,
        '/' when b > 0 && a % b == 0 => a / b,
        _ => null,
    };

    private Problem Next(Random random)
    {
        var count = Difficulty switch { 1 => 3, <= 3 => 4, _ => 5 };
        var max = Difficulty switch { <= 2 => 10, <= 4 => 25, _ => 50 };
        while (true)
        {
            var numbers = Enumerable.Range(0, count).Select(_ => (long)random.Next(1, max + 1)).ToArray();
            var solution = RandomCombination(numbers, random);
            if (solution is null) continue;
            var target = (long)solution.ValueOrNull()!.Value;
            if (target < 2 || target > MaxTarget || numbers.Contains(target)) continue;
            var list = string.Join(",", numbers.Select(n => n.ToString(CultureInfo.InvariantCulture)));
            var canonical = $"{Task}:{string.Join(",", numbers.Order())}:{target}";
            var prompt = $"Make {target} from {list} with + - * /, each number once.";
            return new Problem(ProblemSets.IdFor(Task, canonical), Task, prompt, solution.ToString()!, Difficulty,
                new Dictionary<string, string> { ["numbers"] = list, ["target"] = target.ToString(CultureInfo.InvariantCulture) })
            { Canonical = canonical };
        }
    }

    /// <summary>Combines random pairs until one expression is left; null when a draw hits no legal operation.</summary>
    private static IntExpression? RandomCombination(long[] numbers, Random random)
    {
        var pool = numbers.Select(n => (Value: n, Expr: IntExpression.Number(n))).ToList();
        while (pool.Count > 1)
        {
            var i = random.Next(pool.Count);
            var j = random.Next(pool.Count - 1);
            if (j >= i) j++;
            var (a, b) = (pool[i], pool[j]);
            var ops = "+-*/".Where(op => Apply(a.Value, op, b.Value) is not null && !(op is '*' or '/' && (a.Value == 1 || b.Value == 1))).ToArray();
            if (ops.Length == 0) return null;
            var chosen = ops[random.Next(ops.Length)];
            var combined = (Apply(a.Value, chosen, b.Value)!.Value, IntExpression.Combine(a.Expr, chosen, b.Expr));
            pool.RemoveAt(Math.Max(i, j));
            pool.RemoveAt(Math.Min(i, j));
            pool.Add(combined);
        }
        return pool[0].Expr;
    }
}
