using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using T1.Server.Tests.Portal;

namespace T1.Server.Tests.Designer;

/// <summary>
/// The designer at scale in Chromium, on workflows/t1-tiny.yaml (nine steps, five columns — wider than the canvas on a
/// 1600 px screen): it opens fitted, zooms with the wheel and buttons, pans, fits again, and the minimap moves the view.
/// </summary>
public sealed class DesignerNavigationBrowserTests : DesignerBrowserTest
{
    /// <summary>True when every step box lies inside the canvas (in the browser's pixels).</summary>
    private const string AllInside = """
        () => {
            const canvas = document.querySelector('#designer-canvas').getBoundingClientRect();
            const boxes = [...document.querySelectorAll('#designer-canvas g.node rect')].map(r => r.getBoundingClientRect());
            return boxes.length === 9 && boxes.every(b => b.left >= canvas.left && b.right <= canvas.right && b.top >= canvas.top && b.bottom <= canvas.bottom);
        }
        """;

    private static double Scale(string? text) => double.Parse(text!, CultureInfo.InvariantCulture);

    private static async Task<(double X, double Y)> TranslationAsync(IPage page)
    {
        var transform = (await page.GetAttributeAsync("#designer-canvas g.viewport", "transform"))!;
        var m = Regex.Match(transform, @"translate\((-?[\d.]+) (-?[\d.]+)\)");
        return (double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task T1Tiny_OpensFitted_LastStepReachable_WheelZoom_Pan_Fit_Minimap()
    {
        await Server.RegisterAsync("workflows/t1-tiny.yaml");
        var page = await NewPageAsync(1600, 1000);
        try
        {
            await GotoDesignerAsync(page, "t1-tiny");
            await page.WaitForSelectorAsync("g.node[data-step='promote-rl']");

            // Opened fitted: every step is on the screen, the last ones too, smaller than life.
            await page.WaitForFunctionAsync(AllInside);
            Assert.True(Scale(await page.GetAttributeAsync("#designer-canvas", "data-scale")) < 1);
            await ShotAsync(page, "designer-10-t1-tiny-fitted", fullPage: false);
            await page.ClickAsync("g.node[data-step='promote-rl'] rect");
            await page.WaitForSelectorAsync("section.step-form[data-step='promote-rl']");

            // Pan: dragging the empty background moves the view by the pointer's movement (above the steps is empty).
            var canvas = (await page.Locator("#designer-canvas").BoundingBoxAsync())!;
            var before = await TranslationAsync(page);
            await page.Mouse.MoveAsync(canvas.X + 20, canvas.Y + 20);
            await page.Mouse.DownAsync();
            await page.Mouse.MoveAsync(canvas.X + 120, canvas.Y + 70, new MouseMoveOptions { Steps = 5 });
            await page.Mouse.UpAsync();
            await page.WaitForFunctionAsync("""
                ([x, y]) => {
                    const m = /translate\((-?[\d.]+) (-?[\d.]+)\)/.exec(document.querySelector('#designer-canvas g.viewport').getAttribute('transform'));
                    return Math.abs(m[1] - x - 100) < 2 && Math.abs(m[2] - y - 50) < 2;
                }
                """, new[] { before.X, before.Y });
            // Panning the background does not drop the selection.
            Assert.Equal(1, await page.Locator("section.step-form[data-step='promote-rl']").CountAsync());

            // Fit brings every step back.
            await page.ClickAsync("#fit");
            await page.WaitForFunctionAsync(AllInside);

            // The wheel zooms about the pointer (and leaves the page where it is): now the right-hand steps are off the canvas.
            var fitted = Scale(await page.GetAttributeAsync("#designer-canvas", "data-scale"));
            var scrollBefore = await page.EvaluateAsync<double>("() => window.scrollY");
            await page.Mouse.MoveAsync(canvas.X + 60, canvas.Y + canvas.Height / 2);
            for (var i = 0; i < 4; i++)
            {
                var current = await page.GetAttributeAsync("#designer-canvas", "data-scale");
                await page.Mouse.WheelAsync(0, -120);
                await page.WaitForFunctionAsync("s => document.querySelector('#designer-canvas').dataset.scale !== s", current);
            }
            Assert.True(Scale(await page.GetAttributeAsync("#designer-canvas", "data-scale")) > fitted * 1.5);
            Assert.Equal(scrollBefore, await page.EvaluateAsync<double>("() => window.scrollY"));
            Assert.False(await page.EvaluateAsync<bool>($"({AllInside})()"));
            await page.WaitForSelectorAsync("#minimap rect.mini-node[data-step='promote-rl']");
            await ShotAsync(page, "designer-11-zoomed-minimap", fullPage: false);

            // A click on the minimap centres the view there: on promote-rl's box, it comes into view.
            var mini = (await page.Locator("#minimap rect.mini-node[data-step='promote-rl']").BoundingBoxAsync())!;
            await page.Mouse.ClickAsync(mini.X + mini.Width / 2, mini.Y + mini.Height / 2);
            await page.WaitForFunctionAsync("""
                () => {
                    const canvas = document.querySelector('#designer-canvas').getBoundingClientRect();
                    const b = document.querySelector("#designer-canvas g.node[data-step='promote-rl'] rect").getBoundingClientRect();
                    return b.left >= canvas.left && b.right <= canvas.right && b.top >= canvas.top && b.bottom <= canvas.bottom;
                }
                """);

            // The buttons zoom about the centre.
            var zoomed = await page.GetAttributeAsync("#designer-canvas", "data-scale");
            await page.ClickAsync("#zoom-out");
            await page.WaitForFunctionAsync("s => document.querySelector('#designer-canvas').dataset.scale !== s", zoomed);
            Assert.True(Scale(await page.GetAttributeAsync("#designer-canvas", "data-scale")) < Scale(zoomed));
        }
        catch
        {
            await FailureShotAsync(page, "designer-navigation");
            throw;
        }
    }
}
