using System.Numerics;

namespace T1.Ml.Tasks;

/// <summary>
/// Parsed mathematical expression. Two ways to compare: <see cref="ToPolynomial"/> (exact, for polynomial
/// expressions in rationals, variables, π and i) and <see cref="Eval"/> (complex floating point at given
/// variable values, for everything else: roots, division by variables).
/// </summary>
internal abstract record MathNode
{
    /// <summary>Exact expanded form, or null when the expression is not a polynomial (roots, 1/x…).</summary>
    public abstract Polynomial? ToPolynomial();

    public abstract Complex Eval(IReadOnlyDictionary<string, Complex> variables);

    /// <summary>Free variables (π and i are constants, not variables).</summary>
    public abstract void CollectVariables(ISet<string> into);
}

internal sealed record NumberNode(Rational Value) : MathNode
{
    public override Polynomial ToPolynomial() => Polynomial.Constant(Value);
    public override Complex Eval(IReadOnlyDictionary<string, Complex> variables) => Value.ToDouble();
    public override void CollectVariables(ISet<string> into) { }
}

internal sealed record SymbolNode(string Name) : MathNode
{
    public const string Pi = "\\pi";

    public override Polynomial ToPolynomial() => Polynomial.Variable(Name);

    public override Complex Eval(IReadOnlyDictionary<string, Complex> variables) => Name switch
    {
        Pi => Math.PI,
        Polynomial.ImaginaryUnit => Complex.ImaginaryOne,
        _ => variables.TryGetValue(Name, out var v) ? v : double.NaN,
    };

    public override void CollectVariables(ISet<string> into)
    {
        if (Name is not (Pi or Polynomial.ImaginaryUnit)) into.Add(Name);
    }
}

internal sealed record NegateNode(MathNode Operand) : MathNode
{
    public override Polynomial? ToPolynomial() => Operand.ToPolynomial()?.Scale(-Rational.One);
    public override Complex Eval(IReadOnlyDictionary<string, Complex> variables) => -Operand.Eval(variables);
    public override void CollectVariables(ISet<string> into) => Operand.CollectVariables(into);
}

internal sealed record BinaryNode(char Op, MathNode Left, MathNode Right) : MathNode
{
    public override Polynomial? ToPolynomial()
    {
        var l = Left.ToPolynomial();
        var r = Right.ToPolynomial();
        if (l is null || r is null) return null;
        switch (Op)
        {
            case '+': return l + r;
            case '-': return l - r;
            case '*': return l * r;
            case '/':
                var d = r.AsConstant;
                return d is { IsZero: false } divisor ? l.Scale(Rational.One / divisor) : null;
            case '^':
                var e = r.AsConstant;
                if (e is not { IsInteger: true } k || BigInteger.Abs(k.Num) > 4096) return null;
                if (l.AsConstant is { } c) return c.IsZero && k.Num.Sign < 0 ? null : Polynomial.Constant(c.Pow((int)k.Num));
                return k.Num.Sign >= 0 && k.Num <= Polynomial.MaxPower ? l.Pow((int)k.Num) : null;
            default: return null;
        }
    }

    public override Complex Eval(IReadOnlyDictionary<string, Complex> variables)
    {
        var l = Left.Eval(variables);
        var r = Right.Eval(variables);
        return Op switch
        {
            '+' => l + r,
            '-' => l - r,
            '*' => l * r,
            '/' => r == Complex.Zero ? double.NaN : l / r,
            '^' => r.Imaginary == 0 && r.Real == Math.Round(r.Real) && Math.Abs(r.Real) <= 64 ? IntegerPower(l, (int)r.Real) : Complex.Pow(l, r),
            _ => double.NaN,
        };
    }

    private static Complex IntegerPower(Complex b, int k)
    {
        if (k < 0) return b == Complex.Zero ? double.NaN : 1 / IntegerPower(b, -k);
        var result = Complex.One;
        for (var i = 0; i < k; i++) result *= b;
        return result;
    }

    public override void CollectVariables(ISet<string> into)
    {
        Left.CollectVariables(into);
        Right.CollectVariables(into);
    }
}

/// <summary><c>\sqrt{x}</c> (principal root) or <c>\sqrt[n]{x}</c> (real root for odd n of a negative number).</summary>
internal sealed record RootNode(MathNode Radicand, MathNode? Index) : MathNode
{
    public override Polynomial? ToPolynomial()
    {
        // Exact only for perfect squares of small non-negative integers; the numeric path covers the rest.
        if (Index is null && Radicand.ToPolynomial()?.AsConstant is { IsInteger: true } c && c.Num.Sign >= 0 && c.Num.GetBitLength() < 100)
        {
            var root = (BigInteger)Math.Round(Math.Sqrt((double)c.Num));
            if (root * root == c.Num) return Polynomial.Constant(new Rational(root, 1));
        }
        return null;
    }

    public override Complex Eval(IReadOnlyDictionary<string, Complex> variables)
    {
        var x = Radicand.Eval(variables);
        if (Index is null) return Complex.Sqrt(x);
        var n = Index.Eval(variables);
        if (n.Imaginary == 0 && x.Imaginary == 0 && x.Real < 0 && n.Real == Math.Round(n.Real) && (int)n.Real % 2 != 0)
            return -Math.Pow(-x.Real, 1 / n.Real);
        return Complex.Pow(x, 1 / n);
    }

    public override void CollectVariables(ISet<string> into)
    {
        Radicand.CollectVariables(into);
        Index?.CollectVariables(into);
    }
}
