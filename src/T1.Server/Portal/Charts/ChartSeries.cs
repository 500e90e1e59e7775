namespace T1.Server.Portal.Charts;

/// <summary>One line of a <see cref="MetricChart"/>: a name for the legend, its points in x order, and its colour (null: the chart picks one).</summary>
public sealed record ChartSeries(string Name, IReadOnlyList<ChartPoint> Points)
{
    public string? Color { get; init; }

    /// <summary>plotly's line dash ("solid", "dash", "dot", …): tells apart lines of one colour (a run's evaluate steps).</summary>
    public string? Dash { get; init; }

    public static readonly IReadOnlyList<string> Dashes = ["solid", "dash", "dot", "dashdot"];
}

/// <summary>A point of a chart series; <see cref="Low"/> and <see cref="High"/> bound an interval around <see cref="Y"/> when it has one (a 95% CI).</summary>
public readonly record struct ChartPoint(double X, double Y, double? Low = null, double? High = null);

/// <summary>A node of a <see cref="DagView"/>: a step, the steps it needs, and its status.</summary>
public sealed record DagNode(string Id, string Type, IReadOnlyList<string> Needs, string Status);
