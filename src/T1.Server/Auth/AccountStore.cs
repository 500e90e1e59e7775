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
        var user = new UserRecord { Name = name.Trim(), PasswordHash = "", Role = role, CreatedAt = DateTime.UtcNow };
        user.PasswordHash = Hasher.HashPassword(user, password);
        await using var db = database.Create();
        db.Users.Add(user);
        await db.SaveChangesAsync(ct);
        return user;
    }

    /// <summary>The user when name and password match; null otherwise (the same answer for an unknown name).</summary>
    public async Task<UserRecord?> VerifyPasswordAsync(string name, string password, CancellationToken ct = default)
    {
        await using var db = database.Create();
        var user = await db.Users.FirstOrDefaultAsync(u => u.Name == name.Trim(), ct);
        if (user is null)
        {
            Hasher.HashPassword(new UserRecord { Name = "", PasswordHash = "", Role = "" }, password); // same cost as a real check
            return null;
        }
        var result = Hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        if (result == PasswordVerificationResult.Failed) return null;
        if (result == PasswordVerificationResult.SuccessRehashNeeded)
        {
            user.PasswordHash = Hasher.HashPassword(user, password);
            await db.SaveChangesAsync(ct);
        }
        return user;
    }

    public async Task<IReadOnlyList<UserRecord>> ListUsersAsync(CancellationToken ct = default)
    {
        await using var db = database.Create();
        return await db.Users.AsNoTracking().OrderBy(u => u.Name).ToListAsync(ct);
    }

    /// <summary>Sets a new password when <paramref name="current"/> is right; false otherwise.</summary>
    public async Task<bool> ChangePasswordAsync(string name, string current, string password, CancellationToken ct = default)
    {
        if (password.Length < 8) throw new ArgumentException("a password needs at least 8 characters.", nameof(password));
        if (await VerifyPasswordAsync(name, current, ct) is null) return false;
        await using var db = database.Create();
        var user = await db.Users.FirstAsync(u => u.Name == name.Trim(), ct);
        user.PasswordHash = Hasher.HashPassword(user, password);
        await db.SaveChangesAsync(ct);
        return true;
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

    public static string NewPassword() => Base64Url(RandomNumberGenerator.GetBytes(15));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
