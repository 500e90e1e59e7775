using Microsoft.Playwright;
using T1.Server.Tests.Portal;
using T1.Server.Tests.Registry;

namespace T1.Server.Tests.Lineage;

/// <summary>An artifact's lineage page in Chromium, reached from a model version and from an artifact, followed node to node.</summary>
public sealed class LineageBrowserTests() : PortalBrowserTest(requireLogin: false)
{
    /// <summary>Links may navigate without a load event (enhanced navigation): wait for the address only.</summary>
    private static readonly PageWaitForURLOptions Commit = new() { WaitUntil = WaitUntilState.Commit };

    [Fact]
    public async Task FromAModelVersion_AndFromAnArtifact_TheGraphLeadsUpstreamAndDownstream()
    {
        await RegistryFixture.StoreAsync(Server);
        var page = await NewPageAsync();
        try
        {
            // From tiny v1's page to its checkpoint's lineage: made by rl (which read the sft checkpoint and the dataset),
            // used by eval-rl (which wrote the report), registered as tiny v1.
            await page.GotoAsync(Server.Address + "/models/tiny/versions/1");
            await page.ClickAsync("#checkpoint-lineage");
            await page.WaitForURLAsync($"**/artifacts/{RegistryFixture.Rl}/lineage", Commit);
            await page.WaitForSelectorAsync("#lineage-graph");
            Assert.Equal(1, await page.Locator($"#lineage-graph g.node.focus[data-key='artifact:{RegistryFixture.Rl}']").CountAsync());
            foreach (var key in new[] { "step:lineagerun01/rl", $"artifact:{RegistryFixture.Sft}", $"artifact:{RegistryFixture.Dataset}",
                         "step:lineagerun01/eval-rl", $"artifact:{RegistryFixture.Report}", "model:tiny/1" })
                Assert.Equal(1, await page.Locator($"#lineage-graph g.node[data-key='{key}']").CountAsync());
            Assert.Equal(6, await page.Locator("#lineage-graph path.edge").CountAsync());
            Assert.Equal(1, await page.Locator($"#lineage-graph path.edge[data-from='artifact:{RegistryFixture.Sft}'][data-to='step:lineagerun01/rl']").CountAsync());
            Assert.Contains("output checkpoint of step rl (rl) in run lineagerun01", await page.InnerTextAsync("#made-by"));
            Assert.Contains("step eval-rl (evaluate) as checkpoint in run lineagerun01", await page.InnerTextAsync("#used-by"));
            Assert.Equal("tiny v1 (its checkpoint) · champion", await page.InnerTextAsync("#lineage-models li"));
            await ShotAsync(page, "16-lineage-checkpoint");

            // Upstream: the sft checkpoint's node leads to its own lineage, where rl is a user.
            await page.ClickAsync($"#lineage-graph g.node[data-key='artifact:{RegistryFixture.Sft}'] rect");
            await page.WaitForURLAsync($"**/artifacts/{RegistryFixture.Sft}/lineage", Commit);
            await page.WaitForSelectorAsync("#lineage-graph g.node[data-key='step:lineagerun01/sft']");
            Assert.Contains("step rl (rl) as init in run lineagerun01", await page.InnerTextAsync("#used-by"));
            Assert.Equal(1, await page.Locator("#models-none").CountAsync());

            // From an artifact's page (the dataset) to its lineage: used by sft and rl.
            await page.GotoAsync(Server.Address + $"/artifacts/{RegistryFixture.Dataset}");
            await page.ClickAsync("#artifact-lineage");
            await page.WaitForURLAsync($"**/artifacts/{RegistryFixture.Dataset}/lineage", Commit);
            await page.WaitForSelectorAsync("#lineage-graph");
            Assert.Equal(2, await page.Locator("#used-by li").CountAsync());
            await ShotAsync(page, "17-lineage-dataset");

            // The model node leads to the version page.
            await page.GotoAsync(Server.Address + $"/artifacts/{RegistryFixture.Report}/lineage");
            await page.ClickAsync("#lineage-graph g.node[data-key='model:tiny/1'] rect");
            await page.WaitForURLAsync("**/models/tiny/versions/1", Commit);
        }
        catch
        {
            await FailureShotAsync(page, "lineage");
            throw;
        }
    }
}
