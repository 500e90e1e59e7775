using Microsoft.Playwright;

namespace T1.Server.Tests.Portal.Artifacts;

/// <summary>From the run page into a checkpoint and an evaluation report, in Chromium: tree, previews (safetensors, text, PNG, JSON lines, JSON), a file's and the folder's downloads.</summary>
public sealed class ArtifactBrowserTests() : PortalBrowserTest(requireLogin: false)
{
    [Fact]
    public async Task RunPage_OpensCheckpointAndReportPreviews_SafetensorsHeader_Chart_TracesWithVerdicts()
    {
        var run = await ArtifactRunFixture.StoreAsync(Server, "artifactui01");
        var page = await NewPageAsync();
        try
        {
            await page.GotoAsync($"{Server.Address}/runs/{run.RunId}");
            await Browser.WaitInteractiveAsync(page);

            // Checkpoint: overview with the parameter count and config.json, then the safetensors header of the weights.
            await page.ClickAsync("a.browse-artifact[data-step='sft'][data-name='checkpoint']");
            await page.WaitForSelectorAsync("#checkpoint-parameters");
            Assert.StartsWith("264 parameters in 3 tensors (BF16: 128, F32: 136)", await page.InnerTextAsync("#checkpoint-parameters"));
            Assert.Equal("\"qwen2\"", await page.InnerTextAsync("table.config tr[data-key='model_type'] td:nth-child(2)"));
            Assert.Equal(1, await page.Locator("nav.artifact-tree li.folder:has-text('tokenizer/')").CountAsync());
            await page.ClickAsync("a.file-link[data-path='model.safetensors']");
            await page.WaitForSelectorAsync(".preview[data-kind='Safetensors'] table.tensors");
            Assert.Equal(["[8, 16]", "[16, 8]", "[8]"], await page.Locator("table.tensors td:nth-child(3)").AllInnerTextsAsync());
            Assert.Equal("BF16", await page.InnerTextAsync("table.tensors tr[data-tensor='lm_head.weight'] td:nth-child(2)"));
            await ShotAsync(page, "10-artifact-checkpoint");

            // A text file of a subfolder: previewed as text, and its download link gives the file itself.
            await page.ClickAsync("a.file-link[data-path='tokenizer/merges.txt']");
            await page.WaitForSelectorAsync(".preview[data-kind='Text'][data-path='tokenizer/merges.txt'] pre.preview-text");
            Assert.Equal("#version: 0.2\nh e\nhe llo", (await page.InnerTextAsync("pre.preview-text")).TrimEnd());
            var file = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync(".preview a.download"));
            Assert.Equal("merges.txt", file.SuggestedFilename);
            Assert.Equal("#version: 0.2\nh e\nhe llo\n", await File.ReadAllTextAsync((await file.PathAsync())!));

            // Evaluation report: the PNG chart loads, traces.jsonl is a table with the verifier's verdicts.
            await page.GotoAsync($"{Server.Address}/runs/{run.RunId}");
            await Browser.WaitInteractiveAsync(page);
            await page.ClickAsync("a.browse-artifact[data-step='eval'][data-name='report']");
            await page.ClickAsync("a.file-link[data-path='budget_curve.png']");
            var image = page.Locator(".preview[data-kind='Image'] img.preview-image");
            await image.WaitForAsync();
            await page.WaitForFunctionAsync("() => { const i = document.querySelector('img.preview-image'); return i && i.complete && i.naturalWidth > 100; }");
            await ShotAsync(page, "11-artifact-chart");
            await page.ClickAsync("a.file-link[data-path='traces.jsonl']");
            await page.WaitForSelectorAsync("table.preview-table.traces");
            Assert.Equal(4, await page.Locator("table.preview-table.traces tbody tr").CountAsync());
            Assert.Equal(2, await page.Locator("table.preview-table.traces tr.wrong").CountAsync());
            Assert.Equal("wrong: 21 != 3", await page.Locator("table.preview-table.traces tr.wrong td").First.InnerTextAsync());
            Assert.Equal("verdict", await page.Locator("table.preview-table.traces th").First.InnerTextAsync());
            await ShotAsync(page, "12-artifact-traces");
            await page.ClickAsync("a.file-link[data-path='report.json']");
            await page.WaitForSelectorAsync(".preview[data-kind='Json'] pre.preview-text");
            Assert.Contains("\"dataset\": \"arithmetic (held-out)\"", await page.InnerTextAsync("pre.preview-text"));

            // The zip link downloads the folder.
            var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#download-zip"));
            Assert.Equal($"report-{run.Report[..12]}.zip", download.SuggestedFilename);
        }
        catch
        {
            await FailureShotAsync(page, "artifacts");
            throw;
        }
    }
}
