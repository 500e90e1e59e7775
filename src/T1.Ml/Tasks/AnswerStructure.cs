namespace T1.Ml.Tasks;

internal enum AnswerKind { Scalar, Tuple, Set, List, Union }

/// <summary>
/// The outer shape of an answer: a scalar, a tuple or interval "(a,b]" (ordered, brackets matter),
/// a set "\{a,b\}" or a bare comma list "a, b" (order-free), or a union of intervals "A \cup B".
/// </summary>
internal sealed record AnswerStructure(AnswerKind Kind, IReadOnlyList<string> Items, string Open, string Close)
{
    public bool Ordered => Kind is AnswerKind.Tuple or AnswerKind.Union;

    public string Describe() => Kind switch
    {
        AnswerKind.Scalar => "a single value",
        AnswerKind.Tuple => $"a tuple or interval {Open}…{Close}",
        AnswerKind.Set => "a set",
        AnswerKind.List => "a comma list",
        _ => "a union",
    };

    public static AnswerStructure Parse(string s)
    {
        s = s.Trim();
        var union = SplitTopLevel(s, "\\cup");
        if (union.Count > 1) return new(AnswerKind.Union, union, "", "");

        if (s.StartsWith("\\{", StringComparison.Ordinal) && s.EndsWith("\\}", StringComparison.Ordinal) && ClosesAtEnd(s))
            return new(AnswerKind.Set, SplitTopLevel(s[2..^2], ","), "{", "}");

        if (s.Length >= 2 && s[0] is '(' or '[' && s[^1] is ')' or ']' && ClosesAtEnd(s))
        {
            var items = SplitTopLevel(s[1..^1], ",");
            if (items.Count > 1) return new(AnswerKind.Tuple, items, s[0].ToString(), s[^1].ToString());
        }

        var list = SplitTopLevel(s, ",");
        return list.Count > 1 ? new(AnswerKind.List, list, "", "") : new(AnswerKind.Scalar, [s], "", "");
    }

    /// <summary>True when the bracket opened by the first character is the one closed by the last.</summary>
    private static bool ClosesAtEnd(string s)
    {
        var depth = 0;
        for (var i = 0; i < s.Length; i++)
        {
            depth += Delta(s, ref i);
            if (depth == 0 && i < s.Length - 1) return false;
        }
        return depth == 0;
    }

    private static List<string> SplitTopLevel(string s, string separator)
    {
        var parts = new List<string>();
        var depth = 0;
        var start = 0;
        for (var i = 0; i < s.Length; i++)
        {
            if (depth == 0 && string.CompareOrdinal(s, i, separator, 0, separator.Length) == 0)
            {
                parts.Add(s[start..i].Trim());
                start = i + separator.Length;
                i = start - 1;
                continue;
            }
            depth += Delta(s, ref i);
            if (depth < 0) return [s];
        }
        parts.Add(s[start..].Trim());
        return parts.Any(p => p.Length == 0) ? [s] : parts;
    }

    /// <summary>Bracket depth change at position i; "\{" and "\}" count as one bracket and advance i.</summary>
    private static int Delta(string s, ref int i)
    {
        if (s[i] == '\\' && i + 1 < s.Length && s[i + 1] is '{' or '}')
        {
            i++;
            return s[i] == '{' ? 1 : -1;
        }
        return s[i] switch { '(' or '[' or '{' => 1, ')' or ']' or '}' => -1, _ => 0 };
    }
}
