using System.Globalization;

namespace T1.Ml.Tasks;

/// <summary>
/// Multi-digit + − × with the usual precedence, e.g. "Compute 45+27*12." Difficulty sets operand count and size:
/// 1: two 1-digit, 2: two 2-digit, 3: three 2-digit, 4: three 3-digit, 5: four 3-digit (factors of * at most 2 digits).
/// </summary>
public sealed class ArithmeticTask(int difficulty) : IProblemSource
{
    public string Task => TaskRegistry.Arithmetic;

    public int Difficulty { get; } = Math.Clamp(difficulty, TaskOptions.MinDifficulty, TaskOptions.MaxDifficulty);

    public IEnumerable<Problem> Problems(int seed)
    {
        var random = new Random(seed);
        while (true) yield return Next(random);
    }

    private Problem Next(Random random)
    {
        var operands = Difficulty switch { <= 2 => 2, <= 4 => 3, _ => 4 };
        var digits = Difficulty switch { 1 => 1, <= 3 => 2, _ => 3 };
        var ops = new char[operands - 1];
        for (var i = 0; i < ops.Length; i++) ops[i] = "+-*"[random.Next(3)];
        var values = new long[operands];
        for (var i = 0; i < operands; i++)
        {
            var inProduct = (i > 0 && ops[i - 1] == '*') || (i < ops.Length && ops[i] == '*');
            var d = inProduct ? Math.Min(digits, 2) : digits;
            values[i] = random.NextInt64(d == 1 ? 1 : 2, Pow10(d));
        }
        var text = values[0].ToString(CultureInfo.InvariantCulture);
        for (var i = 0; i < ops.Length; i++) text += ops[i] + values[i + 1].ToString(CultureInfo.InvariantCulture);
        var answer = IntExpression.TryParse(text)!.ValueOrNull()!.Value.ToString(CultureInfo.InvariantCulture);
        var canonical = $"{Task}:{text}";
        return new Problem(ProblemSets.IdFor(Task, canonical), Task, $"Compute {text}.", answer, Difficulty,
            new Dictionary<string, string> { ["expression"] = text }) { Canonical = canonical };
    }

    private static long Pow10(int digits) => (long)Math.Pow(10, digits);
}
