using Plotly.Blazor;
using Plotly.Blazor.LayoutLib;
using Plotly.Blazor.Traces;
using Plotly.Blazor.Traces.ScatterLib;
using PlotLayout = Plotly.Blazor.Layout;

namespace T1.Server.Portal.Charts;

/// <summary>The plotly traces and layout of a <see cref="MetricChart"/>, apart from the component so they can be tested as data.</summary>
public static class MetricTraces
{
    /// <summary>
    /// One line a series (markers too when it has few points); with smoothing, the raw values stay as a faint line
    /// under the smoothed one, as W&amp;B and TensorBoard draw them. Intervals (a 95% CI) become error bars.
    /// </summary>
    public static IReadOnlyList<ITrace> Of(IReadOnlyList<ChartSeries> series, double smoothing)
    {
        var traces = new List<ITrace>();
        for (var i = 0; i < series.Count; i++)
        {
            var s = series[i];
            var color = s.Color ?? RunPalette.Colors[i % RunPalette.Colors.Count];
            var points = s.Points.Where(p => double.IsFinite(p.Y)).ToList();
            var xs = points.Select(p => (object)p.X).ToList();
            var ys = points.Select(p => p.Y).ToList();
            var mode = points.Count <= 40 ? ModeFlag.Lines | ModeFlag.Markers : ModeFlag.Lines;
            var smooth = smoothing > 0 && points.Count > 2;
            if (smooth)
                traces.Add(new Scatter
                {
                    Name = s.Name + " (raw)", X = xs, Y = ys.Cast<object>().ToList(), Mode = ModeFlag.Lines, Opacity = 0.25m,
                    ShowLegend = false, HoverInfo = HoverInfoFlag.Skip, Line = new Line { Color = color, Width = 1 },
                });
            var trace = new Scatter
            {
                Name = s.Name,
                X = xs,
                Y = (smooth ? Smoothing.Ema(ys, smoothing) : ys).Cast<object>().ToList(),
                Mode = mode,
                Line = new Line { Color = color, Width = 2, Dash = s.Dash ?? "solid" },
                Marker = new Marker { Color = color, Size = 5 },
            };
            if (points.Any(p => p.Low is not null && p.High is not null))
                trace.ErrorY = new ErrorY
                {
                    Type = Plotly.Blazor.Traces.ScatterLib.ErrorYLib.TypeEnum.Data,
                    Symmetric = false,
                    Array = points.Select(p => (object)(p.High is { } h ? h - p.Y : 0)).ToList(),
                    ArrayMinus = points.Select(p => (object)(p.Low is { } l ? p.Y - l : 0)).ToList(),
                    Color = color,
                    Thickness = 1.2m,
                    Width = 3,
                };
            traces.Add(trace);
        }
        return traces;
    }

    public static PlotLayout Layout(IReadOnlyList<ChartSeries> series, string xLabel, bool logX, bool logY, bool yPercent, (double Min, double Max)? yRange)
    {
        var xs = series.SelectMany(s => s.Points).Where(p => !logX || p.X > 0).Select(p => p.X).Distinct().Order().ToList();
        var xAxis = new XAxis { Title = new Plotly.Blazor.LayoutLib.XAxisLib.Title { Text = xLabel }, ZeroLine = false };
        if (logX)
        {
            xAxis.Type = Plotly.Blazor.LayoutLib.XAxisLib.TypeEnum.Log;
            if (xs.Count <= 12) xAxis.TickVals = xs.Cast<object>().ToList();
        }
        var yAxis = new YAxis { ZeroLine = false };
        if (logY) yAxis.Type = Plotly.Blazor.LayoutLib.YAxisLib.TypeEnum.Log;
        if (yPercent) yAxis.TickFormat = ".0%";
        if (yRange is { } r)
        {
            var ys = series.SelectMany(s => s.Points).Where(p => double.IsFinite(p.Y)).Select(p => p.Y).DefaultIfEmpty(r.Min).ToList();
            yAxis.Range = [Math.Min(r.Min, ys.Min()), Math.Max(r.Max, ys.Max())];
        }
        return new PlotLayout
        {
            Height = 280,
            Margin = new Margin { L = 56, R = 12, T = 12, B = 44 },
            XAxis = [xAxis],
            YAxis = [yAxis],
            ShowLegend = series.Count > 1,
            // Above the plot, left-aligned: below it, a legend of two rows or more ran into the x axis title. Plotly widens the top margin to fit it.
            Legend = [new Legend
            {
                Orientation = Plotly.Blazor.LayoutLib.LegendLib.OrientationEnum.H,
                X = 0, XAnchor = Plotly.Blazor.LayoutLib.LegendLib.XAnchorEnum.Left,
                Y = 1.02m, YAnchor = Plotly.Blazor.LayoutLib.LegendLib.YAnchorEnum.Bottom,
            }],
            HoverMode = HoverModeEnum.X,
        };
    }
}
