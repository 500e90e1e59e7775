using System.Globalization;

namespace T1.Ml.Tasks;

/// <summary>
/// Recursive-descent parser for the LaTeX-ish mathematics found in answers: numbers, single-letter variables,
/// + − * / ^, implicit multiplication, parentheses and braces, <c>\frac</c>, <c>\sqrt</c> (with index), <c>\pi</c>.
/// Returns null on anything else (functions, inequalities, words), so the caller falls back to text comparison.
/// Bounded: at most <see cref="MaxTokens"/> tokens and <see cref="MaxDepth"/> levels of nesting.
/// </summary>
internal sealed class MathParser
{
    public const int MaxTokens = 400;
    public const int MaxDepth = 40;

    private readonly List<string> _tokens;
    private int _pos;
    private int _depth;

    private MathParser(List<string> tokens) => _tokens = tokens;

    public static MathNode? TryParse(string text)
    {
        var tokens = Tokenize(text);
        if (tokens is null || tokens.Count == 0) return null;
        var parser = new MathParser(tokens);
        try
        {
            var node = parser.Expression();
            return parser._pos == tokens.Count ? node : null;
        }
        catch (FormatException) { return null; }
        catch (OverflowException) { return null; }
    }

    private static List<string>? Tokenize(string s)
    {
        var tokens = new List<string>();
        for (var i = 0; i < s.Length;)
        {
            if (tokens.Count > MaxTokens) return null;
            var c = s[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            if (char.IsAsciiDigit(c) || (c == '.' && i + 1 < s.Length && char.IsAsciiDigit(s[i + 1])))
            {
                var start = i;
                while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.')) i++;
                tokens.Add(s[start..i]);
                continue;
            }
            if (c == '\\')
            {
                var start = i++;
                while (i < s.Length && char.IsAsciiLetter(s[i])) i++;
                if (i == start + 1 && i < s.Length) i++; // "\{" and other one-character commands
                tokens.Add(s[start..i]);
                continue;
            }
            if (char.IsAsciiLetter(c) || "+-*/^(){}[]".Contains(c)) { tokens.Add(c.ToString()); i++; continue; }
            return null;
        }
        return tokens;
    }

    private string? Peek => _pos < _tokens.Count ? _tokens[_pos] : null;

    private void Expect(string token)
    {
        if (Peek != token) throw new FormatException($"expected {token}");
        _pos++;
    }

    private MathNode Expression()
    {
        if (++_depth > MaxDepth) throw new FormatException("too deep");
        var node = Term();
        while (Peek is "+" or "-")
        {
            var op = _tokens[_pos++][0];
            node = new BinaryNode(op, node, Term());
        }
        _depth--;
        return node;
    }

    private MathNode Term()
    {
        var node = Unary();
        while (true)
        {
            if (Peek is "*" or "/")
            {
                var op = _tokens[_pos++][0];
                node = new BinaryNode(op, node, Unary());
            }
            else if (StartsPrimary(Peek)) node = new BinaryNode('*', node, Power());
            else return node;
        }
    }

    private MathNode Unary()
    {
        if (Peek == "-") { _pos++; return new NegateNode(Unary()); }
        if (Peek == "+") { _pos++; return Unary(); }
        return Power();
    }

    private MathNode Power()
    {
        var node = Primary();
        if (Peek != "^") return node;
        _pos++;
        MathNode exponent = Peek == "-" ? Unary() : SingleArgument();
        return new BinaryNode('^', node, exponent);
    }

    private static bool StartsPrimary(string? token) =>
        token is not null && (char.IsAsciiDigit(token[0]) || token[0] == '.' || char.IsAsciiLetter(token[0])
            || token is "(" or "{" or "\\frac" or "\\sqrt" or "\\pi");

    private MathNode Primary()
    {
        var token = Peek ?? throw new FormatException("unexpected end");
        _pos++;
        if (char.IsAsciiDigit(token[0]) || token[0] == '.') return Number(token);
        if (char.IsAsciiLetter(token[0])) return new SymbolNode(token);
        switch (token)
        {
            case "(": { var inner = Expression(); Expect(")"); return inner; }
            case "{": { var inner = Expression(); Expect("}"); return inner; }
            case "\\pi": return new SymbolNode(SymbolNode.Pi);
            case "\\frac":
            {
                var num = SingleArgument();
                var den = SingleArgument();
                return new BinaryNode('/', num, den);
            }
            case "\\sqrt":
            {
                MathNode? index = null;
                if (Peek == "[") { _pos++; index = Expression(); Expect("]"); }
                return new RootNode(SingleArgument(), index);
            }
            default: throw new FormatException($"unsupported {token}");
        }
    }

    /// <summary>A braced group, or a single character: "\frac12" is ½ and "x^23" is x²·3, as in TeX.</summary>
    private MathNode SingleArgument()
    {
        var token = Peek ?? throw new FormatException("missing argument");
        if (token == "{") return Primary();
        if (char.IsAsciiDigit(token[0]) && token.Length > 1)
        {
            _tokens[_pos] = token[1..];
            return Number(token[..1]);
        }
        return Primary();
    }

    private static NumberNode Number(string token) =>
        Rational.TryParseDecimal(token, out var value) ? new NumberNode(value) : throw new FormatException($"bad number {token}");

    public override string ToString() => string.Join(" ", _tokens.Skip(_pos).Take(8).Select(t => t.ToString(CultureInfo.InvariantCulture)));
}
