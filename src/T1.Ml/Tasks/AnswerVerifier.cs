using System.Numerics;
using System.Text.RegularExpressions;

namespace T1.Ml.Tasks;

/// <summary>
/// Decides whether a candidate answer is equivalent to a reference answer: numbers in any notation
/// (integers, decimals, thousands separators, fractions, roots, π, percent and degree signs, units),
/// "x = 5" forms, tuples and intervals (in order), sets and comma lists (in any order), multiple-choice
/// letters, complex numbers and polynomial expressions (expanded exactly).
/// Bounded work: inputs over <see cref="MaxLength"/> characters or nested deeper than <see cref="MaxNesting"/>
/// are "not equal" at once, and every step below has its own size cap, so it never hangs or throws.
/// </summary>
public static partial class AnswerVerifier
{
    public const int MaxLength = 1000;
    public const int MaxNesting = 24;
    private const double RelativeTolerance = 1e-9;

    public static Verdict Verify(string? candidate, string? reference)
    {
        if (string.IsNullOrWhiteSpace(candidate)) return Verdict.Wrong("empty answer");
        if (string.IsNullOrWhiteSpace(reference)) return Verdict.Wrong("empty reference");
        if (candidate.Length > MaxLength || reference.Length > MaxLength) return Verdict.Wrong($"input too long (over {MaxLength} characters)");
        if (Nesting(candidate) > MaxNesting || Nesting(reference) > MaxNesting) return Verdict.Wrong($"nesting too deep (over {MaxNesting} levels)");
        try
        {
            var a = AnswerNormalizer.Normalize(candidate);
            var b = AnswerNormalizer.Normalize(reference);
            if (a.Length == 0) return Verdict.Wrong("empty answer");
            if (AnswerNormalizer.Key(a) == AnswerNormalizer.Key(b)) return Verdict.Correct("same text after normalising");
            if (ChoiceLetter(b) is { } refLetter)
                return ChoiceLetter(a) is { } letter && letter == refLetter
                    ? Verdict.Correct($"same choice {letter}")
                    : Verdict.Wrong($"expected choice {refLetter}");
            return Compare(a, b, 0);
        }
        catch (Exception e) when (e is OverflowException or ArgumentException or FormatException or DivideByZeroException or InvalidOperationException)
        {
            // Defence in depth: the size caps should stop every pathological input before this.
            return Verdict.Wrong($"not comparable ({e.Message})");
        }
    }

    private static Verdict Compare(string a, string b, int depth)
    {
        if (AnswerNormalizer.Key(a) == AnswerNormalizer.Key(b)) return Verdict.Correct("same text after normalising");
        if (depth > 4) return Verdict.Wrong("structure too deep");

        var sa = AnswerStructure.Parse(a);
        var sb = AnswerStructure.Parse(b);
        if (sb.Kind != AnswerKind.Scalar || sa.Kind != AnswerKind.Scalar)
        {
            if (sa.Kind != sb.Kind) return Verdict.Wrong($"different kinds: {sa.Describe()} vs {sb.Describe()}");
            if (sa.Items.Count != sb.Items.Count) return Verdict.Wrong($"different sizes: {sa.Items.Count} vs {sb.Items.Count} items");
            if (sa.Open != sb.Open || sa.Close != sb.Close) return Verdict.Wrong($"different brackets: {sa.Open}{sa.Close} vs {sb.Open}{sb.Close}");
            return sa.Ordered ? CompareInOrder(sa.Items, sb.Items, depth) : CompareAnyOrder(sa.Items, sb.Items, depth);
        }
        return CompareScalars(StripAssignment(a), StripAssignment(b));
    }

    private static Verdict CompareInOrder(IReadOnlyList<string> a, IReadOnlyList<string> b, int depth)
    {
        for (var i = 0; i < a.Count; i++)
        {
            var v = Compare(a[i], b[i], depth + 1);
            if (!v.IsCorrect) return Verdict.Wrong($"item {i + 1} differs: {v.Reason}");
        }
        return Verdict.Correct($"all {a.Count} items equal in order");
    }

    private static Verdict CompareAnyOrder(IReadOnlyList<string> a, IReadOnlyList<string> b, int depth)
    {
        var used = new bool[b.Count];
        for (var i = 0; i < a.Count; i++)
        {
            var found = false;
            for (var j = 0; j < b.Count && !found; j++)
            {
                if (used[j] || !Compare(a[i], b[j], depth + 1).IsCorrect) continue;
                used[j] = found = true;
            }
            if (!found) return Verdict.Wrong($"item {a[i]} not in the reference");
        }
        return Verdict.Correct($"same {a.Count} items in any order");
    }

    private static Verdict CompareScalars(string a, string b)
    {
        if (AnswerNormalizer.Key(a) == AnswerNormalizer.Key(b)) return Verdict.Correct("same text after normalising");
        var x = MathParser.TryParse(a);
        var y = MathParser.TryParse(b);
        if (x is null || y is null) return Verdict.Wrong("different text, not comparable as mathematics");

        Polynomial? px = null, py = null;
        try { px = x.ToPolynomial(); py = y.ToPolynomial(); }
        catch (OverflowException) { px = py = null; }
        catch (DivideByZeroException) { px = py = null; }
        if (px is not null && py is not null)
        {
            var numbers = px.AsConstant is not null && py.AsConstant is not null;
            return px.SameAs(py)
                ? Verdict.Correct(numbers ? "equal as exact numbers" : "equal as polynomials")
                : Verdict.Wrong(numbers ? $"different numbers: {px} vs {py}" : "different polynomials");
        }
        return CompareNumerically(x, y);
    }

    /// <summary>
    /// Evaluates both sides at a few fixed pseudo-random points; equal at all of them within a relative
    /// tolerance of 1e-9 means equal (for non-polynomial expressions: roots, π in denominators, 1/x).
    /// </summary>
    private static Verdict CompareNumerically(MathNode x, MathNode y)
    {
        var variables = new SortedSet<string>(StringComparer.Ordinal);
        x.CollectVariables(variables);
        y.CollectVariables(variables);
        var random = new Random(20250121);
        var points = variables.Count == 0 ? 1 : 4;
        for (var p = 0; p < points; p++)
        {
            var values = variables.ToDictionary(v => v, _ => new Complex(0.3 + random.NextDouble() * 1.7, 0), StringComparer.Ordinal);
            var vx = x.Eval(values);
            var vy = y.Eval(values);
            if (!IsFinite(vx) || !IsFinite(vy)) return Verdict.Wrong("not comparable numerically (undefined or too large)");
            var scale = Math.Max(1.0, Math.Max(Complex.Abs(vx), Complex.Abs(vy)));
            if (Complex.Abs(vx - vy) > RelativeTolerance * scale)
                return Verdict.Wrong(variables.Count == 0 ? $"different values: {Show(vx)} vs {Show(vy)}" : "different expressions");
        }
        return Verdict.Correct(variables.Count == 0 ? "equal numerically" : "equal as expressions at sample points");
    }

    private static bool IsFinite(Complex c) => double.IsFinite(c.Real) && double.IsFinite(c.Imaginary);

    private static string Show(Complex c) => c.Imaginary == 0 ? c.Real.ToString("G10", System.Globalization.CultureInfo.InvariantCulture) : c.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string StripAssignment(string s)
    {
        var eq = s.IndexOf('=');
        return eq > 0 && s.IndexOf('=', eq + 1) < 0 && VariableName().IsMatch(s[..eq]) ? s[(eq + 1)..].Trim() : s;
    }

    private static char? ChoiceLetter(string s)
    {
        var m = Choice().Match(s);
        return m.Success ? m.Groups["l"].Value[0] : null;
    }

    private static int Nesting(string s)
    {
        int depth = 0, max = 0;
        foreach (var c in s)
        {
            if (c is '{' or '(' or '[') max = Math.Max(max, ++depth);
            else if (c is '}' or ')' or ']') depth--;
        }
        return max;
    }

    [GeneratedRegex(@"^\s*\\?[A-Za-z]+\s*$")]
    private static partial Regex VariableName();

    [GeneratedRegex(@"^\(?(?<l>[A-J])\)?$")]
    private static partial Regex Choice();
}
