using Microsoft.Playwright;
using T1.Server.Tests.Portal;

namespace T1.Server.Tests.Registry;

/// <summary>The registry in Chromium: a model's aliases and their moves, a version's page with its lineage, pointing an alias at it.</summary>
public sealed class ModelVersionBrowserTests
{
    [Fact]
    public async Task VersionPage_ShowsLineage_AndAnAliasSetThere_AppearsWithItsMove()
    {
        await using var server = await PortalServer.StartAsync(requireLogin: false);
        await RegistryFixture.StoreAsync(server);
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.Instance.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
        page.SetDefaultTimeout(30_000);
        try
        {
            await page.GotoAsync(server.Address + "/models/tiny");
            await Browser.WaitInteractiveAsync(page);
            Assert.Equal("champion", await page.InnerTextAsync("tr[data-version='1'] td.aliases"));
            await page.ClickAsync("tr[data-version='1'] a.version-link");
            await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/models/tiny/versions/1$"), new PageWaitForURLOptions { WaitUntil = WaitUntilState.Commit });
            await Browser.WaitInteractiveAsync(page);

            Assert.Contains("checkpoint of step rl in run lineagerun01", await page.InnerTextAsync("#lineage-checkpoint"));
            Assert.Contains("checkpoint of step sft", await page.InnerTextAsync("#lineage-parent"));
            Assert.Contains("dataset of step synth", await page.InnerTextAsync("#lineage-datasets"));
            Assert.Contains("report of step eval-rl", await page.InnerTextAsync("#lineage-reports"));

            await page.FillAsync("#alias-name", "staging");
            await page.FillAsync("#alias-reason", "shadow traffic first");
            await page.ClickAsync("#set-alias");
            await page.WaitForSelectorAsync("#version-message:has-text('tiny@staging now points at v1 (was unset).')");
            Assert.Equal(["champion", "staging"], await page.Locator("#version-aliases span.alias").AllInnerTextsAsync());
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Browser.ScreenshotPath("14-model-version"), FullPage = true });

            await page.GotoAsync(server.Address + "/models/tiny");
            await Browser.WaitInteractiveAsync(page);
            var move = await page.Locator("table.alias-history tr[data-alias='staging'] td").AllInnerTextsAsync();
            Assert.Equal(["staging", "—", "v1", "local", "shadow traffic first"], move.Skip(1));
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Browser.ScreenshotPath("15-models-aliases"), FullPage = true });
        }
        catch
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Browser.ScreenshotPath("failure-registry-" + DateTime.UtcNow.ToString("HHmmss")), FullPage = true });
            throw;
        }
    }
}
