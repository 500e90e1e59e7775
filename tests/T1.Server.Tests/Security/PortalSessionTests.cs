using Microsoft.Playwright;
using T1.Server.Auth;
using T1.Server.Tests.Portal;

namespace T1.Server.Tests.Security;

/// <summary>An open portal page (a Blazor circuit, no further HTTP requests) also loses the rights of a user who was disabled.</summary>
public sealed class PortalSessionTests
{
    [Fact]
    public async Task OpenPage_OfADisabledUser_LosesItsOperatorButtons_WithinSeconds()
    {
        await using var server = await PortalServer.StartAsync();
        await using var browser = await Browser.LaunchAsync();
        await server.Get<AccountStore>().CreateUserAsync("olga", "operator-pass", Roles.Operator);
        var page = await browser.Instance.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        await page.GotoAsync(server.Address + "/login");
        await page.FillAsync("#user", "olga");
        await page.FillAsync("#password", "operator-pass");
        await page.ClickAsync("#sign-in");
        await page.WaitForURLAsync(server.Address + "/", new PageWaitForURLOptions { WaitUntil = WaitUntilState.Commit });
        await Browser.WaitInteractiveAsync(page);
        await page.WaitForSelectorAsync("#start-run");
        Assert.Equal("olga · operator", await page.InnerTextAsync("#who"));

        await server.Get<UserAdministration>().DisableAsync("olga");
        // The page's interactive part (the start button is for operators) re-checks the stamp every 5 s.
        await page.WaitForSelectorAsync("#start-run", new PageWaitForSelectorOptions { State = WaitForSelectorState.Detached, Timeout = 15_000 });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Browser.ScreenshotPath("security-disabled-user-page") });
    }
}
