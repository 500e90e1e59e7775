using System.Text;
using System.Text.RegularExpressions;

namespace T1.Ml.Tasks;

/// <summary>
/// Rewrites an answer into a canonical LaTeX-ish form before comparison: drops dollar signs, sizing commands,
/// degree and percent signs, units in <c>\text{}</c>, a leading "x =", thousands separators; unifies fraction
/// commands and Unicode symbols. Spaces are kept (they separate commands); <see cref="Key"/> removes them.
/// </summary>
internal static partial class AnswerNormalizer
{
    private static readonly (string From, string To)[] Replacements =
    [
        ("\\dfrac", "\\frac"), ("\\tfrac", "\\frac"), ("\\cfrac", "\\frac"),
        ("\\left", ""), ("\\right", ""), ("\\bigl", ""), ("\\bigr", ""), ("\\Bigl", ""), ("\\Bigr", ""),
        ("\\big", ""), ("\\Big", ""), ("\\displaystyle", ""),
        ("\\!", ""), ("\\,", ""), ("\\;", " "), ("\\:", " "), ("\\ ", " "), ("~", " "), ("{,}", ""),
        ("^{\\circ}", ""), ("^\\circ", ""), ("\\circ", ""), ("°", ""), ("\\degree", ""),
        ("\\%", ""), ("%", ""), ("\\$", ""), ("$", ""),
        ("\\cdot", "*"), ("\\times", "*"), ("\\div", "/"), ("×", "*"), ("÷", "/"), ("·", "*"), ("−", "-"),
        ("π", "\\pi "), ("√", "\\sqrt"), ("∞", "\\infty "), ("\\dots", ""), ("\\ldots", ""),
        ("\\lbrace", "\\{"), ("\\rbrace", "\\}"), ("\\lvert", "|"), ("\\rvert", "|"),
        ("\\leq", "\\le"), ("\\geq", "\\ge"), ("\\neq", "\\ne"),
    ];

    private static readonly string[] TextCommands = ["\\text", "\\textbf", "\\textit", "\\mbox", "\\mathrm", "\\mathbf", "\\operatorname"];

    public static string Normalize(string answer)
    {
        var s = MatrixToTuple(answer.Trim());
        foreach (var (from, to) in Replacements) s = s.Replace(from, to, StringComparison.Ordinal);
        s = StripTextCommands(s);
        s = CollapseSpaces(s).Trim();
        s = s.TrimEnd('.', ',', ';').Trim();
        s = StripVariableAssignment(s);
        if (ThousandsNumber().IsMatch(s)) s = s.Replace(",", "", StringComparison.Ordinal);
        s = TrailingUnitWord().Replace(s, "");
        if (s.StartsWith('+')) s = s[1..];
        return s.Trim();
    }

    /// <summary>The normalised answer with every space removed, for text equality.</summary>
    public static string Key(string normalized) => normalized.Replace(" ", "", StringComparison.Ordinal);

    /// <summary>
    /// <c>\text{…}</c> and friends: a text after some mathematics is a unit and is dropped ("5\text{ cm}");
    /// otherwise the braces go and the words stay ("\text{(A)}" becomes "(A)").
    /// </summary>
    private static string StripTextCommands(string s)
    {
        for (var guard = 0; guard < 64; guard++)
        {
            var (at, command) = FirstTextCommand(s);
            if (at < 0) return s;
            var open = at + command.Length;
            while (open < s.Length && s[open] == ' ') open++;
            if (open >= s.Length || s[open] != '{') { s = s.Remove(at, command.Length); continue; }
            var close = MatchingBrace(s, open);
            if (close < 0) return s.Remove(at, command.Length);
            var content = s[(open + 1)..close];
            var before = s[..at].Trim();
            var word = content.Trim();
            var isUnit = before.Length > 0 && close == s.Length - 1 && word.Length > 0
                && word.All(c => char.IsAsciiLetter(c) || c is ' ' or '.');
            s = s[..at] + (isUnit ? "" : content) + s[(close + 1)..];
        }
        return s;
    }

    private static (int At, string Command) FirstTextCommand(string s)
    {
        var best = (-1, "");
        foreach (var command in TextCommands)
        {
            for (var from = 0; ;)
            {
                var at = s.IndexOf(command, from, StringComparison.Ordinal);
                if (at < 0) break;
                var end = at + command.Length;
                // Only whole command names: "\text" must not match the start of "\textbf".
                if (end < s.Length && char.IsAsciiLetter(s[end])) { from = end; continue; }
                if (best.Item1 < 0 || at < best.Item1) best = (at, command);
                break;
            }
        }
        return best;
    }

    internal static int MatchingBrace(string s, int open)
    {
        var depth = 0;
        for (var i = open; i < s.Length; i++)
        {
            if (s[i] == '{') depth++;
            else if (s[i] == '}' && --depth == 0) return i;
        }
        return -1;
    }

    /// <summary><c>\begin{pmatrix}1&amp;2\\3&amp;4\end{pmatrix}</c> becomes "((1,2),(3,4))"; a single column becomes "(1,2)".</summary>
    private static string MatrixToTuple(string s)
    {
        var match = Matrix().Match(s);
        if (!match.Success) return s;
        var rows = match.Groups["body"].Value.Split("\\\\", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(r => r.Length > 0).Select(r => r.Split('&', StringSplitOptions.TrimEntries)).ToList();
        string tuple;
        if (rows.All(r => r.Length == 1)) tuple = "(" + string.Join(",", rows.Select(r => r[0])) + ")";
        else tuple = "(" + string.Join(",", rows.Select(r => "(" + string.Join(",", r) + ")")) + ")";
        return s[..match.Index] + tuple + s[(match.Index + match.Length)..];
    }

    private static string StripVariableAssignment(string s)
    {
        var match = Assignment().Match(s);
        if (!match.Success || s.Count(c => c == '=') != 1) return s;
        var rest = s[match.Length..].Trim();
        return rest.Length == 0 ? s : rest;
    }

    private static string CollapseSpaces(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var c in s)
        {
            var space = char.IsWhiteSpace(c);
            if (space && sb.Length > 0 && sb[^1] == ' ') continue;
            sb.Append(space ? ' ' : c);
        }
        return sb.ToString();
    }

    [GeneratedRegex(@"^-?\d{1,3}(,\d{3})+(\.\d+)?$")]
    private static partial Regex ThousandsNumber();

    [GeneratedRegex(@"^\\?[A-Za-z]+(_\{?\w+\}?)?\s*=\s*")]
    private static partial Regex Assignment();

    [GeneratedRegex(@"(?<=\d)\s+[A-Za-z]{2,}(\s+[A-Za-z]+)*$")]
    private static partial Regex TrailingUnitWord();

    [GeneratedRegex(@"\\begin\{[pbvBV]?matrix\}(?<body>.*?)\\end\{[pbvBV]?matrix\}", RegexOptions.Singleline)]
    private static partial Regex Matrix();
}
