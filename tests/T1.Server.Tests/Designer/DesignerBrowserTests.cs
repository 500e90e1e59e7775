using Microsoft.Playwright;
using T1.Server.Tests.Portal;

namespace T1.Server.Tests.Designer;

/// <summary>
/// The workflow designer in a real browser against the real app (open access on loopback, so the user is admin):
/// build a workflow from the palette, see validation on the node and field, fix it with the reference picker and
/// the form, refuse a cycle, undo/redo, publish, and run the published version until it is green.
/// </summary>
public sealed class DesignerBrowserTests : DesignerBrowserTest
{
    [Fact]
    public async Task BuildFromPalette_FixValidation_RefuseCycle_Publish_RunTurnsGreen()
    {
        var page = await OpenDesignerAsync();
        Assert.True(await page.Locator(".palette-item[data-type='sft']").CountAsync() == 1, "the palette lists the ML step types");

        // Two echo steps from the palette: both lack their required message, and say so on the node.
        await page.ClickAsync(".palette-item[data-type='echo']");
        await page.WaitForSelectorAsync("g.node[data-step='echo'].has-problems");
        await page.ClickAsync(".palette-item[data-type='echo']");
        await page.WaitForSelectorAsync("g.node[data-step='echo-2'].has-problems");
        Assert.Equal("2", await page.InnerTextAsync("#problem-count"));
        await ShotAsync(page, "designer-01-problems");

        // echo-2 (selected after adding) needs echo, and takes echo's message through the reference picker.
        await page.CheckAsync("input[data-need='echo']");
        await page.WaitForSelectorAsync("path.edge[data-from='echo'][data-to='echo-2']", Attached);
        Assert.True(await page.Locator("[data-input='message'].has-problems").CountAsync() == 1, "the missing input is marked in the form");
        await page.SelectOptionAsync("#pick-message", "${{ steps.echo.outputs.message }}");
        await page.WaitForSelectorAsync("g.node[data-step='echo-2']:not(.has-problems)");

        // echo needing echo-2 would close a cycle: its needs do not offer echo-2, and dragging echo-2's port onto echo
        // is refused with a message; nothing changes.
        await page.ClickAsync("g.node[data-step='echo'] rect");
        await page.WaitForSelectorAsync("section.step-form[data-step='echo']");
        Assert.Equal(0, await page.Locator("input[data-need='echo-2']").CountAsync());
        var port = (await page.Locator("circle.port[data-port='echo-2']").BoundingBoxAsync())!;
        var echo = (await page.Locator("g.node[data-step='echo'] rect").BoundingBoxAsync())!;
        await page.Mouse.MoveAsync(port.X + port.Width / 2, port.Y + port.Height / 2);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(echo.X + 40, echo.Y + 20, new MouseMoveOptions { Steps = 5 });
        await page.Mouse.UpAsync();
        await page.WaitForSelectorAsync("#designer-message.problem:has-text('would make a cycle')");
        Assert.Equal(0, await page.Locator("path.edge[data-from='echo-2'][data-to='echo']").CountAsync());

        // Fix the last problem in the form.
        await page.FillAsync("#input-message", "hello from the designer");
        await page.PressAsync("#input-message", "Tab");
        await page.WaitForSelectorAsync("#valid");
        Assert.Equal("0", await page.InnerTextAsync("#problem-count"));
        await ShotAsync(page, "designer-02-valid");

        // Undo brings the problem back, redo fixes it again.
        await page.ClickAsync("#undo");
        await page.WaitForSelectorAsync("g.node[data-step='echo'].has-problems");
        await page.ClickAsync("#redo");
        await page.WaitForSelectorAsync("#valid");

        // Name it, check the YAML view, publish.
        await page.ClickAsync("rect.background", new PageClickOptions { Position = new Position { X = 800, Y = 410 } });
        await page.FillAsync("#workflow-name", "designed");
        await page.PressAsync("#workflow-name", "Tab");
        await page.WaitForSelectorAsync("#designer-title:has-text('designed')");
        var yaml = await page.InputValueAsync("#yaml-text");
        Assert.Contains("name: designed", yaml);
        Assert.Contains("needs: [echo]", yaml);
        Assert.Contains("message: \"${{ steps.echo.outputs.message }}\"", yaml);
        await page.ClickAsync("#publish");
        await page.WaitForSelectorAsync("#designer-message:has-text('published designed v1')");
        await page.WaitForSelectorAsync("tr[data-version='1']");
        await ShotAsync(page, "designer-03-published");

        // Run the published version: the run page turns green.
        await page.ClickAsync("tr[data-version='1'] button.run-version");
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/runs/[0-9a-z]+$"));
        await Browser.WaitInteractiveAsync(page);
        await page.WaitForSelectorAsync("#run-status.Succeeded", new PageWaitForSelectorOptions { Timeout = 60_000 });
        await ShotAsync(page, "designer-04-run");
    }

    [Fact]
    public async Task OpenShippedWorkflow_YamlViewRoundTrips_AndEditsPatchOnlyTheirLines()
    {
        await Server.RegisterAsync("workflows/hello.yaml");
        var page = await OpenDesignerAsync("hello");
        var original = await File.ReadAllTextAsync(Path.Combine(TestEnvironment.RepoRoot, "workflows", "hello.yaml"));
        Assert.Equal(original.Replace("\r\n", "\n", StringComparison.Ordinal), await page.InputValueAsync("#yaml-text"));
        Assert.Equal(5, await page.Locator("g.node").CountAsync());

        // Edit the YAML view: the canvas follows, and a validation error lands on the node and its field.
        await page.FillAsync("#yaml-text", original.Replace("tick: 100ms", "tick: soon", StringComparison.Ordinal));
        await page.ClickAsync("#apply-yaml");
        await page.WaitForSelectorAsync("g.node[data-step='nap-short'].has-problems");
        await page.WaitForSelectorAsync("ul.problems li[data-step='nap-short'][data-input='tick']");
        await page.ClickAsync("g.node[data-step='nap-short'] rect");
        await page.WaitForSelectorAsync("[data-input='tick'].has-problems .problem");
        await ShotAsync(page, "designer-05-yaml-error");

        // Fix it in the form: the YAML keeps every comment.
        await page.FillAsync("#input-tick", "200ms");
        await page.PressAsync("#input-tick", "Tab");
        await page.WaitForSelectorAsync("#valid");
        var yaml = await page.InputValueAsync("#yaml-text");
        Assert.StartsWith("# A first workflow", yaml);
        Assert.Contains("# Try: t1 run workflows/hello.yaml", yaml);
    }

    [Fact]
    public async Task DragFromPalette_ConnectByPorts_CopyPaste_DraftIsSavedAndReopened()
    {
        var page = await OpenDesignerAsync();

        // Drag two step types onto the canvas.
        await page.DragAndDropAsync(".palette-item[data-type='echo']", "#designer-canvas rect.background",
            new PageDragAndDropOptions { TargetPosition = new TargetPosition { X = 150, Y = 60 } });
        await page.WaitForSelectorAsync("g.node[data-step='echo']");
        await page.DragAndDropAsync(".palette-item[data-type='sleep']", "#designer-canvas rect.background",
            new PageDragAndDropOptions { TargetPosition = new TargetPosition { X = 520, Y = 200 } });
        await page.WaitForSelectorAsync("g.node[data-step='sleep']");

        // Drag from echo's port onto sleep: sleep now needs echo.
        var port = (await page.Locator("circle.port[data-port='echo']").BoundingBoxAsync())!;
        var target = (await page.Locator("g.node[data-step='sleep'] rect").BoundingBoxAsync())!;
        await page.Mouse.MoveAsync(port.X + port.Width / 2, port.Y + port.Height / 2);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(target.X + 40, target.Y + 20, new MouseMoveOptions { Steps = 5 });
        await page.Mouse.UpAsync();
        await page.WaitForSelectorAsync("path.edge[data-from='echo'][data-to='sleep']", Attached);

        // Copy and paste sleep: the copy gets a fresh id and keeps its need.
        await page.ClickAsync("g.node[data-step='sleep'] rect");
        await page.ClickAsync("#copy");
        await page.ClickAsync("#paste");
        await page.WaitForSelectorAsync("path.edge[data-from='echo'][data-to='sleep-2']", Attached);

        // Name, fix, save as draft; reopening the page by name brings the draft back.
        await page.ClickAsync("g.node[data-step='echo'] rect");
        await page.FillAsync("#input-message", "hi");
        await page.PressAsync("#input-message", "Tab");
        await page.WaitForSelectorAsync("#valid");
        await page.ClickAsync("rect.background", new PageClickOptions { Position = new Position { X = 800, Y = 410 } });
        await page.FillAsync("#workflow-name", "drafted");
        await page.PressAsync("#workflow-name", "Tab");
        await page.WaitForSelectorAsync("#designer-title:has-text('drafted')");
        await page.ClickAsync("#save-draft");
        await page.WaitForSelectorAsync("#designer-message:has-text('draft saved')");
        var yaml = await page.InputValueAsync("#yaml-text");
        await ShotAsync(page, "designer-06-draft");

        await GotoDesignerAsync(page, "drafted");
        await page.WaitForSelectorAsync("g.node[data-step='sleep-2']");
        Assert.Equal(yaml, await page.InputValueAsync("#yaml-text"));
    }

    [Fact]
    public async Task T1TinyShape_BuiltFromThePalette_Publishes_RunsToGreen()
    {
        var page = await OpenDesignerAsync();

        async Task Add(string type, string? needs)
        {
            await page.ClickAsync($".palette-item[data-type='{type}']");
            await page.WaitForSelectorAsync($"section.step-form[data-step='{type}']");
            if (needs is not null)
            {
                await page.CheckAsync($"input[data-need='{needs}']");
                await page.WaitForSelectorAsync($"path.edge[data-from='{needs}'][data-to='{type}']", Attached);
            }
        }
        async Task Pick(string step, string input, string reference)
        {
            await page.SelectOptionAsync($"#pick-{input}", reference);
            await page.WaitForSelectorAsync($"section.step-form[data-step='{step}'] [data-input='{input}']:not(.has-problems)");
        }
        // Types a value into the selected step's form, as a user would, and waits for the YAML view to carry it.
        async Task Set(string step, string input, string value)
        {
            await page.FillAsync($"section.step-form[data-step='{step}'] #input-{input}", value);
            await page.PressAsync($"section.step-form[data-step='{step}'] #input-{input}", "Tab");
            await page.WaitForFunctionAsync("([id, line]) => document.querySelector(id).value.includes(line)", new[] { "#yaml-text", $"{input}: {value}" });
            await page.WaitForSelectorAsync($"section.step-form[data-step='{step}'] [data-input='{input}']:not(.has-problems)");
        }

        // A tiny config (the one tests/T1.Server.Tests/EndToEnd/T1PipelineTests.cs runs), set through the forms.
        await Add("synthesize", null);
        await page.SelectOptionAsync("#input-task", "arithmetic");
        await Set("synthesize", "count", "150");
        await page.WaitForSelectorAsync("g.node[data-step='synthesize']:not(.has-problems)");

        // sft without its dataset is an error on the node and on the field; the picker fixes it.
        await Add("sft", "synthesize");
        await page.WaitForSelectorAsync("g.node[data-step='sft'].has-problems");
        await page.WaitForSelectorAsync("[data-input='dataset'].has-problems .problem:has-text('missing required input')");
        await ShotAsync(page, "designer-07-t1-tiny-error");
        await Pick("sft", "dataset", "${{ steps.synthesize.outputs.dataset }}");
        await Set("sft", "epochs", "1");
        await Set("sft", "max_len", "96");

        await Add("rl", "sft");
        await Pick("rl", "init", "${{ steps.sft.outputs.checkpoint }}");
        await Set("rl", "steps", "2");
        await Set("rl", "prompts_per_step", "2");
        await Set("rl", "samples_per_prompt", "4");
        await Set("rl", "prompt_count", "4");
        await Set("rl", "max_new_tokens", "64");
        await Add("evaluate", "rl");
        await Pick("evaluate", "checkpoint", "${{ steps.rl.outputs.checkpoint }}");
        await Set("evaluate", "count", "12");
        // A list input: typed as YAML, the way its placeholder shows the default list.
        Assert.StartsWith("[", await page.GetAttributeAsync("#input-budgets", "placeholder"));
        await Set("evaluate", "budgets", "[8, 16, 32]");
        await Add("promote", "evaluate");
        await page.FillAsync("#input-model", "tiny-designed");
        await page.PressAsync("#input-model", "Tab");
        await Pick("promote", "candidate", "${{ steps.rl.outputs.checkpoint }}");
        await Pick("promote", "report", "${{ steps.evaluate.outputs.report }}");
        await page.WaitForSelectorAsync("#valid");

        await page.ClickAsync("rect.background", new PageClickOptions { Position = new Position { X = 800, Y = 410 } });
        await page.FillAsync("#workflow-name", "t1-tiny-designed");
        await page.PressAsync("#workflow-name", "Tab");
        await page.WaitForSelectorAsync("#designer-title:has-text('t1-tiny-designed')");
        await page.ClickAsync("#publish");
        await page.WaitForSelectorAsync("#designer-message:has-text('published t1-tiny-designed v1')");
        await page.WaitForSelectorAsync("tr[data-version='1']");
        await ShotAsync(page, "designer-08-t1-tiny-published");
        Assert.Equal(5, await page.Locator("g.node").CountAsync());
        Assert.Equal(4, await page.Locator("path.edge").CountAsync());
        // Each step added while another was selected sits to its right: the chain reads left to right.
        var xs = new List<double>();
        foreach (var id in Chain)
            xs.Add(double.Parse((await page.GetAttributeAsync($"g.node[data-step='{id}'] rect", "x"))!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(xs.Order(), xs);
        Assert.Equal(5, xs.Distinct().Count());
        var yaml = await page.InputValueAsync("#yaml-text");
        Assert.Contains("budgets: [8, 16, 32]", yaml);

        // Run the published version on its tiny config: the run page turns green.
        await page.ClickAsync("tr[data-version='1'] button.run-version");
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/runs/[0-9a-z]+$"));
        await Browser.WaitInteractiveAsync(page);
        await WaitForGreenAsync(page, TimeSpan.FromSeconds(180));
        await PlotlyPlot.WaitPlottedAsync(page.Locator("section.evaluation[data-step='evaluate'] figure.chart"));
        await page.WaitForSelectorAsync("ul.promotions li[data-step='promote']");
        await ShotAsync(page, "designer-09-t1-tiny-run-green", fullPage: false);

        // The DAG: the five steps, each green.
        foreach (var id in Chain)
            Assert.Equal("Succeeded", await page.GetAttributeAsync($"svg.dag g.node[data-step='{id}']", "data-status"));
        Assert.Equal(5, await page.Locator("svg.dag g.node[data-status='Succeeded']").CountAsync());
        Assert.Equal(4, await page.Locator("svg.dag line").CountAsync());
        // The evaluate step's budget curve: one point per budget the form set, accuracies in [0, 1].
        var evaluation = page.Locator("section.evaluation[data-step='evaluate']");
        Assert.Equal(["8", "16", "32"], await evaluation.Locator("table.budgets tr[data-budget]").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.budget)"));
        var curve = (await PlotlyPlot.TracesAsync(evaluation.Locator("figure.chart"))).Single();
        Assert.Equal(3, curve.X.Length);
        Assert.Equal(3, curve.Y.Length);
        Assert.All(curve.Y, y => Assert.InRange(y, 0.0, 1.0));
        Assert.Contains("12 problems", await evaluation.InnerTextAsync());
        // The promote step: the first version of a new model becomes its champion.
        var decision = await page.InnerTextAsync("ul.promotions li[data-step='promote']");
        Assert.StartsWith("promoted", decision);
        Assert.Contains("tiny-designed v1", decision);
        Assert.Contains("champion now v1", decision);
        // Training and evaluation left their metrics.
        foreach (var key in new[] { "sft · loss", "rl · reward" })
            Assert.Equal(1, await page.Locator($"figure.chart[data-key='{key}']").CountAsync());
        // A metric logged once per step (accuracy at a budget) is a value in the table, not a one-dot chart.
        Assert.Equal(0, await page.Locator("figure.chart[data-key*='accuracy@']").CountAsync());
        Assert.Equal(1, await page.Locator("table.metric-values tr[data-key='accuracy@8']").CountAsync());
    }

    private static readonly string[] Chain = ["synthesize", "sft", "rl", "evaluate", "promote"];

    /// <summary>
    /// Waits for the run page to show a finished run; anything but Succeeded fails with each step's status and error
    /// as the page shows them (and the run's own error), so a failure on a CI machine says which step broke and why.
    /// </summary>
    private static async Task WaitForGreenAsync(IPage page, TimeSpan timeout)
    {
        string? status = null;
        try
        {
            await page.WaitForSelectorAsync("#run-status.Succeeded, #run-status.Failed, #run-status.Cancelled",
                new PageWaitForSelectorOptions { Timeout = (float)timeout.TotalMilliseconds });
            status = await page.InnerTextAsync("#run-status");
        }
        catch (TimeoutException) { }
        if (status == "Succeeded") return;
        var steps = await page.Locator("table.steps tbody tr").EvaluateAllAsync<string[]>(
            "rows => rows.map(r => [...r.cells].map(c => c.innerText.trim()).filter(t => t).join(' | '))");
        var runError = await page.Locator("h1 ~ p.error").AllInnerTextsAsync();
        Assert.Fail($"the run is {status ?? $"still {await page.InnerTextAsync("#run-status")} after {timeout.TotalSeconds:0} s"} at {page.Url}\n"
            + string.Join("\n", runError.Concat(steps)));
    }
}
