using T1.Server.Portal.Designer;
using T1.Workflows.Authoring;

namespace T1.Server.Tests.Designer;

public sealed class CanvasViewTests
{
    [Fact]
    public void ZoomAt_KeepsThePointUnderThePointerInPlace()
    {
        var view = new CanvasView(1, 30, -10);
        var before = view.ToCanvas(400, 200);
        var zoomed = view.ZoomAt(2, 400, 200);
        Assert.Equal(2, zoomed.Scale);
        Assert.Equal(before, zoomed.ToCanvas(400, 200));
    }

    [Fact]
    public void ZoomAt_StaysWithinTheScaleLimits()
    {
        Assert.Equal(CanvasView.MaxScale, CanvasView.Identity.ZoomAt(100, 0, 0).Scale);
        Assert.Equal(CanvasView.MinScale, CanvasView.Identity.ZoomAt(0.001, 0, 0).Scale);
    }

    [Fact]
    public void Fit_ShowsAllContentCentred_AndNeverEnlarges()
    {
        // t1-tiny's layout: five columns of 240 from x = 20, nodes 170 wide, three rows of 110 — wider than a 970 px canvas.
        var content = new CanvasBounds(20, 20, 4 * 240 + 178, 2 * 110 + 50);
        var fit = CanvasView.Fit(content, 970, 600);
        Assert.True(fit.Scale < 1);
        Assert.True(fit.Shows(content, 970, 600));
        Assert.False(CanvasView.Identity.Shows(content, 970, 600));
        var centre = fit.ToCanvas(485, 300);
        Assert.Equal(content.X + content.Width / 2, centre.X, 6);
        Assert.Equal(content.Y + content.Height / 2, centre.Y, 6);

        var small = CanvasView.Fit(new CanvasBounds(20, 20, 178, 50), 970, 600);
        Assert.Equal(CanvasView.FitMaxScale, small.Scale);
    }

    [Fact]
    public void Pan_AndCenterOn_MoveTheViewInPixels()
    {
        var view = CanvasView.Identity.ZoomAt(2, 0, 0).Pan(50, -20);
        Assert.Equal(new CanvasPoint(-25, 10), view.ToCanvas(0, 0));
        var centred = view.CenterOn(new CanvasPoint(500, 300), 800, 600);
        Assert.Equal(new CanvasPoint(500, 300), centred.ToCanvas(400, 300));
    }

    [Fact]
    public void Around_IsTheSmallestBoxHoldingAll()
    {
        Assert.Equal(new CanvasBounds(-5, 0, 110, 60), CanvasBounds.Around([new(0, 0, 10, 10), new(-5, 50, 110, 10)]));
        Assert.Equal(default, CanvasBounds.Around([]));
    }
}
