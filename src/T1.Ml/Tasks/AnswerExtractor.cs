namespace T1.Ml.Tasks;

/// <summary>
/// Finds the one final answer in the answer part of a response (the text after <c>&lt;/think&gt;</c>; see
/// <see cref="ResponseGrader"/>): the content of its <c>\boxed{…}</c> (or <c>\fbox{…}</c>, balanced and possibly
/// nested braces), else the text of its "Final answer:" line, else the text after a GSM8K-style <c>####</c> marker.
/// A part that holds several of them holds one answer only when they all say the same (after normalising:
/// "\boxed{2}. … so again \boxed{2}"); two different answers, or a <c>\boxed{</c> that never closes, are no answer.
/// Linear in the text length.
/// </summary>
public static class AnswerExtractor
{
    /// <summary>The answer, or null when there is none; see <see cref="Extract(string?, out string)"/>.</summary>
    public static string? Extract(string? text) => Extract(text, out _);

    /// <summary>
    /// The one final answer of <paramref name="text"/>, or null with <paramref name="problem"/> saying why:
    /// "no answer found (no \boxed{}, 'Final answer:' or '####')", "\boxed{ is never closed",
    /// "2 different final answers (\boxed{7}, \boxed{8}); exactly one is graded".
    /// </summary>
    public static string? Extract(string? text, out string problem)
    {
        problem = "";
        if (string.IsNullOrWhiteSpace(text))
        {
            problem = "empty answer part";
            return null;
        }
        var boxes = Boxes(text, out var unclosed);
        if (unclosed)
        {
            problem = "\\boxed{ is never closed";
            return null;
        }
        if (boxes.Count > 0) return One(boxes, "\\boxed{", "}", out problem);
        foreach (var marker in (ReadOnlySpan<string>)["final answer:", "####"])
        {
            var lines = AfterMarkers(text, marker);
            if (lines.Count > 0) return One(lines, marker == "####" ? "#### " : "Final answer: ", "", out problem);
        }
        problem = "no answer found (no \\boxed{}, 'Final answer:' or '####')";
        return null;
    }

    private static string? One(List<string> answers, string open, string close, out string problem)
    {
        problem = "";
        var keys = answers.Select(a => AnswerNormalizer.Key(AnswerNormalizer.Normalize(a))).Distinct(StringComparer.Ordinal).Count();
        if (keys == 1) return answers[^1];
        problem = $"{keys} different final answers ({string.Join(", ", answers.Distinct().Take(3).Select(a => open + Short(a) + close))}); exactly one is graded";
        return null;
    }

    private static string Short(string s) => s.Length <= 40 ? s : s[..40] + "…";

    /// <summary>Contents of every complete <c>\boxed{…}</c> / <c>\fbox{…}</c>, in order; <paramref name="unclosed"/> when one never closes.</summary>
    private static List<string> Boxes(string text, out bool unclosed)
    {
        unclosed = false;
        var found = new List<string>();
        int at = 0;
        while (NextBox(text, at) is var (start, length) && start >= 0)
        {
            var open = start + length;
            at = open;
            while (open < text.Length && text[open] == ' ') open++;
            if (open >= text.Length) { unclosed = true; break; }
            if (text[open] != '{')
            {
                // "\boxed 5" form: the answer runs to the next space, '$' or line end.
                var end = text.IndexOfAny([' ', '$', '\n'], open);
                var bare = end < 0 ? text[open..] : text[open..end];
                if (bare.Length > 0) found.Add(bare.Trim());
                continue;
            }
            var depth = 0;
            var close = -1;
            for (var i = open; i < text.Length && close < 0; i++)
            {
                if (text[i] == '{') depth++;
                else if (text[i] == '}' && --depth == 0) close = i;
            }
            if (close < 0) { unclosed = true; break; }
            found.Add(text[(open + 1)..close].Trim());
            at = close + 1;
        }
        return found;
    }

    private static (int Start, int Length) NextBox(string text, int from)
    {
        var boxed = text.IndexOf("\\boxed", from, StringComparison.Ordinal);
        var fbox = text.IndexOf("\\fbox", from, StringComparison.Ordinal);
        if (boxed < 0 && fbox < 0) return (-1, 0);
        return boxed >= 0 && (fbox < 0 || boxed < fbox) ? (boxed, 6) : (fbox, 5);
    }

    private static List<string> AfterMarkers(string text, string marker)
    {
        var found = new List<string>();
        for (var at = text.IndexOf(marker, StringComparison.OrdinalIgnoreCase); at >= 0;
             at = text.IndexOf(marker, at + marker.Length, StringComparison.OrdinalIgnoreCase))
        {
            var rest = text[(at + marker.Length)..];
            var newline = rest.IndexOf('\n');
            if (newline >= 0) rest = rest[..newline];
            rest = rest.Trim().TrimEnd('.').Trim().Trim('$').Trim();
            if (rest.Length > 0) found.Add(rest);
        }
        return found;
    }
}
