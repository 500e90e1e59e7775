namespace T1.Ml.Tasks;

/// <summary>
/// Finds the final answer in a model response: the content of the last <c>\boxed{…}</c> (or <c>\fbox{…}</c>,
/// balanced and possibly nested braces), else the text after the last "Final answer:" line, else the text
/// after a GSM8K-style <c>####</c> marker. Linear in the response length.
/// </summary>
public static class AnswerExtractor
{
    public static string? Extract(string? response)
    {
        if (string.IsNullOrEmpty(response)) return null;
        var boxed = LastBoxed(response);
        if (boxed is not null) return boxed.Trim();
        var line = AfterLastMarker(response, "final answer:");
        if (line is not null) return line;
        return AfterLastMarker(response, "####");
    }

    /// <summary>Content of the last <c>\boxed{…}</c> with balanced braces; null when none is complete.</summary>
    public static string? LastBoxed(string text)
    {
        var best = -1;
        foreach (var command in (ReadOnlySpan<string>)["\\boxed", "\\fbox"])
            best = Math.Max(best, text.LastIndexOf(command, StringComparison.Ordinal));
        for (var start = best; start >= 0; start = PreviousBox(text, start))
        {
            var open = start + (text.AsSpan(start).StartsWith("\\boxed") ? 6 : 5);
            while (open < text.Length && text[open] == ' ') open++;
            if (open >= text.Length) continue;
            if (text[open] != '{')
            {
                // "\boxed 5" form: the answer runs to the next space or '$'.
                var end = text.IndexOfAny([' ', '$', '\n'], open);
                var bare = end < 0 ? text[open..] : text[open..end];
                if (bare.Length > 0) return bare;
                continue;
            }
            var depth = 0;
            for (var i = open; i < text.Length; i++)
            {
                if (text[i] == '{') depth++;
                else if (text[i] == '}' && --depth == 0) return text[(open + 1)..i];
            }
        }
        return null;
    }

    private static int PreviousBox(string text, int before)
    {
        if (before == 0) return -1;
        var a = text.LastIndexOf("\\boxed", before - 1, StringComparison.Ordinal);
        var b = text.LastIndexOf("\\fbox", before - 1, StringComparison.Ordinal);
        return Math.Max(a, b);
    }

    private static string? AfterLastMarker(string text, string marker)
    {
        var at = text.LastIndexOf(marker, StringComparison.OrdinalIgnoreCase);
        if (at < 0) return null;
        var rest = text[(at + marker.Length)..];
        var newline = rest.IndexOf('\n');
        if (newline >= 0) rest = rest[..newline];
        rest = rest.Trim().TrimEnd('.').Trim().Trim('$').Trim();
        return rest.Length == 0 ? null : rest;
    }
}
