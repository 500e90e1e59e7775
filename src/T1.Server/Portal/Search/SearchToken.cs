namespace T1.Server.Portal.Search;

/// <summary>One token of a runs search: a bare word, a quoted string, an operator, a parenthesis, a comma, or the end.</summary>
internal readonly record struct SearchToken(SearchToken.Kinds Kind, string Text, int Column, int End)
{
    public enum Kinds { Word, String, Op, Open, Close, Comma, End }

    public bool IsWord(string keyword) => Kind == Kinds.Word && string.Equals(Text, keyword, StringComparison.OrdinalIgnoreCase);

    /// <summary>How a message names it.</summary>
    public string Describe() => Kind switch
    {
        Kinds.End => "the end of the query",
        Kinds.String => $"\"{Text}\"",
        _ => $"'{Text}'",
    };

    /// <summary>Splits a query; an unclosed quote or a stray character is a <see cref="SearchSyntaxException"/> at its column.</summary>
    public static List<SearchToken> Split(string query)
    {
        var tokens = new List<SearchToken>();
        var i = 0;
        while (true)
        {
            while (i < query.Length && char.IsWhiteSpace(query[i])) i++;
            if (i >= query.Length) break;
            var c = query[i];
            var start = i;
            if (c is '"' or '\'')
            {
                var text = new System.Text.StringBuilder();
                i++;
                while (i < query.Length && query[i] != c)
                {
                    if (query[i] == '\\' && i + 1 < query.Length) i++;
                    text.Append(query[i++]);
                }
                if (i >= query.Length) throw new SearchSyntaxException(start + 1, $"the string opened here has no closing {c}");
                i++;
                tokens.Add(new(Kinds.String, text.ToString(), start + 1, i));
            }
            else if (c is '(' or ')' or ',')
            {
                i++;
                tokens.Add(new(c == '(' ? Kinds.Open : c == ')' ? Kinds.Close : Kinds.Comma, c.ToString(), start + 1, i));
            }
            else if (c is '=' or '!' or '<' or '>' or '~')
            {
                var two = i + 1 < query.Length ? query.Substring(i, 2) : "";
                var op = two is "==" or "!=" or "<=" or ">=" or "<>" or "!~" ? two : c.ToString();
                if (op == "!") throw new SearchSyntaxException(start + 1, "'!' alone is no operator; write != or !~ (or not)");
                i += op.Length;
                tokens.Add(new(Kinds.Op, op == "==" ? "=" : op == "<>" ? "!=" : op, start + 1, i));
            }
            else if (SearchFields.IsNameChar(c))
            {
                while (i < query.Length && SearchFields.IsNameChar(query[i])) i++;
                tokens.Add(new(Kinds.Word, query[start..i], start + 1, i));
            }
            else throw new SearchSyntaxException(start + 1, $"unexpected character '{c}'; quote values that contain it");
        }
        tokens.Add(new(Kinds.End, "", query.Length + 1, query.Length));
        return tokens;
    }
}
