using Hangfire;
using Hangfire.Storage;
using Microsoft.Playwright;
using T1.Server.Tests.Portal;

namespace T1.Server.Tests.Designer;

/// <summary>Publishing from the designer treats a workflow's schedule like POST /api/definitions: active unless unticked, and says which.</summary>
public sealed class DesignerPublishScheduleTests
{
    private const string Yaml = "name: nightly-designed\nschedule: \"30 3 * * 1-5\"\nsteps:\n  - id: greet\n    uses: echo\n    with: { message: hi }\n";

    [Fact]
    public async Task Publish_ActivatesTheSchedule_AndSaysSo_UnlessUnticked()
    {
        await using var server = await PortalServer.StartAsync(requireLogin: false);
        await using var browser = await Browser.LaunchAsync();
        using (var http = server.Client())
            Assert.True((await http.PostAsync("/api/definitions?schedule=off", new StringContent(Yaml, System.Text.Encoding.UTF8, "application/yaml"))).IsSuccessStatusCode);
        Assert.False(Scheduled(server));
        var page = await browser.Instance.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1500, Height = 1000 } });
        page.SetDefaultTimeout(30_000);
        await page.GotoAsync(server.Address + "/designer/nightly-designed");
        await Browser.WaitInteractiveAsync(page);

        await page.UncheckAsync("#activate-schedule");
        await page.ClickAsync("#publish");
        await page.WaitForSelectorAsync("#designer-message:has-text('schedule 30 3 * * 1-5 disabled (enable it on Schedules)')");
        Assert.False(Scheduled(server));

        await page.CheckAsync("#activate-schedule");
        await page.ClickAsync("#publish");
        await page.WaitForSelectorAsync("#designer-message:has-text('unchanged: this is already nightly-designed v1; schedule 30 3 * * 1-5 active')");
        Assert.True(Scheduled(server));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Browser.ScreenshotPath("designer-05-publish-schedule") });
    }

    private static bool Scheduled(PortalServer server)
    {
        using var connection = server.Get<JobStorage>().GetConnection();
        return connection.GetRecurringJobs().Any(j => j.Id == "workflow:nightly-designed");
    }
}
