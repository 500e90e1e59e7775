namespace T1.Server.Auth;

/// <summary>An account change that cannot be made; <see cref="Exception.Message"/> says why and what to do.</summary>
public sealed class AccountException(string message, bool notFound = false) : Exception(message)
{
    /// <summary>There is no such user (rather than: the change would break something).</summary>
    public bool NotFound { get; } = notFound;
}
