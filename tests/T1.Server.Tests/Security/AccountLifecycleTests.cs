using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using T1.Server.Auth;
using T1.Server.Tests.Portal;
using T1.Storage.Database;

namespace T1.Server.Tests.Security;

/// <summary>Disable, enable, delete, role change and password change: the user's other sessions end at their next request; nothing else is revoked.</summary>
public sealed class AccountLifecycleTests : IAsyncLifetime
{
    private PortalServer _server = null!;

    public async Task InitializeAsync() => _server = await PortalServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("disable")]
    [InlineData("role")]
    [InlineData("password")]
    [InlineData("delete")]
    public async Task Change_EndsTheUsersOtherSessions_AtTheirNextRequest_AndRevokesNothingElse(string change)
    {
        await _server.Get<AccountStore>().CreateUserAsync("olga", "operator-pass", Roles.Operator);
        using var otherBrowser = await Sessions.SignedInAsync(_server, "olga", "operator-pass");
        using var ownBrowser = await Sessions.SignedInAsync(_server, "olga", "operator-pass");
        using var admin = _server.Client(await _server.KeyAsync(Roles.Admin));
        using var script = _server.Client(await _server.KeyAsync(Roles.Operator));
        Assert.Equal(HttpStatusCode.OK, (await otherBrowser.GetAsync("/api/me")).StatusCode);

        var answer = change switch
        {
            "disable" => await admin.PostAsync("/api/users/olga/disable", null),
            "role" => await admin.PostAsJsonAsync("/api/users/olga/role", new { role = "viewer" }),
            "password" => await ownBrowser.PostAsJsonAsync("/api/me/password", new { current = "operator-pass", password = "new-password" }),
            _ => await admin.DeleteAsync("/api/users/olga"),
        };
        Assert.True(answer.IsSuccessStatusCode, $"{(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync()}");

        Assert.Equal(HttpStatusCode.Unauthorized, (await otherBrowser.GetAsync("/api/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await otherBrowser.GetAsync("/runs")).StatusCode);
        // The session that changed its own password goes on; API keys and other users are not touched.
        if (change == "password") Assert.Equal(HttpStatusCode.OK, (await ownBrowser.GetAsync("/api/me")).StatusCode);
        else Assert.Equal(HttpStatusCode.Unauthorized, (await ownBrowser.GetAsync("/api/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await script.GetAsync("/api/runs")).StatusCode);
        using var adminBrowser = await Sessions.SignedInAsync(_server, "admin", PortalServer.AdminPassword);
        Assert.Equal(HttpStatusCode.OK, (await adminBrowser.GetAsync("/api/me")).StatusCode);

        using var again = Sessions.Browser(_server);
        var signIn = await Sessions.SignInAsync(again, "olga", change == "password" ? "new-password" : "operator-pass");
        switch (change)
        {
            case "disable": Assert.StartsWith("/login?error=disabled", signIn); break;
            case "delete": Assert.StartsWith("/login?error=1", signIn); break;
            default:
                Assert.Equal("/", signIn);
                Assert.Equal(change == "role" ? "viewer" : "operator", (await again.GetFromJsonAsync<JsonObject>("/api/me"))!["role"]!.GetValue<string>());
                break;
        }
    }

    [Fact]
    public async Task Enable_LetsADisabledUserSignInAgain_AndListShowsTheState()
    {
        await _server.Get<AccountStore>().CreateUserAsync("vera", "viewer-pass", Roles.Viewer);
        using var admin = _server.Client(await _server.KeyAsync(Roles.Admin));
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync("/api/users/vera/disable", null)).StatusCode);
        var listed = (await admin.GetFromJsonAsync<JsonArray>("/api/users"))!.Single(u => u!["name"]!.GetValue<string>() == "vera")!;
        Assert.True(listed["disabled"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync("/api/users/vera/enable", null)).StatusCode);
        using var browser = await Sessions.SignedInAsync(_server, "vera", "viewer-pass");
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/me")).StatusCode);
    }

    [Fact]
    public async Task TheLastActiveAdmin_CannotBeDisabledDeletedOrDemoted_AndUnknownUsersGet404()
    {
        using var admin = _server.Client(await _server.KeyAsync(Roles.Admin));
        var before = await DatabaseState.ReadAsync(_server.Get<DatabaseFactory>());
        foreach (var response in new[]
        {
            await admin.PostAsync("/api/users/admin/disable", null),
            await admin.PostAsJsonAsync("/api/users/admin/role", new { role = "operator" }),
            await admin.DeleteAsync("/api/users/admin"),
        })
        {
            Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
            Assert.Contains("it is the last active admin", await response.Content.ReadAsStringAsync());
        }
        Assert.Equal(before, await DatabaseState.ReadAsync(_server.Get<DatabaseFactory>()));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync("/api/users/nobody/disable", null)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsJsonAsync("/api/users/admin/role", new { role = "root" })).StatusCode);

        await _server.Get<AccountStore>().CreateUserAsync("second", "second-admin", Roles.Admin);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync("/api/users/admin/role", new { role = "operator" })).StatusCode);
    }

    [Fact]
    public async Task Operator_CannotManageUsers()
    {
        await _server.Get<AccountStore>().CreateUserAsync("olga", "operator-pass", Roles.Operator);
        using var browser = await Sessions.SignedInAsync(_server, "olga", "operator-pass");
        var before = await DatabaseState.ReadAsync(_server.Get<DatabaseFactory>());
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.PostAsync("/api/users/admin/disable", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.PostAsJsonAsync("/api/users/olga/role", new { role = "admin" })).StatusCode);
        Assert.Equal(before, await DatabaseState.ReadAsync(_server.Get<DatabaseFactory>()));
    }
}
