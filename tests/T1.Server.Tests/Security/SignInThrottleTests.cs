using Microsoft.Extensions.Logging;
using System.Net;
using Microsoft.EntityFrameworkCore;
using T1.Server.Auth;
using T1.Server.Tests.Portal;
using T1.Storage.Database;

namespace T1.Server.Tests.Security;

/// <summary>Per-account lockout with back-off, the per-address sign-in limit, API-key failure limit, and what the log says.</summary>
public sealed class SignInThrottleTests
{
    [Fact]
    public async Task Lockout_RefusesEvenTheRightPassword_DoublesOnTheNextWrongOne_AndEndsWithItsTime()
    {
        var log = new LogRecorder();
        await using var server = await PortalServer.StartAsync(configure: o =>
        {
            o.Auth.LockoutThreshold = 3;
            o.Auth.LockoutDuration = TimeSpan.FromSeconds(2);
        }, logging: l => l.AddProvider(log));
        await server.Get<AccountStore>().CreateUserAsync("lena", "right-password", Roles.Operator);
        using var browser = Sessions.Browser(server);

        Assert.StartsWith("/login?error=1&", await Sessions.SignInAsync(browser, "lena", "wrong-1"));
        Assert.StartsWith("/login?error=1&", await Sessions.SignInAsync(browser, "lena", "wrong-2"));
        Assert.StartsWith("/login?error=locked&minutes=1&", await Sessions.SignInAsync(browser, "lena", "wrong-3"));
        Assert.StartsWith("/login?error=locked", await Sessions.SignInAsync(browser, "lena", "right-password"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/me")).StatusCode);
        Assert.Contains("account locked until", log.All);

        await WaitUntilUnlockedAsync(server, "lena");
        var failedAt = DateTime.UtcNow;
        Assert.StartsWith("/login?error=locked", await Sessions.SignInAsync(browser, "lena", "wrong-4"));
        var lockedFor = (await UserAsync(server, "lena")).LockedUntil!.Value - failedAt;
        Assert.InRange(lockedFor.TotalSeconds, 3.0, 4.5); // 2 s doubled
        Assert.StartsWith("/login?error=locked", await Sessions.SignInAsync(browser, "lena", "right-password"));

        await WaitUntilUnlockedAsync(server, "lena");
        Assert.Equal("/", await Sessions.SignInAsync(browser, "lena", "right-password"));
        Assert.Equal(0, (await UserAsync(server, "lena")).FailedSignIns);
        Assert.DoesNotContain("wrong-", log.All);
        Assert.DoesNotContain("right-password", log.All);
    }

    [Fact]
    public void LockFor_StartsAtTheThreshold_Doubles_AndStopsAtTheMaximum()
    {
        var options = new AuthOptions();
        Assert.Equal(TimeSpan.Zero, SignInGuard.LockFor(options, 4));
        Assert.Equal(TimeSpan.FromMinutes(1), SignInGuard.LockFor(options, 5));
        Assert.Equal(TimeSpan.FromMinutes(2), SignInGuard.LockFor(options, 6));
        Assert.Equal(TimeSpan.FromMinutes(32), SignInGuard.LockFor(options, 10));
        Assert.Equal(TimeSpan.FromHours(1), SignInGuard.LockFor(options, 11));
        Assert.Equal(TimeSpan.FromHours(1), SignInGuard.LockFor(options, 500));
    }

    [Fact]
    public async Task FailedSignIns_AreLoggedWithUserAndAddress_NeverThePassword()
    {
        var log = new LogRecorder();
        await using var server = await PortalServer.StartAsync(logging: l => l.AddProvider(log));
        using var browser = Sessions.Browser(server);
        await Sessions.SignInAsync(browser, "admin", "Guess-Number-One");
        await Sessions.SignInAsync(browser, "nobody", "Guess-Number-Two");
        Assert.Contains("sign-in refused for user 'admin' from 127.0.0.1: wrong password (1 in a row)", log.All);
        Assert.Contains("sign-in refused for user 'nobody' from 127.0.0.1: no such user", log.All);
        Assert.DoesNotContain("Guess-Number", log.All);
    }

    [Fact]
    public async Task OneAddress_GetsOnlySoManySignInAttemptsAMinute_ThenA429_RightPasswordIncluded()
    {
        var log = new LogRecorder();
        await using var server = await PortalServer.StartAsync(configure: o => o.Auth.SignInAttemptsPerMinute = 3, logging: l => l.AddProvider(log));
        using var browser = Sessions.Browser(server);
        var token = await T1.Server.Tests.Auth.LoginForm.TokenAsync(browser);
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.Redirect, (await browser.PostAsync("/account/login", T1.Server.Tests.Auth.LoginForm.Fields("admin", $"wrong-{i}", token))).StatusCode);
        using var limited = await browser.PostAsync("/account/login", T1.Server.Tests.Auth.LoginForm.Fields("admin", PortalServer.AdminPassword, token));
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("too many sign-in attempts from 127.0.0.1 (at most 3 a minute); wait a minute and try again.", await limited.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/me")).StatusCode);
        Assert.Contains("sign-in refused from 127.0.0.1: more than 3 attempts a minute from this address", log.All);
    }

    [Fact]
    public async Task UnknownApiKeys_FromOneAddress_Are429AfterTheLimit_TheRightKeyIncluded()
    {
        var log = new LogRecorder();
        await using var server = await PortalServer.StartAsync(configure: o => o.Auth.ApiKeyFailuresPerMinute = 3, logging: l => l.AddProvider(log));
        var good = await server.KeyAsync(Roles.Viewer);
        for (var i = 0; i < 3; i++)
        {
            using var guess = server.Client($"t1_guess{i}AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
            Assert.Equal(HttpStatusCode.Unauthorized, (await guess.GetAsync("/api/runs")).StatusCode);
        }
        using var right = server.Client(good);
        using var response = await right.GetAsync("/api/runs");
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.StartsWith("too many requests with unknown or revoked API keys from 127.0.0.1; try again in ", await response.Content.ReadAsStringAsync());
        Assert.Contains("unknown or revoked API key t1_guess0AAA… from 127.0.0.1", log.All);
        Assert.DoesNotContain(good, log.All);
    }

    private static async Task<UserRecord> UserAsync(PortalServer server, string name)
    {
        await using var db = server.Get<DatabaseFactory>().Create();
        return await db.Users.AsNoTracking().SingleAsync(u => u.Name == name);
    }

    private static async Task WaitUntilUnlockedAsync(PortalServer server, string name)
    {
        var until = (await UserAsync(server, name)).LockedUntil;
        Assert.NotNull(until);
        var wait = until.Value - DateTime.UtcNow + TimeSpan.FromMilliseconds(100);
        if (wait > TimeSpan.Zero) await Task.Delay(wait);
    }
}
