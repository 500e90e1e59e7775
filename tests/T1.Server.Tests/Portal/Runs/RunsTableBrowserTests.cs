using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using T1.Server.Auth;
using T1.Storage.Database;

namespace T1.Server.Tests.Portal.Runs;

/// <summary>The runs table in Chromium: search language, picked param and metric columns (remembered), sorting, live refresh, run with params, tags.</summary>
public sealed class RunsTableBrowserTests : PortalBrowserTest
{
    [Fact]
    public async Task RunsTable_Searches_PicksAndSortsColumns_RefreshesLive_AndStartsARunWithParams()
    {
        await Server.RegisterAsync("workflows/hello.yaml");
        var hello = await File.ReadAllTextAsync(Path.Combine(TestEnvironment.RepoRoot, "workflows/hello.yaml"));
        var ann = await Server.StartRunAsync(hello, new() { ["who"] = "ann", ["pause"] = "100ms" });
        var bob = await Server.StartRunAsync(hello, new() { ["who"] = "bob", ["pause"] = "100ms" });
        using var api = Server.Client(await Server.KeyAsync(Roles.Operator));
        await WaitSucceededAsync(api, ann);
        await WaitSucceededAsync(api, bob);
        Assert.Equal(HttpStatusCode.NoContent, (await api.PutAsJsonAsync($"/api/runs/{ann}/tags/team", new { value = "ml" })).StatusCode);
        // Metrics as a step records them: ann's accuracy@16 rose to 0.75 (the last value is the run's), bob's is 0.5.
        await RecordMetricAsync(ann, "accuracy@16", 0.25, 0.75);
        await RecordMetricAsync(bob, "accuracy@16", 0.5);
        // Two finished runs of known durations (no params, metrics or tags, so no search or column below matches them): 2 h and 0 s.
        await using (var db = Server.Get<DatabaseFactory>().Create())
        {
            var now = DateTime.UtcNow;
            foreach (var (id, created, finished) in new[] { ("longrun01", now.AddHours(-3), now.AddHours(-1)), ("instant01", now.AddHours(-2), now.AddHours(-2)) })
                db.Runs.Add(new RunRecord { Id = id, WorkflowName = "hello", DefinitionVersion = 1, Status = RunStatus.Succeeded, Trigger = RunTrigger.Api, ParamsJson = "{}", CreatedAt = created, FinishedAt = finished });
            await db.SaveChangesAsync();
        }

        var page = await SignedInPageAsync();
        try
        {
            await WalkThroughAsync(page, hello, ann, bob);
        }
        catch
        {
            await FailureShotAsync(page, "runs");
            throw;
        }
    }

    private async Task WalkThroughAsync(IPage page, string hello, string ann, string bob)
    {
        await page.WaitForSelectorAsync($"a.run-link:has-text('{ann}')");
        await page.WaitForSelectorAsync($"a.run-link:has-text('{bob}')");

        // Search: only bob's run is left, and the query is in the address (a link to share).
        await SearchAsync(page, "params.who = bob and status = succeeded");
        await page.WaitForSelectorAsync($"a.run-link:has-text('{ann}')", new PageWaitForSelectorOptions { State = WaitForSelectorState.Detached });
        Assert.Equal(1, await page.Locator("table.runs tbody tr").CountAsync());
        Assert.Contains("q=params.who", Uri.UnescapeDataString(page.Url).Replace('+', ' ').Replace(" ", ""));
        Assert.Equal("1–1 of 1 runs", await page.InnerTextAsync("#runs-count"));
        await ShotAsync(page, "runs-search");

        await SearchAsync(page, "tags.team = ml");
        await page.WaitForSelectorAsync($"a.run-link:has-text('{ann}')");
        Assert.Equal(1, await page.Locator("table.runs tbody tr").CountAsync());
        Assert.Equal("team=ml", await page.InnerTextAsync($"tr[data-run='{ann}'] td.tags span.tag"));

        // A metric (the run's last value), OR and IN: only bob's 0.5 is below 0.6, and no run has who nobody or dora.
        await SearchAsync(page, "metrics.accuracy@16 < 0.6 or params.who in (nobody, dora)");
        await page.WaitForSelectorAsync($"a.run-link:has-text('{ann}')", new PageWaitForSelectorOptions { State = WaitForSelectorState.Detached });
        await page.WaitForSelectorAsync($"a.run-link:has-text('{bob}')");
        Assert.Equal(1, await page.Locator("table.runs tbody tr").CountAsync());

        // A query that cannot be read says where and why; the table empties, the page keeps working.
        await SearchAsync(page, "params.who <");
        Assert.Equal("search, column 13: expected a value after params.who <, found the end of the query",
            await page.InnerTextAsync("#search-error"));
        await ShotAsync(page, "runs-search-error");

        // Columns: pick params.who; sort by it both ways.
        await page.ClickAsync("#search-clear");
        await page.WaitForSelectorAsync($"a.run-link:has-text('{ann}')");
        await page.ClickAsync("#columns summary");
        await page.CheckAsync("input[data-column='params.who']");
        await page.WaitForSelectorAsync($"tr[data-run='{bob}'] td[data-column='params.who']:text-is('bob')");
        await page.ClickAsync("button[data-sort='params.who']");
        await WaitFirstRowAsync(page, ann);
        Assert.Equal("ascending", await page.GetAttributeAsync("th:has(button[data-sort='params.who'])", "aria-sort"));
        await page.ClickAsync("button[data-sort='params.who']");
        await WaitFirstRowAsync(page, bob);

        // A metric column: each run's last value, sorted highest first on the first click, then lowest first.
        await page.CheckAsync("input[data-column='metrics.accuracy@16']");
        await page.WaitForSelectorAsync($"tr[data-run='{ann}'] td[data-column='metrics.accuracy@16']:text-is('0.75')");
        Assert.Equal("0.5", await page.InnerTextAsync($"tr[data-run='{bob}'] td[data-column='metrics.accuracy@16']"));
        await page.ClickAsync("button[data-sort='metrics.accuracy@16']");
        await WaitFirstRowAsync(page, ann);
        Assert.Equal("descending", await page.GetAttributeAsync("th:has(button[data-sort='metrics.accuracy@16'])", "aria-sort"));
        await page.ClickAsync("button[data-sort='metrics.accuracy@16']");
        await WaitFirstRowAsync(page, bob);
        Assert.Equal("ascending", await page.GetAttributeAsync("th:has(button[data-sort='metrics.accuracy@16'])", "aria-sort"));

        // Duration: longest first on the first click, then shortest first.
        await page.ClickAsync("button[data-sort='duration']");
        await WaitFirstRowAsync(page, "longrun01");
        Assert.Equal("descending", await page.GetAttributeAsync("th:has(button[data-sort='duration'])", "aria-sort"));
        await page.ClickAsync("button[data-sort='duration']");
        await WaitFirstRowAsync(page, "instant01");
        Assert.Equal("ascending", await page.GetAttributeAsync("th:has(button[data-sort='duration'])", "aria-sort"));
        await ShotAsync(page, "runs-columns-sorted");

        // The picked column is remembered across visits; a run started elsewhere appears without a reload.
        await page.ReloadAsync();
        await Browser.WaitInteractiveAsync(page);
        await page.WaitForSelectorAsync($"tr[data-run='{ann}'] td[data-column='params.who']:text-is('ann')");
        await page.EvaluateAsync("() => window.t1NoReload = true");
        var carol = await Server.StartRunAsync(hello, new() { ["who"] = "carol", ["pause"] = "100ms" });
        await page.WaitForSelectorAsync($"tr[data-run='{carol}'] td[data-column='params.who']:text-is('carol')", new PageWaitForSelectorOptions { Timeout = 60_000 });
        Assert.True(await page.EvaluateAsync<bool>("() => window.t1NoReload === true"), "the page reloaded instead of refreshing in place");

        // Run with params: the form is typed by the workflow's params; the run records them and who started it.
        await page.SelectOptionAsync("#start-definition", new SelectOptionValue { Label = "hello v1" });
        await page.ClickAsync("#run-with-params");
        await page.WaitForSelectorAsync("#params-dialog");
        Assert.Equal("world", await page.InputValueAsync("input[data-param='who']"));
        await page.FillAsync("input[data-param='who']", "dora");
        await ShotAsync(page, "runs-run-with-params");
        await page.ClickAsync("#params-start");
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/runs/[0-9a-z]+$"), new PageWaitForURLOptions { WaitUntil = WaitUntilState.Commit });
        await page.WaitForSelectorAsync("#run-status");
        var started = page.Url[(page.Url.LastIndexOf('/') + 1)..];
        using var viewer = Server.Client(await Server.KeyAsync(Roles.Viewer));
        var run = (await viewer.GetFromJsonAsync<JsonObject>($"/api/runs/{started}"))!["run"]!;
        Assert.Equal("dora", run["params"]!["who"]!.GetValue<string>());
        Assert.Equal("admin", run["started_by"]!.GetValue<string>());

        // Tags and a note from the run page; the runs search finds them.
        await Browser.WaitInteractiveAsync(page);
        await page.FillAsync("#tag-key", "team");
        await page.FillAsync("#tag-value", "infra");
        await page.ClickAsync("#tag-add");
        await page.WaitForSelectorAsync("span.tag[data-tag='team']");
        await page.FillAsync("#note-text", "tried a new greeting");
        await page.ClickAsync("#note-save");
        await page.WaitForSelectorAsync("#notes-message:text-is('note saved.')");
        await page.GotoAsync(Server.Address + "/runs?q=" + Uri.EscapeDataString("tags.team = infra and note ~ greeting"));
        await Browser.WaitInteractiveAsync(page);
        await page.WaitForSelectorAsync($"a.run-link:has-text('{started}')");
        Assert.Equal(1, await page.Locator("table.runs tbody tr").CountAsync());
        Assert.Equal("admin", await page.InnerTextAsync($"tr[data-run='{started}'] td.started-by"));
    }

    private async Task RecordMetricAsync(string runId, string key, params double[] values)
    {
        await using var db = Server.Get<DatabaseFactory>().Create();
        var step = await db.StepRuns.AsNoTracking().FirstAsync(s => s.RunId == runId && s.StepId == "greet");
        db.Metrics.AddRange(values.Select((v, i) => new MetricRecord { StepRunId = step.Id, RunId = runId, Key = key, Step = i + 1, Value = v }));
        await db.SaveChangesAsync();
    }

    private static async Task SearchAsync(IPage page, string query)
    {
        await page.FillAsync("#search", query);
        await page.ClickAsync("#search-go");
    }

    private static Task WaitFirstRowAsync(IPage page, string runId) =>
        page.WaitForFunctionAsync("id => document.querySelector('table.runs tbody tr')?.dataset.run === id", runId, new PageWaitForFunctionOptions { Timeout = 30_000 });

    private static async Task WaitSucceededAsync(HttpClient api, string runId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            var status = (await api.GetFromJsonAsync<JsonObject>($"/api/runs/{runId}"))!["run"]!["status"]!.ToString();
            if (status == "Succeeded") return;
            if (status != "Running" || DateTime.UtcNow > deadline) Assert.Fail($"run {runId} is {status}, expected it to succeed within 90 s");
            await Task.Delay(200);
        }
    }
}
