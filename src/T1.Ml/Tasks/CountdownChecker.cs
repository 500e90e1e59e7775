using System.Globalization;

namespace T1.Ml.Tasks;

/// <summary>
/// A countdown answer is correct when it is an expression that uses exactly the given numbers, once each, and equals
/// the target ("(8-3)*4+2", or "(8-3)*4+2=22" with the target on the right).
/// </summary>
public static class CountdownChecker
{
    public static Verdict Check(Problem problem, string answer)
    {
        var numbers = Numbers(problem);
        var target = long.Parse(problem.Metadata["target"], CultureInfo.InvariantCulture);
        var expression = IntExpression.TryParse(answer.Trim().TrimEnd('.'));
        if (expression is null)
        {
            // "(8-3)*4+2=22" is fine too when the right side is the target: check the left side.
            var eq = answer.IndexOf('=');
            if (eq > 0 && answer.IndexOf('=', eq + 1) < 0)
            {
                var right = answer[(eq + 1)..].Trim().TrimEnd('.').Trim();
                if (right != target.ToString(CultureInfo.InvariantCulture)) return Verdict.Wrong($"says '={right}', but the target is {target}");
                expression = IntExpression.TryParse(answer[..eq].Trim());
            }
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
