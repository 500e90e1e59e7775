using Microsoft.Playwright;

namespace T1.Server.Tests.Portal;

/// <summary>
/// Debian's Chromium driven by Playwright (its own browser download cannot work here, DESIGN.md). Fails with
/// what to do when Chromium is missing, never skips.
/// </summary>
public sealed class Browser : IAsyncDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private Browser(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        Instance = browser;
    }

    private readonly IPlaywright _playwright;
    public IBrowser Instance { get; }

    public static async Task<Browser> LaunchAsync()
    {
        var path = Environment.GetEnvironmentVariable("T1_TEST_CHROMIUM") is { Length: > 0 } p ? p : ChromiumPath;
        if (!File.Exists(path))
            Assert.Fail($"Chromium is not installed at {path}: run `apt-get install -y chromium` (scripts/test.sh does it) or set T1_TEST_CHROMIUM.");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = path,
            Headless = true,
            // WebGL in software (SwiftShader) for plotly's parallel coordinates: without a GPU, Chromium offers WebGL only with this flag.
            Args = ["--no-sandbox", "--disable-gpu", "--enable-unsafe-swiftshader", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        return new Browser(playwright, browser);
    }

    /// <summary>Screenshots go under the test output: bin/…/screenshots/&lt;name&gt;.png.</summary>
    public static string ScreenshotPath(string name)
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, name + ".png");
    }

    /// <summary>Waits until the page's Blazor circuit is connected (clicks before that are lost).</summary>
    public static Task WaitInteractiveAsync(IPage page) =>
        page.WaitForSelectorAsync("#interactive[data-interactive='true']", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached, Timeout = 30_000 });

    public async ValueTask DisposeAsync()
    {
        await Instance.DisposeAsync();
        _playwright.Dispose();
    }
}
