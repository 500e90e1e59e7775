using Microsoft.Playwright;

namespace T1.Server.Tests.Portal;

/// <summary>
/// The set-up every portal test in Chromium shares: the real app on a loopback port (by default sign-in required, admin
/// password <see cref="PortalServer.AdminPassword"/>; with <c>requireLogin: false</c> open access on loopback, where the
/// user is admin), Debian's Chromium, and pages signed in as admin.
/// </summary>
public abstract class PortalBrowserTest(bool requireLogin = true) : IAsyncLifetime
{
    protected PortalServer Server { get; private set; } = null!;
    protected Browser Chromium { get; private set; } = null!;

    public virtual async Task InitializeAsync()
    {
        Server = await PortalServer.StartAsync(requireLogin);
        Chromium = await Browser.LaunchAsync();
    }

    public virtual async Task DisposeAsync()
    {
        if (Chromium is not null) await Chromium.DisposeAsync();
        if (Server is not null) await Server.DisposeAsync();
    }

    /// <summary>A page of <paramref name="width"/> × <paramref name="height"/> (1400 × 1000 unless told) whose waits last up to 30 s (the machine may be loaded).</summary>
    protected async Task<IPage> NewPageAsync(int width = 1400, int height = 1000)
    {
        var page = await Chromium.Instance.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });
        page.SetDefaultTimeout(30_000);
        return page;
    }

    /// <summary>Signs in as admin on the login form the page shows, and waits for the runs page to be interactive.</summary>
    protected async Task SignInAsync(IPage page, string user = "admin", string password = PortalServer.AdminPassword)
    {
        await page.FillAsync("#user", user);
        await page.FillAsync("#password", password);
        await page.ClickAsync("#sign-in");
        // Not WaitForURLAsync: when the click has already committed the redirect, Playwright waits for the "load" event
        // instead, and CI once timed out there after 30 s with the runs page loaded. This predicate is checked again in
        // each new document, so it holds across the redirect: the runs page is interactive, or the form shows an error.
        await page.WaitForFunctionAsync("""
            () => document.querySelector('#login-error') !== null
               || (location.pathname === '/' && document.querySelector("#interactive[data-interactive='true']") !== null)
            """, null, new PageWaitForFunctionOptions { Timeout = 60_000, PollingInterval = 100 });
        if (await page.Locator("#login-error").CountAsync() > 0)
            Assert.Fail($"signing in as {user} failed: {await page.InnerTextAsync("#login-error")} ({page.Url})");
    }

    /// <summary>A new page signed in as admin through the login page.</summary>
    protected async Task<IPage> SignedInPageAsync()
    {
        var page = await NewPageAsync();
        await page.GotoAsync(Server.Address + "/login");
        await SignInAsync(page);
        return page;
    }

    /// <summary>Saves a screenshot of the page as <c>screenshots/&lt;name&gt;.png</c>; <paramref name="fullPage"/> false keeps to the viewport.</summary>
    protected static Task ShotAsync(IPage page, string name, bool fullPage = true) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Browser.ScreenshotPath(name), FullPage = fullPage });

    /// <summary>Runs <paramref name="walk"/>; when it fails, saves a screenshot of the page as it was (failure-&lt;name&gt;-HHmmss).</summary>
    protected static async Task WithFailureScreenshotAsync(IPage page, string name, Func<Task> walk)
    {
        try
        {
            await walk();
        }
        catch
        {
            await FailureShotAsync(page, name);
            throw;
        }
    }

    /// <summary>Saves the whole page as it is now as <c>screenshots/failure-&lt;name&gt;-HHmmss.png</c>, for a test that is failing.</summary>
    protected static Task FailureShotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Browser.ScreenshotPath($"failure-{name}-" + DateTime.UtcNow.ToString("HHmmss")), FullPage = true });
}
