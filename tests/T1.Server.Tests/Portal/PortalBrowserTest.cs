using Microsoft.Playwright;

namespace T1.Server.Tests.Portal;

/// <summary>
/// The set-up every portal test in Chromium shares: the real app on a loopback port (sign-in required, admin
/// password <see cref="PortalServer.AdminPassword"/>), Debian's Chromium, and pages signed in as admin.
/// </summary>
public abstract class PortalBrowserTest : IAsyncLifetime
{
    protected PortalServer Server { get; private set; } = null!;
    protected Browser Chromium { get; private set; } = null!;

    public virtual async Task InitializeAsync()
    {
        Server = await PortalServer.StartAsync();
        Chromium = await Browser.LaunchAsync();
    }

    public virtual async Task DisposeAsync()
    {
        if (Chromium is not null) await Chromium.DisposeAsync();
        if (Server is not null) await Server.DisposeAsync();
    }

    /// <summary>A 1400 × 1000 page whose waits last up to 30 s (the machine may be loaded).</summary>
    protected async Task<IPage> NewPageAsync()
    {
        var page = await Chromium.Instance.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
        page.SetDefaultTimeout(30_000);
        return page;
    }

    /// <summary>Signs in as admin on the login form the page shows, and waits for the runs page to be interactive.</summary>
    protected async Task SignInAsync(IPage page, string user = "admin", string password = PortalServer.AdminPassword)
    {
        await page.FillAsync("#user", user);
        await page.FillAsync("#password", password);
        await page.ClickAsync("#sign-in");
        await page.WaitForURLAsync(Server.Address + "/", new PageWaitForURLOptions { WaitUntil = WaitUntilState.Commit });
        await Browser.WaitInteractiveAsync(page);
    }

    /// <summary>A new page signed in as admin through the login page.</summary>
    protected async Task<IPage> SignedInPageAsync()
    {
        var page = await NewPageAsync();
        await page.GotoAsync(Server.Address + "/login");
        await SignInAsync(page);
        return page;
    }

    /// <summary>Runs <paramref name="walk"/>; when it fails, saves a screenshot of the page as it was (failure-&lt;name&gt;-HHmmss).</summary>
    protected static async Task WithFailureScreenshotAsync(IPage page, string name, Func<Task> walk)
    {
        try
        {
            await walk();
        }
        catch
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Browser.ScreenshotPath($"failure-{name}-" + DateTime.UtcNow.ToString("HHmmss")), FullPage = true });
            throw;
        }
    }
}
