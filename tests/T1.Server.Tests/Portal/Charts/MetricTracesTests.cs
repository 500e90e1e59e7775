using Plotly.Blazor.Traces;
using T1.Server.Portal.Charts;

namespace T1.Server.Tests.Portal.Charts;

public sealed class MetricTracesTests
{
    private static readonly ChartSeries Loss = new("sft", [new(0, 3), new(1, 1), new(2, 2), new(3, 1)]) { Color = "#123456" };

    [Fact]
    public void Unsmoothed_OneTraceASeries_InItsColour()
    {
        var trace = Assert.IsType<Scatter>(Assert.Single(MetricTraces.Of([Loss], 0)));
        Assert.Equal([0.0, 1, 2, 3], trace.X.Cast<double>());
        Assert.Equal([3.0, 1, 2, 1], trace.Y.Cast<double>());
        Assert.Equal("#123456", trace.Line.Color);
        Assert.Null(trace.ErrorY);
    }

    [Fact]
    public void Smoothed_KeepsTheRawValuesAsAFaintLineWithoutLegend()
    {
        var traces = MetricTraces.Of([Loss], 0.5).Cast<Scatter>().ToList();
        Assert.Equal(2, traces.Count);
        Assert.Equal([3.0, 1, 2, 1], traces[0].Y.Cast<double>());
        Assert.False(traces[0].ShowLegend);
        Assert.Equal(Smoothing.Ema([3.0, 1, 2, 1], 0.5), traces[1].Y.Cast<double>());
        Assert.Equal("sft", traces[1].Name);
    }

    [Fact]
    public void Intervals_BecomeAsymmetricErrorBars()
    {
        var curve = new ChartSeries("eval", [new(16, 0.5, 0.4, 0.7), new(64, 0.6, 0.5, 0.65)]);
        var error = Assert.IsType<Scatter>(Assert.Single(MetricTraces.Of([curve], 0))).ErrorY;
        Assert.NotNull(error);
        Assert.Equal([0.2, 0.05], error.Array.Cast<double>().Select(v => Math.Round(v, 9)));
        Assert.Equal([0.1, 0.1], error.ArrayMinus.Cast<double>().Select(v => Math.Round(v, 9)));
    }
}
