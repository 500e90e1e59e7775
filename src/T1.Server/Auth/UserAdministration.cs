using Microsoft.EntityFrameworkCore;
using T1.Storage.Database;

namespace T1.Server.Auth;

/// <summary>
/// An account's life after creation: disable, enable, delete, change role. Disabling, deleting and a role change give
/// the user a new security stamp, which ends their sessions at their next request; API keys are separate and stay.
/// The last active admin cannot be disabled, deleted or demoted (nobody could manage accounts any more).
/// Used by the API (admins) and by `t1 users` (which writes the database directly).
/// </summary>
public sealed class UserAdministration(DatabaseFactory database)
{
    public async Task<UserRecord> DisableAsync(string name, CancellationToken ct = default) =>
        await ChangeAsync(name, "disable", u => u.Role == Roles.Admin, u =>
        {
            u.DisabledAt ??= DateTime.UtcNow;
            u.SecurityStamp = AccountStore.NewStamp();
        }, ct);

    /// <summary>Enables the account again and lifts a sign-in lockout.</summary>
    public async Task<UserRecord> EnableAsync(string name, CancellationToken ct = default) =>
        await ChangeAsync(name, "enable", _ => false, u =>
        {
            u.DisabledAt = null;
            u.FailedSignIns = 0;
            u.LockedUntil = null;
        }, ct);

    public async Task<UserRecord> SetRoleAsync(string name, string role, CancellationToken ct = default)
    {
        role = role.Trim().ToLowerInvariant();
        if (!Roles.IsValid(role)) throw new ArgumentException($"role '{role}' is not one of {string.Join(", ", Roles.All)}.", nameof(role));
        return await ChangeAsync(name, "demote", u => u.Role == Roles.Admin && role != Roles.Admin, u =>
        {
            if (u.Role == role) return;
            u.Role = role;
            u.SecurityStamp = AccountStore.NewStamp();
        }, ct);
    }

    public async Task DeleteAsync(string name, CancellationToken ct = default)
    {
        await using var db = database.Create();
        var user = await FindAsync(db, name, ct);
        await RefuseLastAdminAsync(db, user, "delete", ct);
        db.Users.Remove(user);
        await db.SaveChangesAsync(ct);
    }

    /// <param name="touchesAdminRights">whether the change takes admin rights away from this user (then another active admin must remain).</param>
    private async Task<UserRecord> ChangeAsync(string name, string verb, Func<UserRecord, bool> touchesAdminRights, Action<UserRecord> change, CancellationToken ct)
    {
        await using var db = database.Create();
        var user = await FindAsync(db, name, ct);
        if (touchesAdminRights(user)) await RefuseLastAdminAsync(db, user, verb, ct);
        change(user);
        await db.SaveChangesAsync(ct);
        return user;
    }

    private static async Task<UserRecord> FindAsync(T1DbContext db, string name, CancellationToken ct) =>
        await db.Users.FirstOrDefaultAsync(u => u.Name == name.Trim(), ct)
        ?? throw new AccountException($"there is no user '{name.Trim()}'; `t1 users list` (or GET /api/users) shows the users.", notFound: true);

    private static async Task RefuseLastAdminAsync(T1DbContext db, UserRecord user, string verb, CancellationToken ct)
    {
        if (user.Role != Roles.Admin || user.DisabledAt is not null) return;
        if (await db.Users.AnyAsync(u => u.Id != user.Id && u.Role == Roles.Admin && u.DisabledAt == null, ct)) return;
        throw new AccountException($"cannot {verb} '{user.Name}': it is the last active admin, and without one nobody can manage accounts; "
            + "make another user admin first (`t1 users set-role NAME admin`).");
    }
}
