using System.Globalization;
using System.Numerics;

namespace T1.Ml.Tasks;

/// <summary>
/// Exact rational number with size limits: any operation whose result would exceed
/// <see cref="MaxBits"/> bits throws <see cref="OverflowException"/>, so callers stay bounded.
/// </summary>
internal readonly record struct Rational
{
    public const int MaxBits = 4096;

    public BigInteger Num { get; }
    public BigInteger Den { get; }

    public Rational(BigInteger num, BigInteger den)
    {
        if (den.IsZero) throw new DivideByZeroException();
        if (den.Sign < 0) { num = -num; den = -den; }
        var g = BigInteger.GreatestCommonDivisor(num, den);
        if (!g.IsOne && !g.IsZero) { num /= g; den /= g; }
        if (num.GetBitLength() > MaxBits || den.GetBitLength() > MaxBits) throw new OverflowException("number too large");
        Num = num;
        Den = g.IsZero ? BigInteger.One : den;
    }

    public static readonly Rational Zero = new(0, 1);
    public static readonly Rational One = new(1, 1);

    public bool IsZero => Num.IsZero;
    public bool IsInteger => Den.IsOne;

    public static Rational operator +(Rational a, Rational b) => new(a.Num * b.Den + b.Num * a.Den, a.Den * b.Den);
    public static Rational operator -(Rational a, Rational b) => new(a.Num * b.Den - b.Num * a.Den, a.Den * b.Den);
    public static Rational operator -(Rational a) => new(-a.Num, a.Den);
    public static Rational operator *(Rational a, Rational b) => new(a.Num * b.Num, a.Den * b.Den);
    public static Rational operator /(Rational a, Rational b) =>
        b.IsZero ? throw new DivideByZeroException() : new(a.Num * b.Den, a.Den * b.Num);

    /// <summary>Integer power; the exponent is capped so the work stays small.</summary>
    public Rational Pow(int exponent)
    {
        if (Math.Abs(exponent) > 4096) throw new OverflowException("exponent too large");
        if (exponent < 0) return One / Pow(-exponent);
        var bits = Math.Max(Num.GetBitLength(), Den.GetBitLength());
        if (bits * exponent > MaxBits) throw new OverflowException("number too large");
        return new(BigInteger.Pow(Num, exponent), BigInteger.Pow(Den, exponent));
    }

    public double ToDouble() => Num.GetBitLength() < 1000 && Den.GetBitLength() < 1000
        ? (double)Num / (double)Den
        : Math.Exp(BigInteger.Log(BigInteger.Abs(Num)) - BigInteger.Log(Den)) * Num.Sign;

    /// <summary>Parses "123", "-4.50", "1e3" style decimals exactly.</summary>
    public static bool TryParseDecimal(string text, out Rational value)
    {
        value = Zero;
        if (text.Length == 0 || text.Length > 400) return false;
        var s = text;
        var exp = 0;
        var e = s.IndexOfAny(['e', 'E']);
        if (e >= 0)
        {
            if (!int.TryParse(s[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out exp) || Math.Abs(exp) > 400) return false;
            s = s[..e];
        }
        var negative = s.StartsWith('-');
        if (negative || s.StartsWith('+')) s = s[1..];
        var dot = s.IndexOf('.');
        var digits = dot < 0 ? s : s[..dot] + s[(dot + 1)..];
        if (digits.Length == 0 || !digits.All(char.IsAsciiDigit)) return false;
        var scale = dot < 0 ? 0 : s.Length - dot - 1;
        var num = BigInteger.Parse(digits, CultureInfo.InvariantCulture);
        if (negative) num = -num;
        exp -= scale;
        value = exp >= 0 ? new Rational(num * BigInteger.Pow(10, exp), 1) : new Rational(num, BigInteger.Pow(10, -exp));
        return true;
    }

    public override string ToString() =>
        IsInteger ? Num.ToString(CultureInfo.InvariantCulture) : $"{Num.ToString(CultureInfo.InvariantCulture)}/{Den.ToString(CultureInfo.InvariantCulture)}";
}
