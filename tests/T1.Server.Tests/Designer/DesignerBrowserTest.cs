using Microsoft.Playwright;
using T1.Server.Tests.Portal;

namespace T1.Server.Tests.Designer;

/// <summary>
/// What the designer's Chromium tests share: the real app with open access on loopback (the user is admin), and a
/// page opened on the designer — empty, or on a registered workflow — once its circuit is interactive.
/// </summary>
public abstract class DesignerBrowserTest() : PortalBrowserTest(requireLogin: false)
{
    /// <summary>A straight edge has an empty bounding box, which Playwright calls hidden: edges are awaited in the DOM.</summary>
    protected static readonly PageWaitForSelectorOptions Attached = new() { State = WaitForSelectorState.Attached };

    /// <summary>A new <paramref name="width"/> × <paramref name="height"/> page on <c>/designer</c> (or <c>/designer/{workflow}</c>), interactive.</summary>
    protected async Task<IPage> OpenDesignerAsync(string? workflow = null, int width = 1500, int height = 1100)
    {
        var page = await NewPageAsync(width, height);
        await GotoDesignerAsync(page, workflow);
        return page;
    }

    /// <summary>Opens <c>/designer</c> (or <c>/designer/{workflow}</c>) on <paramref name="page"/> and waits until it is interactive.</summary>
    protected async Task GotoDesignerAsync(IPage page, string? workflow = null)
    {
        await page.GotoAsync(Server.Address + "/designer" + (workflow is null ? "" : "/" + workflow));
        await Browser.WaitInteractiveAsync(page);
    }
}
