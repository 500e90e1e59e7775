using System.Globalization;
using System.Numerics;

namespace T1.Ml.Tasks;

/// <summary>
/// An arithmetic expression over integer literals with + − * / and parentheses, evaluated exactly.
/// Used for countdown answers and for the arithmetic task; <see cref="ToString"/> prints the fewest parentheses.
/// </summary>
public abstract record IntExpression
{
    public const int MaxLength = 200;

    public abstract BigInteger? ValueOrNull();

    /// <summary>The integer literals in the order they appear.</summary>
    public abstract IEnumerable<long> Literals();

    internal abstract int Precedence { get; }

    /// <summary>The binary operations in evaluation order (post-order): left operand, operator, right operand, result.</summary>
    internal abstract IEnumerable<(long A, char Op, long B, long Result)> Steps();

    public static IntExpression Number(long value) => new Literal(value);
    public static IntExpression Combine(IntExpression left, char op, IntExpression right) => new Operation(left, op, right);

    /// <summary>Exact value, or null when a division is not exact or divides by zero.</summary>
    internal Rational? Evaluate() => this switch
    {
        Literal l => new Rational(l.Value, 1),
        Operation o when o.Left.Evaluate() is { } a && o.Right.Evaluate() is { } b => o.Op switch
        {
            '+' => a + b,
            '-' => a - b,
            '*' => a * b,
            '/' when !b.IsZero => a / b,
            _ => null,
        },
        _ => null,
    };

    /// <summary>Parses "(8-3)*4+2"; also accepts × ÷ and spaces. Null when it is not such an expression.</summary>
    public static IntExpression? TryParse(string text)
    {
        if (text.Length > MaxLength) return null;
        var s = text.Replace('×', '*').Replace('÷', '/').Replace("\\times", "*", StringComparison.Ordinal)
            .Replace("\\div", "/", StringComparison.Ordinal).Replace("\\cdot", "*", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal);
        var pos = 0;
        try
        {
            var e = ParseSum(s, ref pos, 0);
            return pos == s.Length ? e : null;
        }
        catch (FormatException) { return null; }
    }

    private static IntExpression ParseSum(string s, ref int pos, int depth)
    {
        var left = ParseProduct(s, ref pos, depth);
        while (pos < s.Length && s[pos] is '+' or '-') { var op = s[pos++]; left = new Operation(left, op, ParseProduct(s, ref pos, depth)); }
        return left;
    }

    private static IntExpression ParseProduct(string s, ref int pos, int depth)
    {
        var left = ParseAtom(s, ref pos, depth);
        while (pos < s.Length && s[pos] is '*' or '/') { var op = s[pos++]; left = new Operation(left, op, ParseAtom(s, ref pos, depth)); }
        return left;
    }

    private static IntExpression ParseAtom(string s, ref int pos, int depth)
    {
        if (depth > 30 || pos >= s.Length) throw new FormatException();
        if (s[pos] == '(')
        {
            pos++;
            var inner = ParseSum(s, ref pos, depth + 1);
            if (pos >= s.Length || s[pos] != ')') throw new FormatException();
            pos++;
            return inner;
        }
        var start = pos;
        while (pos < s.Length && char.IsAsciiDigit(s[pos])) pos++;
        if (pos == start || pos - start > 12) throw new FormatException();
        return new Literal(long.Parse(s[start..pos], CultureInfo.InvariantCulture));
    }

    private sealed record Literal(long Value) : IntExpression
    {
        public override BigInteger? ValueOrNull() => Value;
        public override IEnumerable<long> Literals() => [Value];
        internal override int Precedence => 3;
        internal override IEnumerable<(long A, char Op, long B, long Result)> Steps() => [];
        public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);
    }

    private sealed record Operation(IntExpression Left, char Op, IntExpression Right) : IntExpression
    {
        public override BigInteger? ValueOrNull() => Evaluate() is { IsInteger: true } r ? r.Num : null;
        public override IEnumerable<long> Literals() => Left.Literals().Concat(Right.Literals());
        internal override int Precedence => Op is '+' or '-' ? 1 : 2;

        internal override IEnumerable<(long A, char Op, long B, long Result)> Steps() =>
            Left.Steps().Concat(Right.Steps()).Append(((long)Left.ValueOrNull()!.Value, Op, (long)Right.ValueOrNull()!.Value, (long)ValueOrNull()!.Value));

        public override string ToString()
        {
            var left = Left.Precedence < Precedence ? $"({Left})" : Left.ToString();
            // The right side needs parentheses at equal precedence for - and / (a-(b+c), a/(b*c)), and for any
            // lower precedence.
            var rightNeeds = Right.Precedence < Precedence || (Right.Precedence == Precedence && Op is '-' or '/');
            var right = rightNeeds ? $"({Right})" : Right.ToString();
            return $"{left}{Op}{right}";
        }
    }
}
