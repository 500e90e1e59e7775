using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using T1.Server.Auth;
using T1.Server.Tests.Portal;
using T1.Storage.Database;

namespace T1.Server.Tests.Auth;

public sealed partial class FirstAdminTests
{
    [Fact]
    public async Task FirstStart_CreatesAdmin_AndTellsItsPasswordOnce_NotAgainOnTheNextStart()
    {
        var dir = Path.Combine(Path.GetTempPath(), "t1-first-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            string password;
            await using (var first = await PortalServer.StartAsync(adminPassword: null, dir: dir))
            {
                var line = ServerApp.AccessLine(first.App);
                var match = Password().Match(line);
                Assert.True(match.Success, line);
                password = match.Groups[1].Value;
                await using var db = first.Get<DatabaseFactory>().Create();
                var admin = await db.Users.SingleAsync();
                Assert.Equal(("admin", Roles.Admin), (admin.Name, admin.Role));
                Assert.DoesNotContain(password, admin.PasswordHash);
                Assert.NotNull(await first.Get<AccountStore>().VerifyPasswordAsync("admin", password));
                Assert.Null(await first.Get<AccountStore>().VerifyPasswordAsync("admin", password + "x"));

                var cookies = new CookieContainer();
                using var browser = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = new Uri(first.Address) };
                var signIn = await browser.PostAsync("/account/login", LoginForm.Fields("admin", password, await LoginForm.TokenAsync(browser)));
                Assert.Equal("/", signIn.Headers.Location!.OriginalString);
                Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/runs")).StatusCode);
            }
            await using (var second = await PortalServer.StartAsync(adminPassword: null, dir: dir))
            {
                var line = ServerApp.AccessLine(second.App);
                Assert.DoesNotContain("first start", line);
                Assert.DoesNotContain(password, line);
                Assert.Contains("sign-in required", line);
                await using var db = second.Get<DatabaseFactory>().Create();
                Assert.Equal(1, await db.Users.CountAsync());
            }
        }
        finally
        {
            try { Directory.Delete(dir, true); } catch (IOException) { }
        }
    }

    [Fact]
    public async Task LoopbackDefault_RunsOpen_SaysSo_AndCreatesNoUser()
    {
        await using var server = await PortalServer.StartAsync(requireLogin: false, adminPassword: null);
        Assert.Contains("OPEN", ServerApp.AccessLine(server.App));
        using var http = server.Client();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/runs")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/")).StatusCode);
        await using var db = server.Get<DatabaseFactory>().Create();
        Assert.Equal(0, await db.Users.CountAsync());
    }

    [GeneratedRegex("with password (\\S+) ")]
    private static partial Regex Password();
}
