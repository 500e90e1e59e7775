using System.Globalization;

namespace T1.Server.Portal.Comparison;

/// <summary>
/// A param or metric across the compared runs, in run order (null where a run has none): a numeric axis when every
/// run has a number, otherwise a categorical one (the texts in order of first appearance).
/// </summary>
public sealed record CompareAxis(string Name, IReadOnlyList<string?> Values)
{
    public bool IsMetric => !Name.StartsWith("params.", StringComparison.Ordinal);

    public bool IsNumeric => Values.All(v => v is not null && Number(v) is not null);

    public IReadOnlyList<double> Numbers => Values.Select(v => Number(v) ?? double.NaN).ToList();

    /// <summary>The categories of a categorical axis ("—" for a run without the value).</summary>
    public IReadOnlyList<string> Categories => Values.Select(v => v ?? "—").Distinct().ToList();

    /// <summary>Whether the runs differ on this axis (an axis where all agree explains nothing).</summary>
    public bool Differs => Values.Distinct().Count() > 1;

    public static double? Number(string? text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v : null;
}
