namespace T1.Server.Portal.Charts;

/// <summary>
/// One colour per run (or step) for a whole page: the first key seen gets the first colour, and the same key gets the
/// same colour on every chart, table and legend of the page.
/// </summary>
public sealed class RunPalette
{
    /// <summary>Tableau's 10 colours: distinct for most readers, including the common colour blindnesses.</summary>
    public static readonly IReadOnlyList<string> Colors =
        ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];

    private readonly Dictionary<string, string> _assigned = [];

    public RunPalette(IEnumerable<string> keys)
    {
        foreach (var key in keys) Color(key);
    }

    /// <summary>The key's colour, assigning the next one the first time a key is asked for.</summary>
    public string Color(string key)
    {
        if (!_assigned.TryGetValue(key, out var color))
            _assigned[key] = color = Colors[_assigned.Count % Colors.Count];
        return color;
    }
}
