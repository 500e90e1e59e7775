namespace T1.Workflows.Definitions;

/// <summary>"Did you mean" hints by edit distance.</summary>
public static class Suggestions
{
    /// <summary>The candidate closest to <paramref name="name"/>, if it is close enough to be a likely typo.</summary>
    public static string? Closest(string name, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var c in candidates)
        {
            var d = Distance(name.ToLowerInvariant(), c.ToLowerInvariant());
            if (d < bestDistance) (best, bestDistance) = (c, d);
        }
        // About one edit per three characters, at least one, and never a rewrite of the whole name
        // ("sfft" → "sft", "nedds" → "needs", but nothing for "x").
        var allowed = Math.Max(1, Math.Max(name.Length, best?.Length ?? 0) / 3);
        return best is not null && bestDistance <= allowed && bestDistance < name.Length ? best : null;
    }

    /// <summary>"; did you mean 'x'?" or "" when nothing is close.</summary>
    public static string DidYouMean(string name, IEnumerable<string> candidates) =>
        Closest(name, candidates) is { } s ? $"; did you mean '{s}'?" : "";

    /// <summary>Optimal string alignment distance (Levenshtein plus adjacent transpositions).</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        for (var j = 1; j <= b.Length; j++)
        {
            var cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
        }
        return d[a.Length, b.Length];
    }
}
