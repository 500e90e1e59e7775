using Microsoft.Playwright;
using T1.Server.Auth;
using T1.Server.Tests.Portal;

namespace T1.Server.Tests.Security;

/// <summary>An open portal page (a Blazor circuit, no further HTTP requests) also loses the rights of a user who was disabled.</summary>
public sealed class PortalSessionTests : PortalBrowserTest
{
    [Fact]
    public async Task OpenPage_OfADisabledUser_LosesItsOperatorButtons_WithinSeconds()
    {
        await Server.Get<AccountStore>().CreateUserAsync("olga", "operator-pass", Roles.Operator);
        var page = await NewPageAsync();
        await page.GotoAsync(Server.Address + "/login");
        await SignInAsync(page, "olga", "operator-pass");
        await page.WaitForSelectorAsync("#start-run");
        Assert.Equal("olga · operator", await page.InnerTextAsync("#who"));

        await Server.Get<UserAdministration>().DisableAsync("olga");
        // The page's interactive part (the start button is for operators) re-checks the stamp every 5 s.
        await page.WaitForSelectorAsync("#start-run", new PageWaitForSelectorOptions { State = WaitForSelectorState.Detached, Timeout = 15_000 });
        await ShotAsync(page, "security-disabled-user-page", fullPage: false);
    }
}
