using ScottPlot;

namespace T1.Ml.Evaluation;

/// <summary>
/// The PNG chart of accuracy against thinking budget (ScottPlot, rendered headless by SkiaSharp). Budgets sit
/// on a log₂ axis, labelled with their token counts; several reports (e.g. SFT and RL) share one chart.
/// </summary>
public static class BudgetChart
{
    public const int Width = 720;
    public const int Height = 440;

    /// <summary>Writes one report's curve to <paramref name="path"/>.</summary>
    public static void Write(string path, EvaluationReport report, string? title = null) =>
        Write(path, [(report.Label ?? "accuracy", report)], title);

    /// <summary>Writes one curve per (label, report) to <paramref name="path"/>.</summary>
    public static void Write(string path, IReadOnlyList<(string Label, EvaluationReport Report)> curves, string? title = null)
    {
        if (curves.Count == 0 || curves.All(c => c.Report.Budgets.Count == 0)) throw new ArgumentException("nothing to plot: no budgets", nameof(curves));
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        bool legend = curves.Count > 1 || !string.IsNullOrEmpty(curves[0].Report.Label); // one unnamed curve needs no legend
        for (int i = 0; i < curves.Count; i++)
        {
            var (label, report) = curves[i];
            var points = report.Budgets.OrderBy(b => b.Budget).ToArray();
            var xs = points.Select(b => Math.Log2(b.Budget)).ToArray();
            var ys = points.Select(b => b.Accuracy * 100).ToArray();
            var line = plot.Add.Scatter(xs, ys, palette.GetColor(i));
            line.LineWidth = 2;
            line.MarkerSize = 8;
            if (legend) line.LegendText = label;
        }
        var budgets = curves.SelectMany(c => c.Report.Budgets.Select(b => b.Budget)).Distinct().Order().ToArray();
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        foreach (var b in budgets) ticks.AddMajor(Math.Log2(b), b.ToString(System.Globalization.CultureInfo.InvariantCulture));
        plot.Axes.Bottom.TickGenerator = ticks;
        plot.Axes.Bottom.Label.Text = "thinking budget (tokens)";
        plot.Axes.Left.Label.Text = "accuracy (%)";
        double lo = Math.Log2(budgets[0]), hi = Math.Log2(budgets[^1]);
        double pad = Math.Max(0.25, (hi - lo) * 0.06);
        plot.Axes.SetLimits(lo - pad, hi + pad, 0, 100);
        plot.Title(title ?? Describe(curves[0].Report));
        if (legend) plot.ShowLegend(Alignment.LowerRight);
        else plot.HideLegend();
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        plot.SavePng(path, Width, Height);
    }

    private static string Describe(EvaluationReport r) =>
        $"Accuracy vs thinking budget — {(string.IsNullOrEmpty(r.Dataset) ? "held-out problems" : r.Dataset)} ({r.Problems} problems × {r.Samples})";
}
