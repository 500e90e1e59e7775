using System.Text.Json;
using Microsoft.Playwright;

namespace T1.Server.Tests.Portal;

/// <summary>One plotted trace of a plotly chart, as plotly.js holds it in the page (the chart's <c>data</c>).</summary>
public sealed record PlottedTrace(string Name, double[] X, double[] Y, string? Color, bool ShowLegend, double[]? ErrorPlus, double[]? ErrorMinus);

/// <summary>Reads what plotly.js drew in a <c>figure.chart</c> of the portal (the component is MetricChart).</summary>
public static class PlotlyPlot
{
    /// <summary>Waits until plotly has plotted the figure's chart (plotly.js loaded from the portal itself, traces drawn).</summary>
    public static async Task WaitPlottedAsync(ILocator figure, int minTraces = 1)
    {
        await figure.WaitForAsync();
        await figure.Locator(".js-plotly-plot").WaitForAsync(new LocatorWaitForOptions { Timeout = 60_000 });
        await figure.Page.WaitForFunctionAsync(
            "([el, n]) => el.querySelector('.js-plotly-plot')?.data?.length >= n && el.querySelector('.js-plotly-plot')._fullLayout !== undefined",
            new object[] { await figure.ElementHandleAsync(), minTraces }, new PageWaitForFunctionOptions { Timeout = 60_000 });
    }

    public static async Task<IReadOnlyList<PlottedTrace>> TracesAsync(ILocator figure)
    {
        var json = await figure.Locator(".js-plotly-plot").EvaluateAsync<string>("""
            el => JSON.stringify(el.data.map(t => ({
                name: t.name, x: t.x, y: t.y, color: t.line?.color ?? null, showLegend: t.showlegend !== false,
                errorPlus: t.error_y?.array ?? null, errorMinus: t.error_y?.arrayminus ?? null })))
            """);
        return JsonSerializer.Deserialize<List<PlottedTrace>>(json, new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;
    }

    /// <summary>A layout value by path, e.g. <c>yaxis.type</c>, from plotly's full (resolved) layout.</summary>
    public static Task<string?> LayoutAsync(ILocator figure, string path) =>
        figure.Locator(".js-plotly-plot").EvaluateAsync<string?>(
            "(el, path) => { const v = path.split('.').reduce((o, k) => o?.[k], el._fullLayout); return v === undefined || v === null ? null : JSON.stringify(v); }", path);

    /// <summary>The tick labels plotly drew on the x axis, left to right.</summary>
    public static Task<IReadOnlyList<string>> XTicksAsync(ILocator figure) => figure.Locator("g.xtick text").AllTextContentsAsync();
}
