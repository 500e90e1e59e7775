using Microsoft.Playwright;
using T1.Server.Auth;
using T1.Server.Tests.Portal;

namespace T1.Server.Tests.Designer;

/// <summary>With sign-in required, a viewer can look at the designer but has no save, publish or run buttons.</summary>
public sealed class DesignerAccessTests : IAsyncLifetime
{
    private PortalServer _server = null!;
    private Browser _browser = null!;

    public async Task InitializeAsync()
    {
        _server = await PortalServer.StartAsync(requireLogin: true);
        _browser = await Browser.LaunchAsync();
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Viewer_SeesTheDesigner_WithoutSavePublishOrRun()
    {
        await _server.RegisterAsync("workflows/hello.yaml");
        await _server.Get<AccountStore>().CreateUserAsync("vera", "viewer-password", Roles.Viewer);
        var page = await _browser.Instance.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        await page.GotoAsync(_server.Address + "/designer/hello");
        Assert.Contains("/login", page.Url);
        await page.FillAsync("#user", "vera");
        await page.FillAsync("#password", "viewer-password");
        await page.ClickAsync("#sign-in");
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/designer/hello$"));
        await Browser.WaitInteractiveAsync(page);
        await page.WaitForSelectorAsync("g.node[data-step='summary']");
        await page.WaitForSelectorAsync("tr[data-version='1']");
        Assert.Equal(0, await page.Locator("#publish").CountAsync());
        Assert.Equal(0, await page.Locator("#save-draft").CountAsync());
        Assert.Equal(0, await page.Locator("button.run-version").CountAsync());
    }
}
