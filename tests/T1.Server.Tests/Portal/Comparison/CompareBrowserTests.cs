using System.Text.Json;
using Microsoft.Playwright;
using T1.Server.Tests.Portal.Charts;

namespace T1.Server.Tests.Portal.Comparison;

/// <summary>The compare page in Chromium: parallel coordinates, param-against-metric scatter, a warning for mixed workflows, "best" only for declared directions, single values as numbers, one colour a run.</summary>
public sealed class CompareBrowserTests : PortalBrowserTest
{
    [Fact]
    public async Task Compare_ParallelCoordinates_Scatter_MixedWorkflowWarning_BestOnlyWhereDeclared()
    {
        var a = await MetricsRunFixture.StoreAsync(Server, "comparerun0a", "t1-metrics", """{"lr": 0.001, "seed": 1}""", scale: 1);
        var b = await MetricsRunFixture.StoreAsync(Server, "comparerun0b", "t1-other", """{"lr": 0.0003, "seed": 1}""", scale: 0.5);
        var page = await SignedInPageAsync();
        await page.GotoAsync($"{Server.Address}/compare?runs={a},{b}");
        await Browser.WaitInteractiveAsync(page);
        await WithFailureScreenshotAsync(page, "compare", async () =>
        {
            Assert.Equal("These runs come from different workflows (t1-metrics, t1-other): params, steps and metrics of the same name may not mean the same thing.",
                await page.InnerTextAsync("#mixed-workflows"));

            // "best" only where the step type declares a direction: sft's loss (lowest), not its lr. (The fixture's loss
            // is 2·e^(−i/150) + 0.05·sin i, a little below 0 at some late steps.)
            Assert.Matches(@"^sft · loss\tbest -?[0-9.]+ \(step [0-9]+\) · last -?[0-9.]+\tbest -?[0-9.]+ \(step [0-9]+\) · last -?[0-9.]+$",
                await page.InnerTextAsync("table.summary tr:has(th:text-is('sft · loss'))"));
            Assert.Matches(@"^sft · lr\tlast [0-9.e-]+\tlast [0-9.e-]+$", await page.InnerTextAsync("table.summary tr:has(th:text-is('sft · lr'))"));

            // Values logged once are numbers, in natural order, and never charts.
            Assert.Equal(["eval · accuracy@16", "eval · accuracy@32", "eval · accuracy@128"],
                await page.Locator("table.single-values tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.key)"));
            Assert.Equal("0.125", await page.InnerTextAsync($"table.single-values tr[data-key='eval · accuracy@32'] td[data-run='{b}']"));
            Assert.Equal(0, await page.Locator("figure.chart[data-key*='accuracy@']").CountAsync());

            // One colour a run on every chart of the page.
            var loss = page.Locator("figure.chart[data-key='sft · loss']");
            var reward = page.Locator("figure.chart[data-key='rl · reward']");
            await PlotlyPlot.WaitPlottedAsync(loss, 2);
            await PlotlyPlot.WaitPlottedAsync(reward, 2);
            var lossColors = (await PlotlyPlot.TracesAsync(loss)).ToDictionary(t => t.Name, t => t.Color);
            var rewardColors = (await PlotlyPlot.TracesAsync(reward)).ToDictionary(t => t.Name, t => t.Color);
            Assert.Equal(lossColors[a], rewardColors[a]);
            Assert.Equal(lossColors[b], rewardColors[b]);
            Assert.NotEqual(lossColors[a], lossColors[b]);

            // Parallel coordinates: the differing param and the metrics with a direction, one line a run in its colour.
            var parallel = page.Locator("figure.chart[data-key='parallel coordinates']");
            await PlotlyPlot.WaitPlottedAsync(parallel);
            var labels = JsonSerializer.Deserialize<string[]>(await parallel.Locator(".js-plotly-plot").EvaluateAsync<string>(
                "el => JSON.stringify(el.data[0].dimensions.map(d => d.label))"))!;
            Assert.Equal(["params.lr", "rl · reward", "sft · loss"], labels);
            await page.WaitForFunctionAsync("n => document.querySelectorAll(\"figure[data-key='parallel coordinates'] text.axis-title\").length === n", labels.Length);
            Assert.Equal("parcoords", await parallel.Locator(".js-plotly-plot").EvaluateAsync<string>("el => el.data[0].type"));
            await page.ClickAsync("#parallel-axes summary");
            await page.CheckAsync("#parallel-axes input[data-axis='params.seed']");
            await page.WaitForFunctionAsync("() => document.querySelector(\"figure[data-key='parallel coordinates'] .js-plotly-plot\").data[0].dimensions.length === 4");

            // Scatter: params.lr against sft's loss, one point a run in its colour.
            var scatter = page.Locator("figure.chart[data-key='param against metric']");
            await page.SelectOptionAsync("#scatter-x", "params.lr");
            await page.SelectOptionAsync("#scatter-y", "sft · loss");
            await page.WaitForFunctionAsync("() => document.querySelector(\"figure[data-key='param against metric'] .js-plotly-plot\")?._fullLayout?.yaxis?.title?.text === 'sft · loss'");
            var points = (await PlotlyPlot.TracesAsync(scatter)).ToDictionary(t => t.Name);
            Assert.Equal([0.001], points[a].X);
            Assert.Equal([0.0003], points[b].X);
            Assert.Equal(lossColors[a], await scatter.Locator(".js-plotly-plot").EvaluateAsync<string>("(el, id) => el.data.find(t => t.name === id).marker.color", a));
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Browser.ScreenshotPath("compare-parallel-scatter"), FullPage = true });
        });
    }
}
