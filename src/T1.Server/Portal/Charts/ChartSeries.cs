namespace T1.Server.Portal.Charts;

/// <summary>One line of a <see cref="LineChart"/>: a name for the legend and its points in x order.</summary>
public sealed record ChartSeries(string Name, IReadOnlyList<ChartPoint> Points);

/// <summary>A point of a chart series.</summary>
public readonly record struct ChartPoint(double X, double Y);

/// <summary>A node of a <see cref="DagView"/>: a step, the steps it needs, and its status.</summary>
public sealed record DagNode(string Id, string Type, IReadOnlyList<string> Needs, string Status);
