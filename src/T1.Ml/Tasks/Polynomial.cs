namespace T1.Ml.Tasks;

/// <summary>
/// Exact multivariate polynomial with rational coefficients, kept expanded and canonical, so two polynomial
/// expressions are equal exactly when their <see cref="Polynomial"/> forms are. The imaginary unit is the
/// variable "i" with i² = −1, and π is an ordinary (transcendental) symbol, so "3+4i" and "2\pi r" compare
/// exactly too. Bounded: more than <see cref="MaxTerms"/> terms or large powers throw <see cref="OverflowException"/>.
/// </summary>
internal sealed class Polynomial
{
    public const int MaxTerms = 256;
    public const int MaxPower = 64;
    public const string ImaginaryUnit = "i";

    // Monomial key ("x^2*y") → (factors, coefficient). Zero coefficients are never stored.
    private readonly SortedDictionary<string, (KeyValuePair<string, int>[] Factors, Rational Coefficient)> _terms = new(StringComparer.Ordinal);

    private Polynomial() { }

    public static Polynomial Constant(Rational value)
    {
        var p = new Polynomial();
        p.AddTerm([], value);
        return p;
    }

    public static Polynomial Variable(string name)
    {
        var p = new Polynomial();
        p.AddTerm([new(name, 1)], Rational.One);
        return p;
    }

    /// <summary>The constant value when the polynomial has no variables.</summary>
    public Rational? AsConstant => _terms.Count == 0 ? Rational.Zero
        : _terms.Count == 1 && _terms.TryGetValue("", out var t) ? t.Coefficient : null;

    public static Polynomial operator +(Polynomial a, Polynomial b) => Combine(a, b, Rational.One);
    public static Polynomial operator -(Polynomial a, Polynomial b) => Combine(a, b, -Rational.One);

    public static Polynomial operator *(Polynomial a, Polynomial b)
    {
        if ((long)a._terms.Count * b._terms.Count > MaxTerms * 16) throw new OverflowException("polynomial too large");
        var p = new Polynomial();
        foreach (var x in a._terms.Values)
            foreach (var y in b._terms.Values)
            {
                var (factors, sign) = MultiplyMonomials(x.Factors, y.Factors);
                var c = x.Coefficient * y.Coefficient;
                p.AddTerm(factors, sign < 0 ? -c : c);
            }
        return p;
    }

    public Polynomial Scale(Rational factor)
    {
        var p = new Polynomial();
        foreach (var t in _terms.Values) p.AddTerm(t.Factors, t.Coefficient * factor);
        return p;
    }

    public Polynomial Pow(int exponent)
    {
        if (exponent is < 0 or > MaxPower) throw new OverflowException("power too large");
        var result = Constant(Rational.One);
        for (var k = 0; k < exponent; k++) result *= this;
        return result;
    }

    public bool SameAs(Polynomial other) =>
        _terms.Count == other._terms.Count
        && _terms.All(t => other._terms.TryGetValue(t.Key, out var o) && o.Coefficient == t.Value.Coefficient);

    private static Polynomial Combine(Polynomial a, Polynomial b, Rational sign)
    {
        var p = new Polynomial();
        foreach (var t in a._terms.Values) p.AddTerm(t.Factors, t.Coefficient);
        foreach (var t in b._terms.Values) p.AddTerm(t.Factors, t.Coefficient * sign);
        return p;
    }

    private void AddTerm(KeyValuePair<string, int>[] factors, Rational coefficient)
    {
        var key = string.Join("*", factors.Select(f => f.Value == 1 ? f.Key : $"{f.Key}^{f.Value}"));
        var sum = _terms.TryGetValue(key, out var existing) ? existing.Coefficient + coefficient : coefficient;
        if (sum.IsZero) _terms.Remove(key);
        else _terms[key] = (factors, sum);
        if (_terms.Count > MaxTerms) throw new OverflowException("polynomial too large");
    }

    private static (KeyValuePair<string, int>[] Factors, int Sign) MultiplyMonomials(KeyValuePair<string, int>[] a, KeyValuePair<string, int>[] b)
    {
        var powers = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var (name, power) in a.Concat(b))
        {
            var total = powers.GetValueOrDefault(name) + power;
            if (total > MaxPower * 4) throw new OverflowException("power too large");
            powers[name] = total;
        }
        var sign = 1;
        if (powers.TryGetValue(ImaginaryUnit, out var ip))
        {
            // i² = −1: keep i⁰ or i¹ and move the rest into the sign.
            if (ip / 2 % 2 == 1) sign = -1;
            if (ip % 2 == 0) powers.Remove(ImaginaryUnit); else powers[ImaginaryUnit] = 1;
        }
        return (powers.ToArray(), sign);
    }

    public override string ToString() =>
        _terms.Count == 0 ? "0" : string.Join(" + ", _terms.Select(t => t.Key.Length == 0 ? t.Value.Coefficient.ToString() : $"{t.Value.Coefficient}*{t.Key}"));
}
