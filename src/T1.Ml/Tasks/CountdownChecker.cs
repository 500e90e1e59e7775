using System.Globalization;

namespace T1.Ml.Tasks;

/// <summary>A countdown answer is correct when it uses exactly the given numbers, once each, and equals the target.</summary>
public static class CountdownChecker
{
    public static Verdict Check(Problem problem, string answer)
    {
        var numbers = Numbers(problem);
        var target = long.Parse(problem.Metadata["target"], CultureInfo.InvariantCulture);
        var expression = IntExpression.TryParse(answer.Trim().TrimEnd('.'));
        if (expression is null)
        {
            // "(8-3)*4+2=22" is fine too: check the left side.
            var eq = answer.IndexOf('=');
            if (eq > 0) expression = IntExpression.TryParse(answer[..eq].Trim());
            if (expression is null) return Verdict.Wrong("not an expression of numbers with + - * / and parentheses");
        }
        var used = expression.Literals().Order().ToList();
        if (!used.SequenceEqual(numbers.Order()))
            return Verdict.Wrong($"uses {string.Join(",", used)}, must use {string.Join(",", numbers)} once each");
        var value = expression.Evaluate();
        if (value is null) return Verdict.Wrong("divides by zero");
        return value == new Rational(target, 1)
            ? Verdict.Correct($"reaches {target} with every number once")
            : Verdict.Wrong($"gives {value}, not {target}");
    }

    public static IReadOnlyList<long> Numbers(Problem problem) =>
        problem.Metadata["numbers"].Split(',').Select(n => long.Parse(n, CultureInfo.InvariantCulture)).ToList();
}
