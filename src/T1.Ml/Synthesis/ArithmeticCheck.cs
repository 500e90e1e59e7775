using System.Globalization;
using System.Text.RegularExpressions;

namespace T1.Ml.Synthesis;

/// <summary>
/// The self-check of an arithmetic attempt, derived from the attempt's text alone (never from the true answer): it
/// redoes the attempt's steps in order against the expression, as the linear task's check substitutes the attempt's x.
/// Each step must be the operation precedence does next on what is left of the expression (products first, then left
/// to right) and its result must recompute. The check line shows the recomputed steps up to the first that differs:
/// <code>
/// Try: 27*12=334, 45+334=379.     Check: 27*12=324, not 334.                That gives 379, but step 1 is wrong: a carry in 27*12.
/// Try: 45+27=72, 72*12=864.       Check: * before +: 27*12=324, not 45+27.  That gives 864, but step 1 is wrong: doing + before *.
/// Try: 27*12=324, 45+324=369.     Check: 27*12=324, 45+324=369, correct.
/// </code>
/// </summary>
internal static partial class ArithmeticCheck
{
    /// <summary>What the check found: its line, and for a wrong attempt the 1-based step that differs and what is wrong with it.</summary>
    public sealed record Result(string Line, int? WrongStep, string? Mistake)
    {
        /// <summary>The reflection after a wrong attempt, citing the step; null when the attempt checked out.</summary>
        public string? Reflection(string attemptValue) =>
            WrongStep is { } k ? $"That gives {attemptValue}, but step {k} is wrong: {Mistake}." : null;
    }

    /// <summary>Checks <paramref name="steps"/> ("27*12=334", "45+334=379") of an attempt at <paramref name="expression"/> ("45+27*12").</summary>
    /// <exception cref="FormatException">A step is not "a op b=r" with integers.</exception>
    public static Result Of(string expression, IReadOnlyList<string> steps)
    {
        var (values, ops) = Parse(expression);
        var redone = new List<string>();
        for (int k = 0; k < steps.Count; k++)
        {
            var m = StepPattern().Match(steps[k]);
            if (!m.Success) throw new FormatException($"not an arithmetic step: '{steps[k]}'");
            long a = L(m.Groups["a"].Value), b = L(m.Groups["b"].Value.Trim('(', ')')), claimed = L(m.Groups["r"].Value);
            char op = m.Groups["op"].Value[0];
            int i = ops.Contains('*') ? ops.IndexOf('*') : 0; // the operation precedence does next
            var (ea, eop, eb) = (values[i], ops[i], values[i + 1]);
            if ((a, op, b) != (ea, eop, eb))
            {
                var next = TraceText.Step(ea, eop, eb, Apply(ea, eop, eb));
                var written = TraceText.Operand(a, false) + op + TraceText.Operand(b, true);
                var rule = eop == '*' && op != '*' ? $"* before {op}: " : "";
                redone.Add($"{rule}{next}, not {written}");
                var mistake = rule.Length > 0 ? $"doing {op} before *" : $"{written} is not the next operation, {next[..next.IndexOf('=')]} is";
                return new Result(Line(redone, null), k + 1, mistake);
            }
            long actual = Apply(a, op, b);
            var left = TraceText.Operand(a, false) + op + TraceText.Operand(b, true);
            redone.Add($"{left}={TraceText.N(actual)}");
            if (actual != claimed) return new Result(Line(redone, claimed), k + 1, Describe(left, claimed, actual));
            values[i] = actual;
            values.RemoveAt(i + 1);
            ops.RemoveAt(i);
        }
        if (ops.Count > 0) throw new FormatException($"the attempt stops with {ops.Count} operation(s) of '{expression}' left");
        return new Result(TraceText.CheckPrefix + string.Join(", ", redone) + ", correct.", null, null);
    }

    /// <summary>How a wrong result differs from the recomputed one: in sign, by 10 (a carry) or by 1.</summary>
    private static string Describe(string step, long claimed, long actual) => Math.Abs(claimed - actual) switch
    {
        _ when claimed == -actual => $"the sign of {step}",
        10 => $"a carry in {step}",
        1 => $"{step}, off by one",
        _ => $"{step} is {TraceText.N(actual)}",
    };

    private static string Line(List<string> redone, long? claimed) =>
        TraceText.CheckPrefix + string.Join(", ", redone) + (claimed is long c ? $", not {TraceText.N(c)}." : ".");

    private static long Apply(long a, char op, long b) => op switch { '+' => a + b, '-' => a - b, _ => a * b };

    /// <summary>"45+27*12" → values [45, 27, 12], ops [+, *] (non-negative literals, as the arithmetic task writes them).</summary>
    public static (List<long> Values, List<char> Ops) Parse(string expression)
    {
        var values = new List<long>();
        var ops = new List<char>();
        var start = 0;
        for (var i = 0; i <= expression.Length; i++)
        {
            if (i < expression.Length && char.IsAsciiDigit(expression[i])) continue;
            values.Add(L(expression[start..i]));
            if (i < expression.Length) ops.Add(expression[i]);
            start = i + 1;
        }
        return (values, ops);
    }

    private static long L(string s) => long.Parse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^(?<a>-?\d+)(?<op>[+\-*])(?<b>\d+|\(-\d+\))=(?<r>-?\d+)$")]
    private static partial Regex StepPattern();
}
