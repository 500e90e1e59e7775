using T1.Storage.Database;

namespace T1.Server.Auth;

/// <summary>The outcome of a sign-in; <see cref="User"/> is set only when signed in.</summary>
/// <param name="Failures">wrong passwords in a row, this one included (for the log).</param>
/// <param name="LockedUntil">set when the account is locked (now, or already before this attempt).</param>
public sealed record SignInResult(SignInOutcome Outcome, UserRecord? User = null, int Failures = 0, DateTime? LockedUntil = null);
