namespace T1.Server.Auth;

/// <summary>Who may use the portal and the API (section <c>T1:Auth</c>). README "Security" explains each setting.</summary>
public sealed class AuthOptions
{
    /// <summary>
    /// Require sign-in even when the server listens on loopback only. When the server listens on any other
    /// address, sign-in is always required; on loopback (the embedded default) it runs open unless this is set.
    /// </summary>
    public bool RequireLogin { get; set; }

    /// <summary>Name of the admin created on first start (when there is no user yet).</summary>
    public string AdminUser { get; set; } = "admin";

    /// <summary>Password of that first admin; empty means a random one, printed once on the console (stdout).</summary>
    public string AdminPassword { get; set; } = "";

    /// <summary>
    /// With sign-in required: the host names (<c>Host</c> header, optionally <c>name:port</c>; <c>*.example.org</c> for
    /// sub-domains) the server answers to, separated by <c>;</c> or <c>,</c>. Empty or <c>*</c>: any. The open mode
    /// answers only to <c>localhost</c>, <c>127.0.0.1</c> and <c>[::1]</c> on its own port, whatever this says.
    /// </summary>
    public string AllowedHosts { get; set; } = "";

    /// <summary>
    /// Addresses (or CIDR networks such as <c>10.0.0.0/8</c>) of reverse proxies whose <c>X-Forwarded-For</c>,
    /// <c>X-Forwarded-Proto</c> and <c>X-Forwarded-Host</c> headers are believed, separated by <c>;</c> or <c>,</c>.
    /// Loopback is always trusted. Only with sign-in required: the open mode refuses forwarded requests.
    /// </summary>
    public string TrustedProxies { get; set; } = "";

    /// <summary>Wrong passwords in a row after which an account is locked.</summary>
    public int LockoutThreshold { get; set; } = 5;

    /// <summary>The first lockout; each further wrong password after it doubles the lock, up to <see cref="LockoutMax"/>.</summary>
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The longest lockout.</summary>
    public TimeSpan LockoutMax { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Sign-in attempts (right or wrong) one client address may make per minute.</summary>
    public int SignInAttemptsPerMinute { get; set; } = 10;

    /// <summary>Requests with an unknown or revoked API key one client address may make per minute; then all its key requests get 429.</summary>
    public int ApiKeyFailuresPerMinute { get; set; } = 10;
}
