namespace T1.Server.Auth;

/// <summary>How a sign-in (or the current-password check of a password change) ended.</summary>
public enum SignInOutcome
{
    SignedIn,
    UnknownUser,
    WrongPassword,
    /// <summary>Too many wrong passwords in a row: no password is checked until <see cref="SignInResult.LockedUntil"/>.</summary>
    Locked,
    /// <summary>The password was right, but an admin disabled the account.</summary>
    Disabled,
}
