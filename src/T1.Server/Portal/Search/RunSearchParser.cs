using System.Globalization;
using static T1.Server.Portal.Search.SearchFields;

namespace T1.Server.Portal.Search;

/// <summary>
/// Reads the runs search language, e.g. <c>params.lr &lt; 0.001 and metrics.accuracy@128 &gt; 0.3 and status = succeeded
/// and workflow ~ "t1"</c>: comparisons <c>field op value</c> (<c>= != &lt; &lt;= &gt; &gt;=</c>, <c>~</c> contains and
/// <c>!~</c> does not contain, case-insensitive), <c>field in (a, b)</c> and <c>field not in (…)</c>, joined by
/// <c>and</c>, <c>or</c> (and binds tighter), <c>not</c> and parentheses; keywords in any case. Values are numbers,
/// bare words, dates (<c>2026-11-30</c>, <c>2026-11-30T14:00</c>, UTC) or quoted strings (<c>"…"</c> or <c>'…'</c>,
/// backslash escapes). A field name with other characters is quoted after its prefix: <c>params."my key"</c>.
/// Every problem is a <see cref="SearchSyntaxException"/> naming the column.
/// </summary>
public sealed class RunSearchParser
{
    private static readonly string[] TimeFormats =
        ["yyyy-MM-dd", "yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-ddTHH:mm:ssZ", "yyyy-MM-ddTHH:mmZ"];

    private readonly List<SearchToken> _tokens;
    private int _at;

    private RunSearchParser(string query) => _tokens = SearchToken.Split(query);

    /// <summary>The expression, or null for an empty (all-blank) query, which matches every run.</summary>
    public static SearchExpression? Parse(string? query)
    {
        if (string.IsNullOrWhiteSpace(query)) return null;
        var parser = new RunSearchParser(query);
        var result = parser.ParseOr();
        var next = parser.Peek;
        if (next.Kind == SearchToken.Kinds.Close) throw new SearchSyntaxException(next.Column, "this ')' closes no '('");
        if (next.Kind != SearchToken.Kinds.End)
            throw new SearchSyntaxException(next.Column, $"expected and, or, or the end of the query, found {next.Describe()}");
        return result;
    }

    /// <summary>One field name alone (a sort column, a table column): <c>created</c>, <c>metrics.accuracy@128</c>, <c>params."my key"</c>.</summary>
    public static SearchField ParseField(string text)
    {
        var parser = new RunSearchParser(text);
        var (field, _) = parser.ParseField();
        if (parser.Peek.Kind != SearchToken.Kinds.End)
            throw new SearchSyntaxException(parser.Peek.Column, $"expected one field name, found {parser.Peek.Describe()} after it");
        return field;
    }

    private SearchToken Peek => _tokens[_at];

    private SearchToken Next() => _tokens[_at++];

    private SearchExpression ParseOr()
    {
        var left = ParseAnd();
        while (Peek.IsWord("or"))
        {
            Next();
            left = new SearchExpression.Or(left, ParseAnd());
        }
        return left;
    }

    private SearchExpression ParseAnd()
    {
        var left = ParseNot();
        while (Peek.IsWord("and"))
        {
            Next();
            left = new SearchExpression.And(left, ParseNot());
        }
        return left;
    }

    private SearchExpression ParseNot()
    {
        if (!Peek.IsWord("not")) return ParsePrimary();
        Next();
        return new SearchExpression.Not(ParseNot());
    }

    private SearchExpression ParsePrimary()
    {
        var token = Peek;
        if (token.Kind != SearchToken.Kinds.Open) return ParseComparison();
        Next();
        var inner = ParseOr();
        if (Peek.Kind != SearchToken.Kinds.Close)
            throw new SearchSyntaxException(Peek.Column, $"expected ')' to close the '(' at column {token.Column}, found {Peek.Describe()}");
        Next();
        return inner;
    }

    private SearchExpression ParseComparison()
    {
        var (field, fieldColumn) = ParseField();
        var kind = KindOf(field);
        var opToken = Next();
        string op;
        if (opToken.Kind == SearchToken.Kinds.Op) op = opToken.Text;
        else if (opToken.IsWord("in")) op = "in";
        else if (opToken.IsWord("not") && Peek.IsWord("in")) { Next(); op = "not in"; }
        else throw new SearchSyntaxException(opToken.Column, $"expected an operator (=, !=, <, <=, >, >=, ~, !~, in, not in) after {field}, found {opToken.Describe()}");
        CheckOperator(field, kind, op, opToken.Column);

        if (op is not ("in" or "not in")) return new SearchExpression.Compare(field, op, [ParseValue(field, kind, op)]);
        if (Peek.Kind != SearchToken.Kinds.Open)
            throw new SearchSyntaxException(Peek.Column, $"expected '(' and a list of values after {op}, found {Peek.Describe()}");
        Next();
        var values = new List<SearchValue> { ParseValue(field, kind, op) };
        while (Peek.Kind == SearchToken.Kinds.Comma)
        {
            Next();
            values.Add(ParseValue(field, kind, op));
        }
        if (Peek.Kind != SearchToken.Kinds.Close)
            throw new SearchSyntaxException(Peek.Column, $"expected ',' or ')' in the list of {field} (starting column {fieldColumn}), found {Peek.Describe()}");
        Next();
        return new SearchExpression.Compare(field, op, values);
    }

    private (SearchField Field, int Column) ParseField()
    {
        var token = Next();
        if (token.Kind != SearchToken.Kinds.Word || token.IsWord("and") || token.IsWord("or") || token.IsWord("in"))
            throw new SearchSyntaxException(token.Column, $"expected a field ({Known}), found {token.Describe()}");
        string prefix = token.Text, written = token.Text;
        string? name = null;
        var dot = token.Text.IndexOf('.');
        if (dot >= 0)
        {
            prefix = token.Text[..dot];
            name = token.Text[(dot + 1)..];
            // params."my key": the quoted name follows the dot with no space between.
            if (name.Length == 0 && Peek.Kind == SearchToken.Kinds.String && Peek.Column == token.End + 1)
            {
                name = Next().Text;
                written = $"{token.Text}\"{name}\"";
            }
        }
        return (Resolve(prefix, name) ?? throw new SearchSyntaxException(token.Column, $"unknown field '{written}'; fields are {Known}"), token.Column);
    }

    private static void CheckOperator(SearchField field, ValueKind kind, string op, int column)
    {
        var ordered = op is "<" or "<=" or ">" or ">=";
        var contains = op is "~" or "!~";
        if (ordered && kind is ValueKind.Text && field.Kind != SearchFieldKind.Param || ordered && kind is ValueKind.Status or ValueKind.Trigger)
            throw new SearchSyntaxException(column, $"{field} is text: compare it with =, !=, ~, !~ or in, not {op}");
        if (contains && kind is not ValueKind.Text)
            throw new SearchSyntaxException(column, $"{op} (contains) works on text; {field} holds {Describe(kind)}: use =, !=, <, <=, >, >= or in");
        if (op is "in" or "not in" && kind == ValueKind.Time)
            throw new SearchSyntaxException(column, $"{field} is a time: compare it with <, <=, >, >= or =, not {op}");
    }

    private static string Describe(ValueKind kind) => kind switch
    {
        ValueKind.Number => "numbers",
        ValueKind.Time => "times",
        ValueKind.Status => $"a status ({string.Join(", ", Statuses)})",
        _ => $"a trigger ({string.Join(", ", Triggers)})",
    };

    private SearchValue ParseValue(SearchField field, ValueKind kind, string op)
    {
        var token = Next();
        if (token.Kind is not (SearchToken.Kinds.Word or SearchToken.Kinds.String))
            throw new SearchSyntaxException(token.Column, $"expected a value after {field} {op}, found {token.Describe()}");
        var text = token.Text;
        double? number = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && double.IsFinite(n) ? n : null;
        switch (kind)
        {
            case ValueKind.Number when number is null:
                throw new SearchSyntaxException(token.Column, $"{field} compares with numbers, and {token.Describe()} is not one");
            case ValueKind.Status when !Statuses.Contains(text.ToLowerInvariant()):
                throw new SearchSyntaxException(token.Column, $"{token.Describe()} is not a status; statuses are {string.Join(", ", Statuses)}");
            case ValueKind.Trigger when !Triggers.Contains(text.ToLowerInvariant()):
                throw new SearchSyntaxException(token.Column, $"{token.Describe()} is not a trigger; triggers are {string.Join(", ", Triggers)}");
            case ValueKind.Time:
                if (!DateTime.TryParseExact(text, TimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var time))
                    throw new SearchSyntaxException(token.Column, $"{token.Describe()} is not a time; write 2026-11-30 or 2026-11-30T14:05 (UTC)");
                return new SearchValue(text, null, DateTime.SpecifyKind(time, DateTimeKind.Utc), token.Column);
        }
        if (field.Kind == SearchFieldKind.Param && op is "<" or "<=" or ">" or ">=" && number is null)
            throw new SearchSyntaxException(token.Column, $"{field} {op} needs a number, and {token.Describe()} is not one; compare text with =, !=, ~ or !~");
        // A quoted number stays text for params ("7" matches the string param "7"), a number for numeric fields.
        if (token.Kind == SearchToken.Kinds.String && kind == ValueKind.Text) number = null;
        return new SearchValue(text, number, null, token.Column);
    }
}
