using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using T1.Storage.Database;

namespace T1.Server.Auth;

/// <summary>
/// Password checks of people (sign-in, and the current password of a password change) with a per-account lockout:
/// after <see cref="AuthOptions.LockoutThreshold"/> wrong passwords in a row the account is locked for
/// <see cref="AuthOptions.LockoutDuration"/>, each further wrong password doubles that (up to
/// <see cref="AuthOptions.LockoutMax"/>), and while locked no password is checked, the right one included.
/// Every refusal is logged with the user name and the client address, never the password.
/// </summary>
public sealed class SignInGuard(DatabaseFactory database, AuthOptions options, ILogger<SignInGuard> logger)
{
    public async Task<SignInResult> CheckAsync(string name, string password, string client, CancellationToken ct = default)
    {
        name = name.Trim();
        var result = await CheckCoreAsync(name, password, ct);
        if (result.Outcome != SignInOutcome.SignedIn)
            logger.LogWarning("sign-in refused for user '{User}' from {Client}: {Reason}", name, client, Reason(result));
        return result;
    }

    /// <summary>How long an account is locked after <paramref name="failures"/> wrong passwords in a row (zero below the threshold).</summary>
    public static TimeSpan LockFor(AuthOptions options, int failures)
    {
        if (failures < options.LockoutThreshold) return TimeSpan.Zero;
        var doublings = Math.Min(failures - options.LockoutThreshold, 30);
        var ticks = Math.Min(options.LockoutDuration.Ticks * Math.Pow(2, doublings), options.LockoutMax.Ticks);
        return TimeSpan.FromTicks((long)ticks);
    }

    private async Task<SignInResult> CheckCoreAsync(string name, string password, CancellationToken ct)
    {
        await using var db = database.Create();
        var user = await db.Users.FirstOrDefaultAsync(u => u.Name == name, ct);
        if (user is null)
        {
            await AccountStore.CheckPasswordAsync(db, null, password, ct);
            return new SignInResult(SignInOutcome.UnknownUser);
        }
        var now = DateTime.UtcNow;
        if (user.LockedUntil is { } until && until > now) return new SignInResult(SignInOutcome.Locked, Failures: user.FailedSignIns, LockedUntil: until);
        if (!await AccountStore.CheckPasswordAsync(db, user, password, ct))
        {
            // Counted in the database, atomically: several servers and parallel guesses all add up.
            await db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.FailedSignIns, u => u.FailedSignIns + 1), ct);
            var failures = await db.Users.Where(u => u.Id == user.Id).Select(u => u.FailedSignIns).FirstAsync(ct);
            var lockFor = LockFor(options, failures);
            if (lockFor == TimeSpan.Zero) return new SignInResult(SignInOutcome.WrongPassword, Failures: failures);
            var lockedUntil = now + lockFor;
            await db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.LockedUntil, lockedUntil), ct);
            return new SignInResult(SignInOutcome.Locked, Failures: failures, LockedUntil: lockedUntil);
        }
        if (user.DisabledAt is not null) return new SignInResult(SignInOutcome.Disabled);
        if (user.FailedSignIns != 0 || user.LockedUntil is not null)
        {
            user.FailedSignIns = 0;
            user.LockedUntil = null;
            await db.SaveChangesAsync(ct);
        }
        return new SignInResult(SignInOutcome.SignedIn, user);
    }

    private static string Reason(SignInResult r) => r.Outcome switch
    {
        SignInOutcome.UnknownUser => "no such user",
        SignInOutcome.WrongPassword => $"wrong password ({r.Failures} in a row)",
        SignInOutcome.Locked => $"account locked until {r.LockedUntil:yyyy-MM-dd HH:mm:ss} UTC after {r.Failures} wrong passwords in a row",
        SignInOutcome.Disabled => "account disabled",
        _ => r.Outcome.ToString(),
    };
}
