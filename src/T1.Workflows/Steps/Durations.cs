using System.Globalization;
using System.Text.RegularExpressions;

namespace T1.Workflows.Steps;

/// <summary>Durations as written in workflows: <c>500ms</c>, <c>30s</c>, <c>5m</c>, <c>1h30m</c>, <c>2d</c>, or plain seconds.</summary>
public static partial class Durations
{
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        text = text.Trim();
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var secs))
        {
            if (secs < 0 || secs > TimeSpan.MaxValue.TotalSeconds / 2) return false;
            value = TimeSpan.FromSeconds(secs);
            return true;
        }
        var m = Pattern().Match(text);
        if (!m.Success) return false;
        double total = 0;
        foreach (Capture c in m.Groups["part"].Captures)
        {
            var pm = Part().Match(c.Value);
            var n = double.Parse(pm.Groups[1].Value, CultureInfo.InvariantCulture);
            total += pm.Groups[2].Value switch
            {
                "ms" => n / 1000, "s" => n, "m" => n * 60, "h" => n * 3600, "d" => n * 86400, _ => double.NaN,
            };
        }
        if (double.IsNaN(total) || total > TimeSpan.MaxValue.TotalSeconds / 2) return false;
        value = TimeSpan.FromSeconds(total);
        return true;
    }

    public static TimeSpan Parse(string text) => TryParse(text, out var v) ? v
        : throw new FormatException($"'{text}' is not a duration; write e.g. 500ms, 30s, 5m, 1h30m or 2d");

    public static string Format(TimeSpan t) =>
        t.TotalSeconds < 1 ? $"{t.TotalMilliseconds:0}ms"
        : t.TotalMinutes < 1 ? $"{t.TotalSeconds:0.#}s"
        : t.TotalHours < 1 ? $"{(int)t.TotalMinutes}m{t.Seconds:00}s"
        : $"{(int)t.TotalHours}h{t.Minutes:00}m";

    [GeneratedRegex(@"^(?<part>\d+(\.\d+)?(ms|s|m|h|d))+$")]
    private static partial Regex Pattern();

    [GeneratedRegex(@"^(\d+(?:\.\d+)?)(ms|s|m|h|d)$")]
    private static partial Regex Part();
}
