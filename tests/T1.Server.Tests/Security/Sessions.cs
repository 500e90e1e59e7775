using System.Net;
using T1.Server.Tests.Auth;
using T1.Server.Tests.Portal;

namespace T1.Server.Tests.Security;

/// <summary>Browser-like clients (cookies, no redirects) that sign in through the form.</summary>
public static class Sessions
{
    public static HttpClient Browser(PortalServer server) =>
        new(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = new Uri(server.Address) };

    /// <summary>Posts the sign-in form; returns where it redirected to (<c>/</c> when signed in, <c>/login?error=…</c> when not).</summary>
    public static async Task<string> SignInAsync(HttpClient browser, string user, string password)
    {
        using var response = await browser.PostAsync("/account/login", LoginForm.Fields(user, password, await LoginForm.TokenAsync(browser)));
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return response.Headers.Location!.OriginalString;
    }

    /// <summary>A new browser, signed in.</summary>
    public static async Task<HttpClient> SignedInAsync(PortalServer server, string user, string password)
    {
        var browser = Browser(server);
        Assert.Equal("/", await SignInAsync(browser, user, password));
        return browser;
    }
}
