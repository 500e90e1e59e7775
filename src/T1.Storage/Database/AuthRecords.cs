namespace T1.Storage.Database;

/// <summary>A person who signs in to the portal; (Name) is unique. The password is stored only as a salted hash.</summary>
public sealed class UserRecord
{
    public long Id { get; set; }
    public required string Name { get; set; }
    /// <summary>ASP.NET Core Identity PasswordHasher v3 format (PBKDF2-HMAC-SHA512, random salt).</summary>
    public required string PasswordHash { get; set; }
    /// <summary>viewer, operator or admin.</summary>
    public required string Role { get; set; }
    public DateTime CreatedAt { get; set; }
    /// <summary>
    /// Random text that changes whenever the user's password, role or state changes; a session cookie carries the
    /// stamp it was issued with and ends when it no longer matches.
    /// </summary>
    public string SecurityStamp { get; set; } = "";
    /// <summary>When an admin disabled the account (it cannot sign in); null while active.</summary>
    public DateTime? DisabledAt { get; set; }
    /// <summary>Wrong passwords in a row since the last successful sign-in (drives the lockout back-off).</summary>
    public int FailedSignIns { get; set; }
    /// <summary>No sign-in is checked before this time (after too many wrong passwords); null when not locked.</summary>
    public DateTime? LockedUntil { get; set; }
}

/// <summary>
/// A key scripts send in the <c>X-Api-Key</c> header. Only the sha256 of the key is stored (keys are 256-bit
/// random, so a fast hash is enough); <see cref="Prefix"/> finds the row without revealing the key.
/// </summary>
public sealed class ApiKeyRecord
{
    public long Id { get; set; }
    public required string Name { get; set; }
    /// <summary>The first characters of the key (e.g. <c>t1_AbCdEf12</c>), shown in listings and used for lookup.</summary>
    public required string Prefix { get; set; }
    /// <summary>Lowercase hex sha256 of the whole key.</summary>
    public required string Hash { get; set; }
    /// <summary>viewer, operator or admin.</summary>
    public required string Role { get; set; }
    /// <summary>The admin who created it.</summary>
    public string CreatedBy { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime? RevokedAt { get; set; }
    public DateTime? LastUsedAt { get; set; }
}
