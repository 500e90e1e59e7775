using System.Globalization;

namespace T1.Ml.Synthesis;

/// <summary>
/// The fixed shape of every trace, kept short and regular for a small model:
/// <code>
/// &lt;think&gt;
/// Try: 45+27=72, 72*12=864.
/// Check: * before +: 27*12=324, not 45+27.
/// That gives 864, but step 1 is wrong: doing + before *.
/// Try: 27*12=324, 45+324=369.
/// Check: 27*12=324, 45+324=369, correct.
/// &lt;/think&gt;
/// Final answer: \boxed{369}
/// </code>
/// "Check:" lines recompute the attempt above them (its steps, or its x substituted) and hold only true equalities.
/// </summary>
internal static class TraceText
{
    public const string TryPrefix = "Try: ";
    public const string CheckPrefix = "Check: ";

    public static string Response(IEnumerable<string> thinking, string answer) =>
        "<think>\n" + string.Join("\n", thinking) + "\n</think>\nFinal answer: \\boxed{" + answer + "}";

    public static string Step(long a, char op, long b, long result) => $"{Operand(a, false)}{op}{Operand(b, true)}={N(result)}";

    /// <summary>A number as an operand: negative right operands get parentheses ("5-(-3)").</summary>
    public static string Operand(long value, bool right) => right && value < 0 ? $"({N(value)})" : N(value);

    public static string N(long value) => value.ToString(CultureInfo.InvariantCulture);
}
