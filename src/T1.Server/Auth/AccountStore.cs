using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using T1.Storage.Database;

namespace T1.Server.Auth;

/// <summary>Users (salted password hashes) and API keys (sha256 only) in the metadata database.</summary>
public sealed class AccountStore(DatabaseFactory database)
{
    /// <summary>Prefix of every API key, so that leaked keys are easy to recognise and to grep for.</summary>
    public const string KeyPrefix = "t1_";
    private const int PrefixLength = 12;
    private static readonly PasswordHasher<UserRecord> Hasher = new();

    public async Task<bool> AnyUserAsync(CancellationToken ct = default)
    {
        await using var db = database.Create();
        return await db.Users.AnyAsync(ct);
    }

    public async Task<UserRecord> CreateUserAsync(string name, string password, string role, CancellationToken ct = default)
    {
        if (!Roles.IsValid(role)) throw new ArgumentException($"role '{role}' is not one of {string.Join(", ", Roles.All)}.", nameof(role));
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("a user needs a name.", nameof(name));
        if (password.Length < 8) throw new ArgumentException("a password needs at least 8 characters.", nameof(password));
        var user = new UserRecord { Name = name.Trim(), PasswordHash = "", Role = role, CreatedAt = DateTime.UtcNow, SecurityStamp = NewStamp() };
        user.PasswordHash = Hasher.HashPassword(user, password);
        await using var db = database.Create();
        db.Users.Add(user);
        await db.SaveChangesAsync(ct);
        return user;
    }

    /// <summary>
    /// The user when name and password match; null otherwise (the same answer for an unknown name). Checks only the
    /// password: sign-ins go through <see cref="SignInGuard"/>, which adds the lockout and the disabled state.
    /// </summary>
    public async Task<UserRecord?> VerifyPasswordAsync(string name, string password, CancellationToken ct = default)
    {
        await using var db = database.Create();
        var user = await db.Users.FirstOrDefaultAsync(u => u.Name == name.Trim(), ct);
        return user is not null && await CheckPasswordAsync(db, user, password, ct) ? user : null;
    }

    /// <summary>The user of that name (not tracked), or null.</summary>
    public async Task<UserRecord?> FindUserAsync(string name, CancellationToken ct = default)
    {
        await using var db = database.Create();
        return await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Name == name.Trim(), ct);
    }

    /// <summary>Checks <paramref name="password"/> against a tracked user (rehashing an old-format hash); an unknown user costs the same.</summary>
    internal static async Task<bool> CheckPasswordAsync(T1DbContext db, UserRecord? user, string password, CancellationToken ct)
    {
        if (user is null)
        {
            Hasher.HashPassword(new UserRecord { Name = "", PasswordHash = "", Role = "" }, password); // same cost as a real check
            return false;
        }
        var result = Hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        if (result == PasswordVerificationResult.Failed) return false;
        if (result == PasswordVerificationResult.SuccessRehashNeeded)
        {
            user.PasswordHash = Hasher.HashPassword(user, password);
            await db.SaveChangesAsync(ct);
        }
        return true;
    }

    public async Task<IReadOnlyList<UserRecord>> ListUsersAsync(CancellationToken ct = default)
    {
        await using var db = database.Create();
        return await db.Users.AsNoTracking().OrderBy(u => u.Name).ToListAsync(ct);
    }

    /// <summary>
    /// Sets a new password and a new security stamp (which ends the user's other sessions); returns the updated user.
    /// The caller has checked the current password (<see cref="SignInGuard"/>).
    /// </summary>
    public async Task<UserRecord> SetPasswordAsync(string name, string password, CancellationToken ct = default)
    {
        if (password.Length < 8) throw new ArgumentException("a password needs at least 8 characters.", nameof(password));
        await using var db = database.Create();
        var user = await db.Users.FirstOrDefaultAsync(u => u.Name == name.Trim(), ct)
            ?? throw new AccountException($"there is no user '{name}'; `t1 users list` shows the users.", notFound: true);
        user.PasswordHash = Hasher.HashPassword(user, password);
        user.SecurityStamp = NewStamp();
        await db.SaveChangesAsync(ct);
        return user;
    }

    /// <summary>Creates a key; the returned text is the only time the key exists outside the caller.</summary>
    public async Task<(ApiKeyRecord Record, string Key)> CreateKeyAsync(string name, string role, string createdBy, CancellationToken ct = default)
    {
        if (!Roles.IsValid(role)) throw new ArgumentException($"role '{role}' is not one of {string.Join(", ", Roles.All)}.", nameof(role));
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("an API key needs a name (what script or person uses it).", nameof(name));
        var key = KeyPrefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        var record = new ApiKeyRecord
        {
            Name = name.Trim(), Prefix = key[..PrefixLength], Hash = Sha256(key), Role = role, CreatedBy = createdBy, CreatedAt = DateTime.UtcNow,
        };
        await using var db = database.Create();
        db.ApiKeys.Add(record);
        await db.SaveChangesAsync(ct);
        return (record, key);
    }

    /// <summary>The active key record matching <paramref name="key"/>, or null.</summary>
    public async Task<ApiKeyRecord?> FindKeyAsync(string key, CancellationToken ct = default)
    {
        if (!key.StartsWith(KeyPrefix, StringComparison.Ordinal) || key.Length < PrefixLength + 8) return null;
        await using var db = database.Create();
        var prefix = key[..PrefixLength];
        var record = await db.ApiKeys.FirstOrDefaultAsync(k => k.Prefix == prefix && k.RevokedAt == null, ct);
        if (record is null) return null;
        var expected = Convert.FromHexString(record.Hash);
        var actual = SHA256.HashData(Encoding.UTF8.GetBytes(key));
        if (!CryptographicOperations.FixedTimeEquals(expected, actual)) return null;
        if (record.LastUsedAt is null || DateTime.UtcNow - record.LastUsedAt > TimeSpan.FromMinutes(1))
        {
            record.LastUsedAt = DateTime.UtcNow;
            await db.SaveChangesAsync(ct);
        }
        return record;
    }

    public async Task<IReadOnlyList<ApiKeyRecord>> ListKeysAsync(CancellationToken ct = default)
    {
        await using var db = database.Create();
        return await db.ApiKeys.AsNoTracking().OrderBy(k => k.Id).ToListAsync(ct);
    }

    /// <summary>Revokes a key; false when there is no such active key.</summary>
    public async Task<bool> RevokeKeyAsync(long id, CancellationToken ct = default)
    {
        await using var db = database.Create();
        var record = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id && k.RevokedAt == null, ct);
        if (record is null) return false;
        record.RevokedAt = DateTime.UtcNow;
        await db.SaveChangesAsync(ct);
        return true;
    }

    public static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>A new security stamp: any change of it ends the sessions issued with the old one.</summary>
    public static string NewStamp() => Base64Url(RandomNumberGenerator.GetBytes(18));

    public static string NewPassword() => Base64Url(RandomNumberGenerator.GetBytes(15));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
