namespace T1.Workflows.Authoring;

/// <summary>How one line of a diff relates the two texts.</summary>
public enum DiffKind
{
    Same,
    Removed,
    Added,
}

/// <summary>One line of a diff.</summary>
public sealed record DiffLine(DiffKind Kind, string Text, int? OldLine, int? NewLine);

/// <summary>
/// Line diff of two versions of a workflow (longest common subsequence; workflows are small, so
/// the O(n·m) table is fine up to a few thousand lines, and larger inputs fall back to prefix/suffix).
/// </summary>
public static class LineDiff
{
    private const long MaxCells = 16_000_000;

    public static IReadOnlyList<DiffLine> Compare(string oldText, string newText)
    {
        var a = Lines(oldText);
        var b = Lines(newText);
        var prefix = 0;
        while (prefix < a.Length && prefix < b.Length && a[prefix] == b[prefix]) prefix++;
        var suffix = 0;
        while (suffix < a.Length - prefix && suffix < b.Length - prefix && a[^(suffix + 1)] == b[^(suffix + 1)]) suffix++;
        var result = new List<DiffLine>();
        for (var i = 0; i < prefix; i++) result.Add(new DiffLine(DiffKind.Same, a[i], i + 1, i + 1));
        Middle(a, b, prefix, a.Length - suffix, prefix, b.Length - suffix, result);
        for (var k = suffix; k > 0; k--)
            result.Add(new DiffLine(DiffKind.Same, a[^k], a.Length - k + 1, b.Length - k + 1));
        return result;
    }

    private static void Middle(string[] a, string[] b, int a0, int a1, int b0, int b1, List<DiffLine> result)
    {
        int n = a1 - a0, m = b1 - b0;
        if ((long)n * m > MaxCells)
        {
            for (var i = a0; i < a1; i++) result.Add(new DiffLine(DiffKind.Removed, a[i], i + 1, null));
            for (var j = b0; j < b1; j++) result.Add(new DiffLine(DiffKind.Added, b[j], null, j + 1));
            return;
        }
        var lcs = new int[n + 1, m + 1];
        for (var i = n - 1; i >= 0; i--)
            for (var j = m - 1; j >= 0; j--)
                lcs[i, j] = a[a0 + i] == b[b0 + j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
        int x = 0, y = 0;
        while (x < n || y < m)
        {
            if (x < n && y < m && a[a0 + x] == b[b0 + y])
            {
                result.Add(new DiffLine(DiffKind.Same, a[a0 + x], a0 + x + 1, b0 + y + 1));
                x++;
                y++;
            }
            else if (x < n && (y == m || lcs[x + 1, y] >= lcs[x, y + 1]))
            {
                result.Add(new DiffLine(DiffKind.Removed, a[a0 + x], a0 + x + 1, null));
                x++;
            }
            else
            {
                result.Add(new DiffLine(DiffKind.Added, b[b0 + y], null, b0 + y + 1));
                y++;
            }
        }
    }

    private static string[] Lines(string text)
    {
        var normal = text.Replace("\r\n", "\n", StringComparison.Ordinal);
        if (normal.EndsWith('\n')) normal = normal[..^1];
        return normal.Length == 0 ? [] : normal.Split('\n');
    }
}
