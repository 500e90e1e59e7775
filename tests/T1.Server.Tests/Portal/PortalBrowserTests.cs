using Microsoft.Playwright;
using T1.Server.Auth;

namespace T1.Server.Tests.Portal;

/// <summary>The portal in a real browser against the real app: sign in, start a run, watch it, compare, charts.</summary>
public sealed class PortalBrowserTests : PortalBrowserTest
{
    private async Task<IPage> SignedInFromHomeAsync()
    {
        var page = await NewPageAsync();
        await page.GotoAsync(Server.Address + "/");
        Assert.Contains("/login", page.Url);
        await ShotAsync(page, "01-login");
        await SignInAsync(page);
        Assert.Contains("admin", await page.InnerTextAsync("#who"));
        return page;
    }

    [Fact]
    public async Task SignIn_StartHello_RunTurnsGreen_CompareTwoRuns_ChartsRender()
    {
        await Server.RegisterAsync("workflows/hello.yaml");
        await Server.RegisterYamlAsync("nightly-hello.yaml", "name: nightly-hello\nschedule: \"30 3 * * 1-5\"\nsteps:\n  - id: greet\n    uses: echo\n    with: { message: hi }\n");
        // Another pause, so that nap-short runs (and logs its tick metric) in both runs instead of hitting the cache.
        var earlier = await Server.StartRunAsync(await File.ReadAllTextAsync(Path.Combine(TestEnvironment.RepoRoot, "workflows/hello.yaml")),
            new Dictionary<string, string> { ["pause"] = "300ms" });
        var page = await SignedInFromHomeAsync();
        try
        {
            await WalkThroughAsync(page, earlier);
        }
        catch
        {
            await FailureShotAsync(page, "portal");
            throw;
        }
    }

    private async Task WalkThroughAsync(IPage page, string earlier)
    {
        // Runs: the API-started run is listed; start another from the portal.
        await page.WaitForSelectorAsync($"a.run-link:has-text('{earlier}')");
        await ShotAsync(page, "02-runs");
        await page.SelectOptionAsync("#start-definition", new SelectOptionValue { Label = "hello v1" });
        await page.ClickAsync("#start-run");
        // Blazor navigates inside the document (no load event): wait for the URL to commit, then for the run page.
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/runs/[0-9a-z]+$"), new PageWaitForURLOptions { WaitUntil = WaitUntilState.Commit });
        await page.WaitForSelectorAsync("#run-status");
        var started = page.Url[(page.Url.LastIndexOf('/') + 1)..];
        Assert.NotEqual(earlier, started);

        // Run detail: live status without reload until it is green; the sleep steps' tick metric is charted.
        await Browser.WaitInteractiveAsync(page);
        await page.WaitForSelectorAsync("#run-status.Succeeded", new PageWaitForSelectorOptions { Timeout = 60_000 });
        Assert.Equal(5, await page.Locator("svg.dag g.node[data-status='Succeeded']").CountAsync());
        // One arrow per `needs` edge, pointing at the step that needs the other.
        Assert.Equal(6, await page.Locator("svg.dag g.edge polygon.arrow").CountAsync());
        Assert.Equal(3, await page.Locator("svg.dag g.edge[data-to='summary']").CountAsync());
        var tick = page.Locator("figure.chart[data-key='nap-short · tick']");
        await PlotlyPlot.WaitPlottedAsync(tick);
        Assert.NotEmpty((await PlotlyPlot.TracesAsync(tick))[0].X);
        Assert.True(await page.Locator("table.artifacts td.mono").CountAsync() >= 1);
        // State history: the run's own transitions end in one Succeeded; each of the 5 steps reached Succeeded once,
        // and every step that was not a cache hit went through Running once (a hit goes straight to Succeeded).
        await page.WaitForSelectorAsync("#run-history tr[data-step=''][data-to='Succeeded']", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });
        Assert.Equal(1, await page.Locator("#run-history tr[data-step=''][data-to='Succeeded']").CountAsync());
        Assert.Equal(5, await page.Locator("#run-history tr:not([data-step=''])[data-to='Succeeded']").CountAsync());
        int hits = await page.Locator("table.steps tbody tr:has(td:has-text('hit (run '))").CountAsync();
        Assert.Equal(5 - hits, await page.Locator("#run-history tr:not([data-step=''])[data-to='Running']").CountAsync());
        Assert.Equal(1, await page.Locator("#run-history tr[data-step='nap-short'][data-to='Running']").CountAsync());
        await page.ClickAsync("#run-history summary");
        Assert.Contains("Running", await page.InnerTextAsync("#run-history tr[data-step='nap-short'][data-to='Succeeded']"));
        await page.ClickAsync("tr[data-step='nap-short'] button.step-link");
        await page.WaitForSelectorAsync("#step-logs");
        Assert.Contains("nap-short", await page.InnerTextAsync("h2:has-text('Logs of')"));
        await ShotAsync(page, "03-run");

        // Compare the two runs: the param that differs is highlighted; charts overlay one line per run.
        await page.GotoAsync($"{Server.Address}/compare?runs={earlier},{started}");
        await Browser.WaitInteractiveAsync(page);
        await page.WaitForSelectorAsync("tr.differs th:text-is('params.pause')");
        Assert.Equal(0, await page.Locator("tr th:text-is('params.who')").CountAsync()); // equal values are hidden by default
        var chart = page.Locator("figure.chart[data-key='nap-short · tick']");
        await PlotlyPlot.WaitPlottedAsync(chart, 2);
        var lines = await PlotlyPlot.TracesAsync(chart);
        Assert.Equal(2, lines.Count);
        Assert.All(lines, line => Assert.NotEmpty(line.X));
        // sleep declares no direction for its tick metric: the last value only, no "best".
        Assert.Matches(@"^nap-short · tick\tlast [0-9.]+\tlast [0-9.]+$", await page.InnerTextAsync("table.summary tr:has(th:text-is('nap-short · tick'))"));
        // with: as the steps received it, expressions resolved; the same workflow, so no warning.
        Assert.Equal(["300ms", "500ms"], await page.Locator("table.params tr[data-key='steps.nap-short.with.duration'] td").AllInnerTextsAsync());
        Assert.DoesNotContain("${{", await page.InnerTextAsync("table.params"));
        Assert.Equal(0, await page.Locator("#mixed-workflows").CountAsync());
        await ShotAsync(page, "04-compare");

        // Schedules (cron in words) and the Hangfire dashboard behind the same login.
        await page.GotoAsync(Server.Address + "/schedules");
        await Browser.WaitInteractiveAsync(page);
        Assert.Contains("at 03:30 on weekdays", await page.InnerTextAsync("tr[data-workflow='nightly-hello'] td.cron-words"));
        await ShotAsync(page, "05-schedules");
        var dashboard = await page.GotoAsync(Server.Address + "/hangfire");
        Assert.Equal(200, dashboard!.Status);
        await ShotAsync(page, "06-hangfire");
    }

    [Fact]
    public async Task RunPage_UpdatesLiveWithoutReload_FromRunningToSucceeded()
    {
        // Signed in first and a nap long enough that the page sees the run going even on a loaded machine.
        var page = await SignedInFromHomeAsync();
        var run = await Server.StartRunAsync("name: slow\nsteps:\n  - id: nap\n    uses: sleep\n    with: { duration: 8s, tick: 200ms }\n  - id: after\n    uses: echo\n    needs: [nap]\n    with: { message: done }\n");
        await page.GotoAsync($"{Server.Address}/runs/{run}");
        await Browser.WaitInteractiveAsync(page);
        await page.WaitForSelectorAsync("#run-status.Running");
        await page.EvaluateAsync("() => window.t1NoReload = true");
        await page.WaitForSelectorAsync("#run-status.Succeeded", new PageWaitForSelectorOptions { Timeout = 60_000 });
        Assert.True(await page.EvaluateAsync<bool>("() => window.t1NoReload === true"), "the page reloaded instead of updating in place");
        Assert.Equal(2, await page.Locator("svg.dag g.node[data-status='Succeeded']").CountAsync());
    }

    [Fact]
    public async Task Traces_ShowTwoReportsSideBySide_PerProblem_WithVerdictAndBudgetCut()
    {
        var sft = await TraceReportFixture.StoreAsync(Server, "sft", correct: false);
        var rl = await TraceReportFixture.StoreAsync(Server, "rl", correct: true);
        var page = await SignedInFromHomeAsync();
        await page.GotoAsync($"{Server.Address}/traces?a={sft}&b={rl}");
        await Browser.WaitInteractiveAsync(page);
        var row = page.Locator("tr[data-problem='p1']");
        await row.WaitForAsync();
        var cells = row.Locator("td");
        Assert.Contains("wrong", await cells.Nth(1).InnerTextAsync());
        Assert.Contains("cut at budget 128", await cells.Nth(1).InnerTextAsync()); // the largest budget is shown first
        Assert.Contains("correct", await cells.Nth(2).InnerTextAsync());
        Assert.Contains("<think>", await cells.Nth(2).InnerTextAsync());
        await ShotAsync(page, "07-traces");
    }

    [Fact]
    public async Task RunWithEvaluateSteps_ShowsBudgetCurves_Decision_AndCompareOverlaysThem()
    {
        var first = await EvaluationRunFixture.StoreAsync(Server, "evalfixture01", gain: 0);
        var second = await EvaluationRunFixture.StoreAsync(Server, "evalfixture02", gain: 0.2);
        var page = await SignedInFromHomeAsync();
        await page.GotoAsync($"{Server.Address}/runs/{second}");
        await Browser.WaitInteractiveAsync(page);

        // Run detail: one budget chart per evaluate step, its figures per budget, a link to its traces, the decision.
        var rl = page.Locator("section.evaluation[data-step='eval-rl']");
        var rlChart = rl.Locator("figure.chart");
        await PlotlyPlot.WaitPlottedAsync(rlChart);
        Assert.Equal(2, await page.Locator("section.evaluation figure.chart").CountAsync());
        Assert.Equal(EvaluationRunFixture.Budgets.Length, (await PlotlyPlot.TracesAsync(rlChart)).Single().X.Length);
        Assert.Equal(["16", "64", "256"], await PlotlyPlot.XTicksAsync(rlChart));
        var row = await rl.Locator("tr[data-budget='64'] td").AllInnerTextsAsync();
        Assert.Equal(["64", "70.0%", "—", "—", "45 tokens", "35.0%", "90.0%"], row); // accuracy 0.4+0.2+0.1, no greedy/sampled blocks in this report, thinking 64·0.7, cut 0.5−0.15
        Assert.Contains("best 80.0% at budget 256", await rl.InnerTextAsync());
        var decision = await page.InnerTextAsync("ul.promotions li[data-step='promote']");
        Assert.StartsWith("promoted", decision);
        Assert.Contains("tiny-reasoner", decision);
        Assert.Contains("v2 · champion now v2 — better at budget 256: 0.6 > 0.4", decision);
        await ShotAsync(page, "08-run-evaluation");

        await rl.Locator("a.traces-link").ClickAsync();
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/traces\\?b="), new PageWaitForURLOptions { WaitUntil = WaitUntilState.Commit });
        await page.Locator("tr[data-problem='p1']").WaitForAsync();
        Assert.Contains("evalfixture02 · eval-rl", await page.InnerTextAsync("table.traces thead"));

        // Compare: one line per run × evaluate step on one chart, and the accuracies side by side.
        await page.GotoAsync($"{Server.Address}/compare?runs={first},{second}");
        await Browser.WaitInteractiveAsync(page);
        var chart = page.Locator("figure.chart[data-key='accuracy by budget']");
        await PlotlyPlot.WaitPlottedAsync(chart, 4);
        var curves = await PlotlyPlot.TracesAsync(chart);
        Assert.Equal(4, curves.Count);
        Assert.All(curves, line => Assert.NotEmpty(line.X));
        Assert.Contains("evalfixture01 · eval-sft", await chart.Locator("g.legend").TextContentAsync());
        // The legend (two rows here) keeps clear of the x axis title and of the plot area.
        var legend = await chart.Locator("g.legend").BoundingBoxAsync();
        foreach (var other in new[] { "text.xtitle", "rect.nsewdrag" })
        {
            var box = await chart.Locator(other).BoundingBoxAsync();
            Assert.False(legend!.Y < box!.Y + box.Height && box.Y < legend.Y + legend.Height && legend.X < box.X + box.Width && box.X < legend.X + legend.Width,
                $"the legend ({legend.X}, {legend.Y}, {legend.Width} × {legend.Height}) overlaps {other} ({box.X}, {box.Y}, {box.Width} × {box.Height})");
        }
        Assert.Contains("80.0% at 256", await page.InnerTextAsync($"table.budget-summary tr[data-run='{second}'][data-step='eval-rl']"));
        // The overlaid curves carry their reports' 95 % intervals as error bars (sft's reports have them, rl's do not), and the table says them.
        foreach (var line in curves)
        {
            if (line.Name.EndsWith("eval-sft", StringComparison.Ordinal))
            {
                Assert.Equal(EvaluationRunFixture.Budgets.Length, line.ErrorPlus!.Length);
                Assert.All(line.ErrorPlus, e => Assert.Equal(0.15, e, 1e-9));
                Assert.All(line.ErrorMinus!, e => Assert.Equal(0.1, e, 1e-9));
            }
            else Assert.Null(line.ErrorPlus);
        }
        Assert.Contains("20.0% [10.0%, 35.0%]", await page.InnerTextAsync($"table.budget-summary tr[data-run='{first}'][data-step='eval-sft']"));
        await ShotAsync(page, "09-compare-budgets");
    }

    [Fact]
    public async Task Viewer_SeesRuns_ButNoStartButton_AndCannotOpenTheDashboard()
    {
        await Server.Get<AccountStore>().CreateUserAsync("vera", "viewer-password", Roles.Viewer);
        var page = await Chromium.Instance.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        await page.GotoAsync(Server.Address + "/login");
        await SignInAsync(page, "vera", "viewer-password");
        Assert.Equal(0, await page.Locator("#start-run").CountAsync());
        Assert.Equal(0, await page.Locator("#hangfire-link").CountAsync());
        var dashboard = await page.GotoAsync(Server.Address + "/hangfire");
        Assert.Equal(403, dashboard!.Status);
    }
}
