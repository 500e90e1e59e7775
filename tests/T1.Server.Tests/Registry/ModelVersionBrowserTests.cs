using Microsoft.Playwright;
using T1.Server.Tests.Portal;
using T1.Workflows.Registry;

namespace T1.Server.Tests.Registry;

/// <summary>The registry in Chromium: a model's aliases and their moves, a version's page with its lineage, pointing an alias at it, its description, tags and archiving.</summary>
public sealed class ModelVersionBrowserTests() : PortalBrowserTest(requireLogin: false)
{
    [Fact]
    public async Task VersionPage_ShowsLineage_AndAnAliasSetThere_AppearsWithItsMove_NextToThePromotionsMove()
    {
        var promotion = await RegistryFixture.StoreAsync(Server);
        Assert.StartsWith("first version with an evaluation: promoted (accuracy@64 = ", promotion.Decision.Reason);
        var page = await NewPageAsync();
        try
        {
            await page.GotoAsync(Server.Address + "/models/tiny");
            await Browser.WaitInteractiveAsync(page);
            Assert.Equal("champion", await page.InnerTextAsync("tr[data-version='1'] td.aliases"));
            // One budget: its accuracy is a number in the table, and no one-dot chart is drawn.
            Assert.Equal("@64: 0.4", await page.InnerTextAsync("tr[data-version='1'] td:nth-child(3)"));
            Assert.Equal(0, await page.Locator("div.charts").CountAsync());
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
            await ShotAsync(page, "14-model-version");

            await page.GotoAsync(Server.Address + "/models/tiny");
            await Browser.WaitInteractiveAsync(page);
            var move = await page.Locator("table.alias-history tr[data-alias='staging'] td").AllInnerTextsAsync();
            Assert.Equal(["staging", "—", "v1", "local", "shadow traffic first"], move.Skip(1));
            // The champion was moved by the run's promote step: who is that step, why is its decision's reason (marked as a promotion), when is the decision's time.
            var promoted = await page.Locator("table.alias-history tr[data-alias='champion'] td").AllInnerTextsAsync();
            Assert.Equal([promotion.Decision.DecidedAt.ToString("yyyy-MM-dd HH:mm:ss"), "champion", "—", "v1", "run lineagerun01 step 'promote'", promotion.Decision.Reason + " (promotion)"], promoted);
            Assert.Equal(promotion.Decision.Reason, await page.InnerTextAsync("table.decisions tbody tr td:nth-child(9)"));
            await ShotAsync(page, "15-models-aliases");
        }
        catch
        {
            await FailureShotAsync(page, "registry");
            throw;
        }
    }

    [Fact]
    public async Task VersionPage_SavesDescriptionAndTags_ArchivesAVersionNoAliasPointsAt_AndRefusesTheChampion()
    {
        await RegistryFixture.StoreAsync(Server);
        // v2: the sft checkpoint, registered by a second promote step that did not beat the champion (0.1 < 0.4 at 64).
        var second = await Server.Get<ModelRegistry>().PromoteAsync(
            new PromotionCandidate("tiny", "run:lineagerun01/promote-sft", RegistryFixture.Sft, null, new Dictionary<int, double> { [64] = 0.1 }, "lineagerun01", "promote-sft"),
            PromotionRule.Parse("accuracy@64"), 0);
        Assert.Equal((2, false), (second.Version.Version, second.Decision.Promoted));
        var page = await NewPageAsync();
        try
        {
            // The champion cannot be archived: the page says which alias points at it and what to do.
            await page.GotoAsync(Server.Address + "/models/tiny/versions/1");
            await Browser.WaitInteractiveAsync(page);
            await page.ClickAsync("#archive");
            await page.WaitForSelectorAsync("#version-message.error");
            Assert.Equal("model 'tiny' version 1 is what alias champion points at; move the alias first, then archive it", await page.InnerTextAsync("#version-message"));
            Assert.Equal(0, await page.Locator("#archived").CountAsync());

            // v2: a description and tags, saved and shown; then archived, on its page and in the model's table.
            await page.GotoAsync(Server.Address + "/models/tiny/versions/2");
            await Browser.WaitInteractiveAsync(page);
            Assert.Equal("No description.", await page.InnerTextAsync("#version-description"));
            Assert.Equal("none", await page.InnerTextAsync("#version-tags"));
            await page.FillAsync("#description", "the SFT checkpoint, before RL");
            await page.FillAsync("#tags", "stage=sft, data=linear");
            await page.ClickAsync("#save-version");
            await page.WaitForSelectorAsync("#version-message:text-is('saved.')");
            Assert.Equal("the SFT checkpoint, before RL", await page.InnerTextAsync("#version-description"));
            Assert.Equal("data=linear, stage=sft", await page.InnerTextAsync("#version-tags"));
            await page.ClickAsync("#archive");
            await page.WaitForSelectorAsync("#version-message:text-is('archived.')");
            Assert.StartsWith("archived ", await page.InnerTextAsync("#archived"));
            Assert.Equal(1, await page.Locator("#restore").CountAsync());
            await ShotAsync(page, "18-model-version-archived");

            await page.GotoAsync(Server.Address + "/models/tiny");
            await Browser.WaitInteractiveAsync(page);
            Assert.Equal(1, await page.Locator("tr.archived[data-version='2']").CountAsync());
            Assert.Equal(0, await page.Locator("tr.archived[data-version='1']").CountAsync());
        }
        catch
        {
            await FailureShotAsync(page, "registry-archive");
            throw;
        }
    }
}
