using T1.Server.Portal.Charts;

namespace T1.Server.Tests.Portal.Charts;

public sealed class RunPaletteTests
{
    [Fact]
    public void ARun_KeepsItsColour_WhicheverChartAsksFirst()
    {
        var palette = new RunPalette(["run-a", "run-b"]);
        Assert.Equal(RunPalette.Colors[1], palette.Color("run-b"));
        Assert.Equal(RunPalette.Colors[0], palette.Color("run-a"));
        Assert.Equal(RunPalette.Colors[2], palette.Color("run-c"));
        Assert.Equal(RunPalette.Colors[1], palette.Color("run-b"));
    }
}
