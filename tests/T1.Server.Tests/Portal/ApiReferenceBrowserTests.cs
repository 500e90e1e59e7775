using Microsoft.Playwright;

namespace T1.Server.Tests.Portal;

/// <summary>The API reference page (Scalar) in Chromium works offline: it renders the operations and asks nothing of the internet.</summary>
public sealed class ApiReferenceBrowserTests() : PortalBrowserTest(requireLogin: false)
{
    [Fact]
    public async Task ScalarPage_RendersTheOperations_WithoutAnyRequestLeavingTheServer()
    {
        var page = await NewPageAsync();
        var outside = new List<string>();
        // Everything not addressed to this server is recorded and refused, as it would fail on a machine without internet.
        await page.RouteAsync("**/*", async route =>
        {
            if (route.Request.Url.StartsWith(Server.Address, StringComparison.Ordinal) || route.Request.Url.StartsWith("data:", StringComparison.Ordinal))
                await route.ContinueAsync();
            else
            {
                lock (outside) outside.Add(route.Request.Url);
                await route.AbortAsync();
            }
        });

        await page.GotoAsync(Server.Address + "/scalar/v1");
        try
        {
            await page.GetByText("T1 Platform API").First.WaitForAsync();
            await page.GetByText("List step types with their declared inputs and outputs").First.WaitForAsync();
        }
        catch (TimeoutException)
        {
            await FailureShotAsync(page, "api-reference");
            Assert.Fail("the API reference did not render; requests that left the server: " + string.Join(", ", outside));
        }
        await page.WaitForTimeoutAsync(1500); // late requests (fonts, telemetry) would come after the first render
        await ShotAsync(page, "13-api-reference", fullPage: false);

        Assert.True(outside.Count == 0, "requests left the server: " + string.Join(", ", outside));
    }
}
