using T1.Server.Portal.Charts;

namespace T1.Server.Tests.Portal.Charts;

/// <summary>Axis labels stay short enough for the chart's left margin, whatever the metric's scale.</summary>
public sealed class LineChartLabelTests
{
    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(0.5, "0.5")]
    [InlineData(0.0123, "0.0123")]
    [InlineData(2.557e-7, "2.6e-7")]
    [InlineData(-0.0004989, "-5e-4")]
    [InlineData(123.456, "123")]
    [InlineData(1234.5, "1235")]
    [InlineData(27_400.0, "27.4k")]
    [InlineData(1_234_567.0, "1.23M")]
    public void Num_IsCompact(double value, string label)
    {
        Assert.Equal(label, LineChart.Num(value));
        Assert.True(label.Length <= 6, label);
    }
}
