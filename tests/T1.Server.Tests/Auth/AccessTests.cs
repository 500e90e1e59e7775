using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using T1.Server.Auth;
using T1.Server.Tests.Portal;
using T1.Storage.Database;

namespace T1.Server.Tests.Auth;

/// <summary>Sign-in, roles and API keys on a server that requires sign-in (the real app over HTTP).</summary>
public sealed class AccessTests : IAsyncLifetime
{
    private PortalServer _server = null!;

    public async Task InitializeAsync() => _server = await PortalServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private const string Hello = "name: access-hello\nsteps:\n  - id: a\n    uses: echo\n    with: { message: hi }\n";

    [Fact]
    public async Task WithoutCredentials_ApiGets401_PortalAndDashboardRedirectToLogin()
    {
        using var http = _server.Client();
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/runs")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.PostAsJsonAsync("/api/runs", new { workflow = Hello })).StatusCode);
        foreach (var path in new[] { "/", "/runs", "/hangfire" })
        {
            var response = await http.GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("/login", response.Headers.Location!.PathAndQuery);
        }
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/login")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
    }

    [Fact]
    public async Task UnknownApiKey_Gets401()
    {
        using var http = _server.Client("t1_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/runs")).StatusCode);
    }

    [Fact]
    public async Task Roles_ViewerReads_OperatorRuns_AdminPublishesAndManagesKeys_OthersGet403()
    {
        var keys = new Dictionary<string, string>();
        foreach (var role in Roles.All) keys[role] = await _server.KeyAsync(role);
        var runId = await _server.StartRunAsync(Hello);
        var cases = new (string Role, string Method, string Path, object? Body, HttpStatusCode Expected)[]
        {
            (Roles.Viewer, "GET", "/api/runs", null, HttpStatusCode.OK),
            (Roles.Viewer, "GET", $"/api/runs/{runId}", null, HttpStatusCode.OK),
            (Roles.Viewer, "GET", "/api/steps", null, HttpStatusCode.OK),
            (Roles.Viewer, "POST", "/api/runs", new { workflow = Hello }, HttpStatusCode.Forbidden),
            (Roles.Viewer, "POST", $"/api/runs/{runId}/cancel", null, HttpStatusCode.Forbidden),
            (Roles.Viewer, "POST", $"/api/runs/{runId}/resume", null, HttpStatusCode.Forbidden),
            (Roles.Viewer, "GET", "/hangfire", null, HttpStatusCode.Forbidden),
            (Roles.Operator, "POST", "/api/runs", new { workflow = Hello }, HttpStatusCode.Created),
            (Roles.Operator, "POST", "/api/runs/nope/cancel", null, HttpStatusCode.NotFound),
            (Roles.Operator, "GET", "/hangfire", null, HttpStatusCode.OK),
            (Roles.Operator, "POST", "/api/definitions", Hello, HttpStatusCode.Forbidden),
            (Roles.Operator, "GET", "/api/keys", null, HttpStatusCode.Forbidden),
            (Roles.Operator, "POST", "/api/keys", new { name = "x", role = "viewer" }, HttpStatusCode.Forbidden),
            (Roles.Admin, "POST", "/api/definitions", Hello, HttpStatusCode.Created),
            (Roles.Admin, "GET", "/api/keys", null, HttpStatusCode.OK),
            (Roles.Admin, "POST", "/api/keys", new { name = "ci", role = "operator" }, HttpStatusCode.Created),
        };
        var wrong = new List<string>();
        foreach (var c in cases)
        {
            using var http = _server.Client(keys[c.Role]);
            var request = new HttpRequestMessage(new HttpMethod(c.Method), c.Path)
            {
                Content = c.Body switch { null => null, string yaml => new StringContent(yaml, Encoding.UTF8, "application/yaml"), var o => JsonContent.Create(o) },
            };
            var status = (await http.SendAsync(request)).StatusCode;
            if (status != c.Expected) wrong.Add($"{c.Role} {c.Method} {c.Path}: {(int)status}, expected {(int)c.Expected}");
        }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact]
    public async Task ApiKey_CreatedByAdmin_IsStoredOnlyAsHash_AndStopsWorkingWhenRevoked()
    {
        using var admin = _server.Client(await _server.KeyAsync(Roles.Admin));
        var created = await admin.PostAsJsonAsync("/api/keys", new { name = "nightly script", role = "viewer" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = (await created.Content.ReadFromJsonAsync<JsonObject>())!;
        var key = body["key"]!.GetValue<string>();
        var id = body["info"]!["id"]!.GetValue<long>();
        Assert.StartsWith(AccountStore.KeyPrefix, key);

        await using (var db = _server.Get<DatabaseFactory>().Create())
        {
            var row = await db.ApiKeys.SingleAsync(k => k.Id == id);
            Assert.Equal(AccountStore.Sha256(key), row.Hash);
            Assert.DoesNotContain(key, $"{row.Name}|{row.Prefix}|{row.Hash}|{row.Role}|{row.CreatedBy}");
        }
        var listed = await admin.GetStringAsync("/api/keys");
        Assert.DoesNotContain(key, listed);

        using var script = _server.Client(key);
        var me = (await script.GetFromJsonAsync<JsonObject>("/api/me"))!;
        Assert.Equal("viewer", me["role"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/keys/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await script.GetAsync("/api/runs")).StatusCode);
    }

    [Fact]
    public async Task CookieLogin_RequiresAntiforgeryToken_RejectsWrongPassword_ThenOpensPortalAndApi()
    {
        var cookies = new CookieContainer();
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = new Uri(_server.Address) };
        var token = await LoginForm.TokenAsync(browser);

        var noToken = await browser.PostAsync("/account/login", LoginForm.Fields("admin", PortalServer.AdminPassword, null));
        Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);

        var wrong = await browser.PostAsync("/account/login", LoginForm.Fields("admin", "not-the-password", token));
        Assert.Equal(HttpStatusCode.Redirect, wrong.StatusCode);
        Assert.Contains("error=1", wrong.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/runs")).StatusCode);

        var right = await browser.PostAsync("/account/login", LoginForm.Fields("admin", PortalServer.AdminPassword, token, "/runs"));
        Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
        Assert.Equal("/runs", right.Headers.Location!.OriginalString);
        var me = (await browser.GetFromJsonAsync<JsonObject>("/api/me"))!;
        Assert.Equal("admin", me["name"]!.GetValue<string>());
        Assert.Equal("admin", me["role"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/runs")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/hangfire")).StatusCode);

        // Antiforgery tokens belong to a user: the anonymous one no longer fits after sign-in.
        Assert.Equal(HttpStatusCode.BadRequest, (await browser.PostAsync("/account/logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }))).StatusCode);
        var signedInToken = await LoginForm.TokenAsync(browser);
        var signOut = await browser.PostAsync("/account/logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = signedInToken }));
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/runs")).StatusCode);
    }

    [Fact]
    public async Task Admin_CreatesUsers_WhoSignInWithTheirRole_AndChangeTheirOwnPassword()
    {
        using var admin = _server.Client(await _server.KeyAsync(Roles.Admin));
        var created = await admin.PostAsJsonAsync("/api/users", new { name = "olga", password = "operator-pass", role = "operator" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsJsonAsync("/api/users", new { name = "olga", password = "operator-pass", role = "viewer" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsJsonAsync("/api/users", new { name = "x", password = "short", role = "viewer" })).StatusCode);
        Assert.DoesNotContain("operator-pass", await admin.GetStringAsync("/api/users"));

        var cookies = new CookieContainer();
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = new Uri(_server.Address) };
        await browser.PostAsync("/account/login", LoginForm.Fields("olga", "operator-pass", await LoginForm.TokenAsync(browser)));
        Assert.Equal("operator", (await browser.GetFromJsonAsync<JsonObject>("/api/me"))!["role"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.GetAsync("/api/users")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.PostAsJsonAsync("/api/me/password", new { current = "wrong-pass", password = "new-password" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await browser.PostAsJsonAsync("/api/me/password", new { current = "operator-pass", password = "new-password" })).StatusCode);
        Assert.NotNull(await _server.Get<AccountStore>().VerifyPasswordAsync("olga", "new-password"));
        Assert.Null(await _server.Get<AccountStore>().VerifyPasswordAsync("olga", "operator-pass"));
    }

    [Fact]
    public async Task LoginRedirect_NeverLeavesTheSite()
    {
        var cookies = new CookieContainer();
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = new Uri(_server.Address) };
        var token = await LoginForm.TokenAsync(browser);
        var response = await browser.PostAsync("/account/login", LoginForm.Fields("admin", PortalServer.AdminPassword, token, "//evil.example/x"));
        Assert.Equal("/", response.Headers.Location!.OriginalString);
    }
}
