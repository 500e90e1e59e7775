using Hangfire;
using Hangfire.Storage;
using T1.Server.Tests.Portal;

namespace T1.Server.Tests.Designer;

/// <summary>Publishing from the designer treats a workflow's schedule like POST /api/definitions: active unless unticked, and says which.</summary>
public sealed class DesignerPublishScheduleTests : DesignerBrowserTest
{
    private const string Yaml = "name: nightly-designed\nschedule: \"30 3 * * 1-5\"\nsteps:\n  - id: greet\n    uses: echo\n    with: { message: hi }\n";

    [Fact]
    public async Task Publish_ActivatesTheSchedule_AndSaysSo_UnlessUnticked()
    {
        using (var http = Server.Client())
            Assert.True((await http.PostAsync("/api/definitions?schedule=off", new StringContent(Yaml, System.Text.Encoding.UTF8, "application/yaml"))).IsSuccessStatusCode);
        Assert.False(Scheduled(Server));
        var page = await OpenDesignerAsync("nightly-designed", 1500, 1000);

        await page.UncheckAsync("#activate-schedule");
        await page.ClickAsync("#publish");
        await page.WaitForSelectorAsync("#designer-message:has-text('schedule 30 3 * * 1-5 disabled (enable it on Schedules)')");
        Assert.False(Scheduled(Server));

        await page.CheckAsync("#activate-schedule");
        await page.ClickAsync("#publish");
        await page.WaitForSelectorAsync("#designer-message:has-text('unchanged: this is already nightly-designed v1; schedule 30 3 * * 1-5 active')");
        Assert.True(Scheduled(Server));
        await ShotAsync(page, "designer-05-publish-schedule", fullPage: false);
    }

    private static bool Scheduled(PortalServer server)
    {
        using var connection = server.Get<JobStorage>().GetConnection();
        return connection.GetRecurringJobs().Any(j => j.Id == "workflow:nightly-designed");
    }
}
