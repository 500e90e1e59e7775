using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using T1.Server.Tests.Portal;
using T1.Storage.Database;

namespace T1.Server.Tests.Designer;

/// <summary>
/// The designer's forms and YAML pane in Chromium: inputs grouped as declared (advanced collapsed), a checkpoint picker
/// without datasets, needs without downstream steps, line numbers with problems that jump to their line:col, and a
/// published version run with params typed in the runs page's dialog.
/// </summary>
public sealed class DesignerFormsBrowserTests : DesignerBrowserTest
{
    [Fact]
    public async Task RlForm_GroupsAsDeclared_PickerOffersOnlyCheckpoints_NeedsOnlyUpstream()
    {
        await Server.RegisterAsync("workflows/t1-tiny.yaml");
        var page = await OpenDesignerAsync("t1-tiny", 1600, 1000);
        try
        {
            // A new rl step: its required and common inputs, the advanced ones collapsed behind a count.
            await page.ClickAsync("g.node[data-step='sft'] rect");
            await page.WaitForSelectorAsync("section.step-form[data-step='sft']");
            await page.ClickAsync(".palette-item[data-type='rl']");
            await page.WaitForSelectorAsync("section.step-form[data-step='rl-2']");
            Assert.Equal(["init"], await page.Locator("[data-group='required'] [data-input]").EvaluateAllAsync<string[]>("e => e.map(x => x.dataset.input)"));
            Assert.Equal(12, await page.Locator("[data-group='common'] [data-input]").CountAsync());
            Assert.Equal(0, await page.Locator("[data-group='advanced'] [data-input]").CountAsync());
            Assert.Equal("false", await page.GetAttributeAsync("#toggle-advanced", "aria-expanded"));
            var collapsed = (await page.Locator("section.step-form[data-step='rl-2']").BoundingBoxAsync())!.Height;
            await ShotAsync(page, "designer-12-rl-form-grouped");

            // Its init picker: once rl-2 needs sft, sft's checkpoint, never synthesize's dataset (upstream too).
            await page.CheckAsync("input[data-need='sft']");
            await page.WaitForSelectorAsync("path.edge[data-from='sft'][data-to='rl-2']", Attached);
            Assert.Equal(["", "${{ steps.sft.outputs.checkpoint }}"], await page.Locator("#pick-init option").EvaluateAllAsync<string[]>("o => o.map(x => x.value)"));
            await page.SelectOptionAsync("#pick-init", "${{ steps.sft.outputs.checkpoint }}");
            await page.WaitForSelectorAsync("[data-input='init']:not(.has-problems)");

            // Opening advanced shows the rest.
            await page.ClickAsync("#toggle-advanced");
            await page.WaitForSelectorAsync("#input-kl_coef");
            var advanced = await page.Locator("[data-group='advanced'] [data-input]").CountAsync();
            Assert.True(advanced >= 20, $"{advanced} advanced inputs");
            Assert.True((await page.Locator("section.step-form[data-step='rl-2']").BoundingBoxAsync())!.Height > collapsed * 1.5);

            // sft's needs offer only synthesize: every other step is downstream of it now.
            await page.ClickAsync("#fit");
            await page.ClickAsync("g.node[data-step='sft'] rect");
            await page.WaitForSelectorAsync("section.step-form[data-step='sft']");
            Assert.Equal(["synthesize"], await page.Locator("input[data-need]").EvaluateAllAsync<string[]>("e => e.map(x => x.dataset.need)"));
        }
        catch
        {
            await FailureShotAsync(page, "designer-forms");
            throw;
        }
    }

    [Fact]
    public async Task YamlPane_NumbersLines_AProblemClickedPutsTheCaretOnItsLine_AndAVersionRunsWithParams()
    {
        await Server.RegisterAsync("workflows/hello.yaml");
        var page = await OpenDesignerAsync("hello", 1600, 1000);
        try
        {
            var text = await page.InputValueAsync("#yaml-text");
            var lines = text.Split('\n');
            Assert.Equal(lines.Length, await page.Locator("#yaml-editor .gutter span").CountAsync());
            Assert.Equal("18", await page.InnerTextAsync("#yaml-line-18"));

            // An invalid duration on line 18: the problem names line:col, its number turns red, a click selects it in the text.
            await page.FillAsync("#yaml-text", text.Replace("tick: 100ms", "tick: soon", StringComparison.Ordinal));
            await page.ClickAsync("#apply-yaml");
            var problem = page.Locator("ul.problems li[data-input='tick']");
            await problem.WaitForAsync();
            Assert.Equal("18", await problem.GetAttributeAsync("data-line"));
            var column = int.Parse((await problem.GetAttributeAsync("data-column"))!, System.Globalization.CultureInfo.InvariantCulture);
            Assert.Contains("error", await page.GetAttributeAsync("#yaml-line-18", "class") ?? "");
            await problem.ClickAsync();
            var edited = await page.InputValueAsync("#yaml-text");
            var expected = string.Join('\n', edited.Split('\n').Take(17)).Length + 1 + column - 1;
            await page.WaitForFunctionAsync("n => document.activeElement?.id === 'yaml-text' && document.activeElement.selectionStart === n", expected);
            Assert.Contains("tick: soon", edited.Split('\n')[17]);
            Assert.Contains("current", await page.GetAttributeAsync("#yaml-line-18", "class") ?? "");
            await ShotAsync(page, "designer-13-yaml-jump");

            // Back to the published text; run v1 with params from the dialog the runs page uses.
            await page.ClickAsync("#undo");
            await page.WaitForSelectorAsync("#valid");
            await page.ClickAsync("tr[data-version='1'] button.run-version-params");
            await page.WaitForSelectorAsync("#params-dialog");
            Assert.Equal("world", await page.InputValueAsync("#param-who"));
            await page.FillAsync("#param-who", "designer");
            await page.FillAsync("#param-pause", "50ms");
            await ShotAsync(page, "designer-14-run-with-params", fullPage: false);
            await page.ClickAsync("#params-start");
            await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/runs/[0-9a-z]+$"));
            var runId = page.Url[(page.Url.LastIndexOf('/') + 1)..];
            await Browser.WaitInteractiveAsync(page);
            await page.WaitForSelectorAsync("#run-status.Succeeded", new PageWaitForSelectorOptions { Timeout = 90_000 });
            await using var db = Server.Get<DatabaseFactory>().Create();
            var run = await db.Runs.AsNoTracking().SingleAsync(r => r.Id == runId);
            Assert.Contains("\"who\":\"designer\"", run.ParamsJson.Replace(" ", "", StringComparison.Ordinal));
            Assert.Contains("\"pause\":\"50ms\"", run.ParamsJson.Replace(" ", "", StringComparison.Ordinal));
        }
        catch
        {
            await FailureShotAsync(page, "designer-yaml");
            throw;
        }
    }
}
