using Microsoft.Extensions.Logging;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using T1.Server.Auth;
using T1.Server.Tests.Auth;
using T1.Server.Tests.Portal;
using T1.Storage.Database;
using static T1.Server.Tests.Security.Requests;

namespace T1.Server.Tests.Security;

/// <summary>A server that requires sign-in: roles for publishing, the cookie behind a TLS proxy, allowed hosts, secrets.</summary>
public sealed partial class SignInModeTests
{
    private const string Fresh = "name: fresh\nschedule: \"* * * * *\"\nparams: { who: world }\nsteps:\n  - id: a\n    uses: echo\n    with: { message: \"hi ${{ params.who }}\" }\n";

    [Fact]
    public async Task Operator_RunningWorkflowTextThatIsNotStored_Gets403_NothingIsPublished_ButStoredVersionsStart()
    {
        await using var server = await PortalServer.StartAsync();
        using var operatorKey = server.Client(await server.KeyAsync(Roles.Operator));
        var before = await DatabaseState.ReadAsync(server.Get<DatabaseFactory>());

        using var refused = await operatorKey.PostAsJsonAsync("/api/runs", new { workflow = Fresh });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("this text of workflow 'fresh' is not stored yet, and running it would publish it as a new version, which needs the admin role. "
            + "Start a stored version with {\"name\": \"fresh\", \"version\": N, \"params\": {…}} (GET /api/definitions lists them), or ask an admin to publish it.",
            (await refused.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>());
        await Task.Delay(1500); // a stored "* * * * *" schedule would have fired by now
        Assert.Equal(before, await DatabaseState.ReadAsync(server.Get<DatabaseFactory>()));

        await server.RegisterYamlAsync("fresh.yaml", Fresh.Replace("schedule: \"* * * * *\"\n", ""));
        var stored = Fresh.Replace("schedule: \"* * * * *\"\n", "");
        Assert.Equal(HttpStatusCode.Created, (await operatorKey.PostAsJsonAsync("/api/runs", new { workflow = stored })).StatusCode);
        using var byName = await operatorKey.PostAsJsonAsync("/api/runs", new { name = "fresh", version = 1, @params = new Dictionary<string, string> { ["who"] = "ops" } });
        Assert.Equal(HttpStatusCode.Created, byName.StatusCode);
        Assert.Equal("ops", (await byName.Content.ReadFromJsonAsync<JsonObject>())!["params"]!["who"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, (await operatorKey.PostAsJsonAsync("/api/runs", new { name = "fresh", version = 7 })).StatusCode);
        using var admin = server.Client(await server.KeyAsync(Roles.Admin));
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/runs", new { workflow = Fresh.Replace("hi", "hello") })).StatusCode);
    }

    [Fact]
    public async Task AuthCookie_IsSecure_WhenATrustedProxySaysHttps_AndOnlyThen()
    {
        await using var server = await PortalServer.StartAsync();
        Assert.Contains("secure", await SignInCookieAsync(server, https: true), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", await SignInCookieAsync(server, https: false), StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Signs in as a browser behind a proxy would (X-Forwarded-Proto) and returns the Set-Cookie of t1.auth.</summary>
    private static async Task<string> SignInCookieAsync(PortalServer server, bool https)
    {
        using var http = server.Client();
        var login = Get("/login");
        if (https) login.Headers.Add("X-Forwarded-Proto", "https");
        using var page = await http.SendAsync(login);
        var antiforgery = page.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(".AspNetCore.Antiforgery", StringComparison.Ordinal)).Split(';')[0];
        var token = WebUtility.HtmlDecode(TokenInput().Match(await page.Content.ReadAsStringAsync()).Groups[1].Value);
        var post = new HttpRequestMessage(HttpMethod.Post, "/account/login") { Content = LoginForm.Fields("admin", PortalServer.AdminPassword, token) };
        post.Headers.Add("Cookie", antiforgery);
        if (https) post.Headers.Add("X-Forwarded-Proto", "https");
        using var response = await http.SendAsync(post);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
        return response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("t1.auth=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AllowedHosts_AreTheOnlyNamesAnswered()
    {
        await using var server = await PortalServer.StartAsync(configure: o => o.Auth.AllowedHosts = "t1.example.org; *.t1.internal");
        using var http = server.Client();
        var port = new Uri(server.Address).Port;
        foreach (var host in new[] { "t1.example.org", $"t1.example.org:{port}", $"eu.t1.internal:{port}" })
            Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(Get("/healthz", host))).StatusCode);
        foreach (var host in new[] { $"evil.example:{port}", $"127.0.0.1:{port}", "t1.example.org.evil.example" })
        {
            using var response = await http.SendAsync(Get("/healthz", host));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains($"is not one of this server's names (t1.example.org;*.t1.internal); if it should be, add it to T1__Auth__AllowedHosts.", await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task CrossSiteSignIn_Gets403()
    {
        await using var server = await PortalServer.StartAsync();
        using var browser = Sessions.Browser(server);
        var request = new HttpRequestMessage(HttpMethod.Post, "/account/login") { Content = LoginForm.Fields("admin", PortalServer.AdminPassword, await LoginForm.TokenAsync(browser)) };
        request.Headers.Add("Origin", Evil);
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.SendAsync(request)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/me")).StatusCode);
    }

    [Fact]
    public async Task FirstAdminPassword_IsOnTheStartUpLineOnly_NeverInTheLog()
    {
        var log = new LogRecorder();
        await using var server = await PortalServer.StartAsync(adminPassword: null, logging: l => l.AddProvider(log));
        var line = ServerApp.AccessLine(server.App);
        var password = Regex.Match(line, "with password (\\S+) ").Groups[1].Value;
        Assert.NotEqual("", password);
        Assert.Contains("first start: created admin 'admin' (generated password printed once on the console, not logged); sign in at /login", log.All);
        Assert.DoesNotContain(password, log.All);
    }

    [Fact]
    public async Task MissingArtifact_Gets404_WithoutNamingServerPaths()
    {
        await using var server = await PortalServer.StartAsync(requireLogin: false);
        using var http = server.Client();
        using var response = await http.GetAsync("/api/artifacts/" + new string('a', 64));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains($"there is no artifact {new string('a', 64)} in this server's artifact store", body);
        Assert.DoesNotContain(server.Directory, body);
        Assert.DoesNotContain(Path.GetTempPath().TrimEnd('/'), body);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex TokenInput();
}
