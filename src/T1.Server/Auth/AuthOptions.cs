namespace T1.Server.Auth;

/// <summary>Who may use the portal and the API (section <c>T1:Auth</c>).</summary>
public sealed class AuthOptions
{
    /// <summary>
    /// Require sign-in even when the server listens on loopback only. When the server listens on any other
    /// address, sign-in is always required; on loopback (the embedded default) it runs open unless this is set.
    /// </summary>
    public bool RequireLogin { get; set; }

    /// <summary>Name of the admin created on first start (when there is no user yet).</summary>
    public string AdminUser { get; set; } = "admin";

    /// <summary>Password of that first admin; empty means a random one, printed once on the start-up line.</summary>
    public string AdminPassword { get; set; } = "";
}
